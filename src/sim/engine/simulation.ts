/**
 * The discrete-event simulation of one scenario on one mesh: integer-microsecond virtual time,
 * a binary-heap event list, seeded RNG streams per component. Same input and seed → same samples,
 * same events, same digest.
 */
import type { Mesh } from '../../model/mesh.js';
import type { RunEvent, Sample, SampleSink } from '../../model/sample.js';
import type { Scenario } from '../../model/scenario.js';
import { retryBackoffUs } from '../envoy/retry.js';
import type { IstioProfile } from '../istio-profile.js';
import { defaultRetryPolicy } from '../istiod/retry-policy.js';
import { createRng, type Rng } from '../rng.js';
import { gatewaysOf, proxyViewOf } from '../topology.js';
import type { ClusterConfig, RetryPolicy } from '../xds-types.js';
import {
  ATTEMPT_QUEUED,
  canServePending,
  finishAttempt,
  OUTCOME_CONNECT_FAILURE,
  OUTCOME_HTTP_ERROR,
  OUTCOME_OVERFLOW,
  OUTCOME_SUCCESS,
  OUTCOME_TIMEOUT,
  outlierReportOf,
  sendPending,
  startAttempt,
  type AttemptState,
} from './attempt.js';
import { ClusterResources } from './circuit-breakers.js';
import { ClientProxy, type RtHost } from './client-proxy.js';
import { Istiod } from './control-plane.js';
import { ConnectionPools, type Conn, type WorkerPool } from './connections.js';
import { ControlPlaneDelays } from './control-plane-delays.js';
import { EventQueue } from './event-queue.js';
import { Observer } from './observer.js';
import { applyTimelineAction } from './timeline.js';
import { World, type EndpointState, type SimPod } from './world.js';

export interface SimInput {
  mesh: Mesh;
  scenario: Scenario;
  profile: IstioProfile;
  seed: number;
  /** Test hook: called for every attempt with the host picked and whether its priority was in panic. */
  probe?: SimProbe;
}

/** Observes the engine's decisions (tests use it to check invariants; it must not change state). */
export interface SimProbe {
  attempt(nowUs: number, host: RtHost, inPanic: boolean): void;
}

export interface SimOutput {
  /** Timeline events and observations (EDS updates, ejections), in time order. */
  events: RunEvent[];
  requests: number;
  /** Events the engine processed (a cost figure for benchmarks). */
  eventsProcessed: number;
  /** Hash of every processed event's time and kind: equal digests ⇔ equal runs (for tests). */
  digest: string;
  /** Virtual time when the last request finished. */
  endUs: number;
  /** The client cluster's circuit-breaker counters (Envoy's stat names). */
  circuitBreakers: CircuitBreakerStats;
}

/** Envoy cluster stats of the circuit breakers, and the requests answered 503 UO. */
export interface CircuitBreakerStats {
  upstreamRqPendingOverflow: number;
  upstreamRqRetryOverflow: number;
  upstreamCxOverflow: number;
  /** Requests whose final answer carried response flag UO. */
  uoResponses: number;
}

const EV_CALL = 0;
const EV_ARRIVAL = 1;
const EV_VU = 2;
const EV_ATTEMPT_DONE = 3;
const EV_RETRY = 4;
const EV_PENDING_TIMEOUT = 5;

interface SimEvent {
  kind: number;
}

class CallEvent implements SimEvent {
  readonly kind = EV_CALL;
  constructor(readonly fn: (nowUs: number) => void) {}
}

/** A request in flight; it is its own queue entry for attempt completions and retries. */
class Req implements SimEvent, AttemptState {
  kind = EV_ATTEMPT_DONE;
  /** Position in scheduled order: requests start in scheduled order (arrivals and VU turns are events in time order). */
  seq = 0;
  scheduledUs = 0;
  startedUs = 0;
  attempts = 0;
  tried: RtHost[] = [];
  vu: Vu | undefined;
  host: RtHost | undefined = undefined;
  pod: SimPod | undefined = undefined;
  outcome = 0;
  status = 0;
  startUs = 0;
  doneUs = 0;
  conn: Conn | undefined = undefined;
  /** The client sidecar's worker thread the request runs on (its connection pool). */
  worker = 0;
  /** Route timeout (global, over all attempts): startedUs + timeout. */
  deadlineUs = 0;
  arriveUs = 0;
  serviceEndUs = 0;
  /** The pool whose pending queue holds the request (circuit breakers); undefined otherwise. */
  pendingPool: WorkerPool | undefined = undefined;
  /** Identifies the request's current stay in a pending queue (its timeout event checks it). */
  pendingTicket = 0;
  /** A retry of this request holds the cluster's `retries` resource. */
  retrying = false;
  /** The final answer carries response flag UO (a circuit breaker overflowed). */
  upstreamOverflow = false;
}

/** The route timeout of a request waiting in a pending queue. */
class PendingTimeout implements SimEvent {
  readonly kind = EV_PENDING_TIMEOUT;
  constructor(
    readonly req: Req,
    readonly ticket: number,
  ) {}
}

/** One closed-model virtual user (a curl loop / k6 constant-vus VU). */
class Vu implements SimEvent {
  readonly kind = EV_VU;
  constructor(
    readonly index: number,
    /** The client sidecar's worker thread that accepted the VU's keep-alive connection. */
    readonly worker: number,
  ) {}
}

/** Worker threads of the scenario client's sidecar: its workload's `proxy.concurrency`, else the mesh default. */
function clientConcurrency(mesh: Mesh, client: { cluster: string; workload: string }): number {
  const w = mesh.clusters.find((c) => c.name === client.cluster)?.workloads.find((x) => x.name === client.workload);
  return w?.proxyConcurrency ?? mesh.defaults.proxyConcurrency;
}

/** Runs the scenario and streams one sample per request into `sink`. */
export function simulate(input: SimInput, sink: SampleSink): SimOutput {
  return new Simulation(input, sink).run();
}

/**
 * A run advanced in slices, so a caller can stop it between events (interrupts) and report the
 * virtual time reached (progress). `advance` processes at most `maxEvents` events and returns true
 * once the run is over; `output` is valid after that. Slicing never changes the run: the same
 * events happen in the same order whatever the slice size.
 */
export interface SlicedSimulation {
  advance(maxEvents: number): boolean;
  /** Virtual time of the last event processed. */
  readonly nowUs: number;
  output(): SimOutput;
}

export function startSimulation(input: SimInput, sink: SampleSink): SlicedSimulation {
  const sim = new Simulation(input, sink);
  sim.start();
  return {
    advance: (maxEvents) => sim.advance(maxEvents),
    get nowUs() {
      return sim.currentUs();
    },
    output: () => sim.output(),
  };
}

class Simulation {
  private readonly mesh: Mesh;
  private readonly scenario: Scenario;
  private readonly profile: IstioProfile;
  private readonly sink: SampleSink;
  private readonly probe: SimProbe | undefined;
  private readonly queue = new EventQueue<SimEvent>(4096);
  private readonly rng: Rng;
  private readonly retryRng: Rng;
  private readonly world: World;
  private readonly istiods: Istiod[];
  private readonly proxy: ClientProxy;
  private readonly retry: RetryPolicy;
  private readonly observer: Observer;
  private readonly delays: ControlPlaneDelays;
  private readonly conns: ConnectionPools;
  private readonly resources = new ClusterResources();
  private pendingTickets = 0;
  private uoResponses = 0;
  private readonly workerRng: Rng;
  /** Unused random bits of the last worker draw (pickWorker). */
  private workerBits = 0;
  private workerBitsLeft = 0;
  /** Outlier interval timer phase of the detector built before the run (drawn per trial). */
  private readonly outlierPhase: number;
  private readonly loadEndUs: number;
  /**
   * Open model: the next arrival lives outside the heap (it is always the latest-known future
   * event of its kind), which halves the heap work per request. Infinity = no more arrivals.
   */
  private nextArrivalUs = Infinity;
  private arrivalIndex = 0;
  private readonly periodUs: number;
  /** Open model: offset of the arrival grid, drawn per seed (a fault never lines up with requests by design). */
  private readonly phaseUs: number;
  private outstanding = 0;
  private requests = 0;
  private nowUs = 0;
  private digest = 0x811c9dc5;
  private eventsProcessed = 0;
  private tickGeneration = 0;
  private readonly sample: Sample = { scheduledUs: 0, startUs: 0, endUs: 0, status: 0, attempts: 0, version: undefined, instance: undefined, cluster: undefined, locality: undefined, seq: 0 };
  private readonly freeReqs: Req[] = [];
  private readonly timeoutUs: number;
  private readonly thinkTimeUs: number;

  constructor(input: SimInput, sink: SampleSink) {
    this.mesh = input.mesh;
    this.scenario = input.scenario;
    this.profile = input.profile;
    this.sink = sink;
    this.probe = input.probe;
    this.rng = createRng(input.seed);
    this.retryRng = this.rng.fork('client/retry');
    const sc = this.scenario;
    this.loadEndUs = sc.load.durationUs;
    this.timeoutUs = sc.request.timeoutUs;
    this.thinkTimeUs = sc.load.kind === 'closed' ? sc.load.thinkTimeUs : 0;
    this.periodUs = sc.load.kind === 'open' ? 1e6 / sc.load.ratePerS : 0;
    this.phaseUs = Math.floor(this.rng.fork('load/phase').next() * this.periodUs);
    const at = (atUs: number, fn: (nowUs: number) => void) => this.queue.push(atUs, new CallEvent(fn));
    const native = this.mesh.defaults.nativeSidecars;
    this.world = new World(this.mesh, this.rng.fork('world'), { at }, (pod, state, t) => this.propagate(pod, state, t), {
      nativeSidecars: native === 'auto' ? this.profile.nativeSidecarsByDefault : native,
    });
    this.observer = new Observer();
    this.delays = new ControlPlaneDelays(this.mesh.controlPlane, this.rng.fork('control-plane'));
    this.outlierPhase = this.rng.fork('outlier/phase').next();
    this.conns = new ConnectionPools(clientConcurrency(this.mesh, sc.client), this.mesh.defaults.connectionIdleTimeoutUs);
    this.workerRng = this.rng.fork('client/worker');
    const gateways = gatewaysOf(this.mesh);
    const serviceReady = [...this.world.podsById.values()].filter((p) => this.isScenarioService(p) && p.phase === 'ready');
    this.istiods = this.world.clusters.map(
      (cluster) =>
        new Istiod({
          cluster,
          mesh: this.mesh,
          profile: this.profile,
          gateways,
          scheduler: { at },
          hooks: { applyToClient: (proxy, update, t) => this.applyUpdate(proxy, update.assignment, update.config, t) },
          delays: this.delays,
          // The scenario's rule is in force in every cluster at the start, as the tutorial applies
          // 08-locality-lb.yaml to each cluster (manifests/README.md step 8): east-west gateways
          // apply it too (Istiod.gatewayView). `applyDestinationRule` changes the client's cluster.
          destinationRule: sc.destinationRule,
          initialEndpoints: serviceReady,
          trafficDistribution: sc.request.trafficDistribution,
        }),
    );
    const home = this.istiodOf(sc.client.cluster);
    const view = proxyViewOf(this.mesh, sc.client.cluster, sc.client.workload);
    this.proxy = new ClientProxy(view, home.clusterConfig(), {
      strictMaxEjectionPercent: this.profile.strictMaxEjectionPercent,
      rng: this.rng.fork('client/lb'),
      workers: this.conns.workers,
    });
    this.configureCluster(this.proxy.config);
    home.clientProxy = this.proxy;
    this.proxy.applyAssignment(home.assignmentFor(this.proxy));
    for (const d of this.istiods) if (d.cluster.gateway) d.cluster.gateway.view = d.gatewayView();
    this.retry = defaultRetryPolicy(this.profile);
  }

  run(): SimOutput {
    this.start();
    this.advance(Infinity);
    return this.output();
  }

  currentUs(): number {
    return this.nowUs;
  }

  start(): void {
    this.scheduleLoad();
    for (const entry of this.scenario.timeline) {
      this.queue.push(
        entry.atUs,
        new CallEvent((t) => applyTimelineAction(entry, t, this.timelineContext())),
      );
    }
    // The client's detector was built when its cluster was, long before the run: Envoy arms the
    // interval timer in DetectorImpl::initialize (outlier_detection_impl.cc), so relative to t = 0
    // its ticks fall at an arbitrary phase, which each trial draws.
    this.startOutlierTicks(0, this.outlierPhase);
  }

  /** Processes up to `maxEvents` events; true when the run is over (see SlicedSimulation). */
  advance(maxEvents: number): boolean {
    const q = this.queue;
    const stopAt = this.eventsProcessed + maxEvents;
    for (;;) {
      if (this.eventsProcessed >= stopAt) return false;
      // An arrival runs after every heap event at or before its time.
      const arrivalUs = this.nextArrivalUs;
      if (arrivalUs < q.peekTimeUs()) {
        this.nowUs = arrivalUs;
        this.eventsProcessed++;
        this.digest = Math.imul(this.digest ^ arrivalUs ^ (EV_ARRIVAL << 28), 0x01000193) >>> 0;
        this.onArrival(arrivalUs);
        continue;
      }
      if (q.length === 0) return true;
      if (this.outstanding === 0 && this.nowUs >= this.loadEndUs && this.loadDone()) return true;
      const ev = q.pop() as SimEvent;
      const t = q.lastTimeUs;
      this.nowUs = t;
      this.eventsProcessed++;
      // `^` already takes the time modulo 2^32 (ToInt32); an explicit `% 4294967296` is a float
      // modulo, a libc fmod call per event (measured: ~5 ns of each request's ~350).
      this.digest = Math.imul(this.digest ^ t ^ (ev.kind << 28), 0x01000193) >>> 0;
      switch (ev.kind) {
        case EV_VU:
          this.startRequest(t, t, ev as Vu);
          break;
        case EV_ATTEMPT_DONE:
          this.onAttemptDone(ev as Req, t);
          break;
        case EV_RETRY:
          this.attempt(ev as Req, t);
          break;
        case EV_PENDING_TIMEOUT:
          this.onPendingTimeout(ev as PendingTimeout, t);
          break;
        default:
          (ev as CallEvent).fn(t);
      }
    }
  }

  output(): SimOutput {
    const events = this.observer.events();
    const res = this.resources;
    if (this.uoResponses > 0 || res.retryOverflows > 0) {
      events.push({
        name: 'circuit-breaker-totals',
        atMs: this.nowUs / 1000,
        action:
          `${this.uoResponses} request${this.uoResponses === 1 ? '' : 's'} answered with response flag UO (503 from the client sidecar): ` +
          `upstream_rq_pending_overflow ${res.pendingOverflows}, upstream_rq_retry_overflow ${res.retryOverflows}, upstream_cx_overflow ${res.cxOverflows}`,
      });
    }
    return {
      events,
      requests: this.requests,
      eventsProcessed: this.eventsProcessed,
      digest: this.digest.toString(16).padStart(8, '0'),
      endUs: this.nowUs,
      circuitBreakers: {
        upstreamRqPendingOverflow: this.resources.pendingOverflows,
        upstreamRqRetryOverflow: this.resources.retryOverflows,
        upstreamCxOverflow: this.resources.cxOverflows,
        uoResponses: this.uoResponses,
      },
    };
  }

  private scheduleLoad(): void {
    const load = this.scenario.load;
    if (load.kind === 'open') {
      if (this.phaseUs < this.loadEndUs) this.nextArrivalUs = this.phaseUs;
      return;
    }
    for (let i = 0; i < load.concurrency; i++) this.queue.push(0, new Vu(i, this.pickWorker()));
  }

  private loadDone(): boolean {
    const load = this.scenario.load;
    return load.kind === 'open' ? this.phaseUs + Math.round(this.arrivalIndex * this.periodUs) >= this.loadEndUs : true;
  }

  /** Open model: requests at exact multiples of 1/rate from the phase (k6 constant-arrival-rate). */
  private onArrival(t: number): void {
    this.arrivalIndex++;
    const next = this.phaseUs + Math.round(this.arrivalIndex * this.periodUs);
    this.nextArrivalUs = next < this.loadEndUs ? next : Infinity;
    this.startRequest(t, t, undefined);
  }

  private startRequest(scheduledUs: number, nowUs: number, vu: Vu | undefined): void {
    // Requests are recycled: at 1,000 req/s over 600 s, allocating one each costs more than it does.
    const r = this.freeReqs.pop() ?? new Req();
    r.attempts = 0;
    if (r.tried.length !== 0) r.tried.length = 0;
    r.scheduledUs = scheduledUs;
    r.startedUs = nowUs;
    r.vu = vu;
    r.seq = this.requests;
    r.deadlineUs = nowUs + this.timeoutUs;
    // A VU keeps its keep-alive connection to its sidecar, so it stays on the worker that accepted
    // it; an open-model request comes on a connection of its own.
    r.worker = vu !== undefined ? vu.worker : this.pickWorker();
    this.outstanding++;
    this.requests++;
    this.attempt(r, nowUs);
  }

  /**
   * The worker thread that accepts a new downstream connection. Envoy's listeners default to
   * `enable_reuse_port: true` (api/envoy/config/listener/v3/listener.proto): one SO_REUSEPORT
   * socket per worker, and the kernel picks the socket by a hash of the connection's 4-tuple
   * (random source port), so each connection lands on a worker at random. Istio adds
   * `exact_balance` only with OUTBOUND_LISTENER_EXACT_BALANCE (pilot listener.go), off by default.
   */
  private pickWorker(): number {
    const workers = this.conns.workers;
    if (workers === 1) return 0;
    if ((workers & (workers - 1)) !== 0) return this.workerRng.u32() % workers;
    // A power of two: log2(workers) uniform bits per pick, 32 bits per draw (the same uniform
    // choice, fewer generator calls on the per-request path).
    const bits = 31 - Math.clz32(workers);
    if (this.workerBitsLeft < bits) {
      this.workerBits = this.workerRng.u32();
      this.workerBitsLeft = 32;
    }
    const w = this.workerBits & (workers - 1);
    this.workerBits >>>= bits;
    this.workerBitsLeft -= bits;
    return w;
  }

  private attempt(r: Req, nowUs: number): void {
    r.attempts++;
    const host = this.proxy.pick(r.tried, this.retry.hostSelectionRetryMaxAttempts, r.worker);
    if (host === undefined) {
      // No healthy upstream: Envoy answers a local 503 at once, without retrying.
      r.status = 503;
      r.pod = undefined;
      this.finish(r, nowUs, 503);
      return;
    }
    host.activeRequests++;
    if (this.probe !== undefined) this.probe.attempt(nowUs, host, this.proxy.lastPickInPanic);
    if (startAttempt(this.world, this.mesh, this.proxy.view.locality, host, r, nowUs, this.conns, r.worker, this.resources) === ATTEMPT_QUEUED) {
      // Pending: not an active request of the host until attached (conn_pool_base.cc attachStreamToClient).
      host.activeRequests--;
      r.pendingTicket = ++this.pendingTickets;
      this.queue.push(r.deadlineUs, new PendingTimeout(r, r.pendingTicket));
      return;
    }
    r.kind = EV_ATTEMPT_DONE;
    this.queue.push(r.doneUs, r);
  }

  /** Pending requests of `pool` leave the queue while a connection is idle or may be opened. */
  private servePending(pool: WorkerPool, nowUs: number): void {
    while (canServePending(pool, this.conns, this.resources)) {
      const r = pool.pending.shift() as Req;
      sendPending(this.mesh, r, nowUs, this.conns, this.resources);
      (r.host as RtHost).activeRequests++;
      r.kind = EV_ATTEMPT_DONE;
      this.queue.push(r.doneUs, r);
    }
  }

  /**
   * The route timeout fired while the request was still pending: the router cancels the pending
   * stream (no host was attached, so outlier detection hears nothing) and the client times out.
   */
  private onPendingTimeout(ev: PendingTimeout, nowUs: number): void {
    const r = ev.req;
    const pool = r.pendingPool;
    if (pool === undefined || r.pendingTicket !== ev.ticket) return;
    pool.pending.splice(pool.pending.indexOf(r), 1);
    r.pendingPool = undefined;
    this.resources.queued--;
    r.pod = undefined;
    this.finish(r, nowUs, 0);
  }

  /** Returns a request to the pool. */
  private release(r: Req): void {
    r.vu = undefined;
    r.host = undefined;
    r.pod = undefined;
    this.freeReqs.push(r);
  }

  private onAttemptDone(r: Req, nowUs: number): void {
    finishAttempt(r, nowUs);
    const host = r.host as RtHost;
    host.activeRequests--;
    const o = r.outcome;
    const conn = r.conn;
    const res = this.resources;
    if (r.retrying) {
      // The retry in progress ends with its attempt (retry_state_impl.cc resetRetry).
      r.retrying = false;
      res.retries--;
    }
    if (conn !== undefined) {
      r.conn = undefined;
      res.active--;
      const pod = conn.pod as SimPod;
      const pool = conn.pool as WorkerPool;
      const perConn = res.limits.maxRequestsPerConnection;
      // Kept for reuse after a response from a pod not draining (a draining sidecar sends
      // `Connection: close`); closed after a reset or connect failure, or once it carried
      // max_requests_per_connection requests (conn_pool_base.cc: DRAINING, closed when idle).
      if ((o === OUTCOME_SUCCESS || o === OUTCOME_HTTP_ERROR) && pod.sidecarUp && pod.phase === 'ready' && (perConn === 0 || conn.requests < perConn)) {
        this.conns.release(conn, nowUs);
      } else {
        this.conns.discard(conn);
      }
      if (pool.pending.length > 0) this.servePending(pool, nowUs);
    }
    const report = outlierReportOf(o, r.status);
    if (report !== undefined && this.proxy.report(host, report, nowUs)) this.observer.ejected(nowUs, host);
    if (o !== OUTCOME_SUCCESS && r.attempts <= this.retry.numRetries && this.retriable(o, r.status)) {
      if (res.canRetry()) {
        // previous_hosts: the retry avoids every host this request already tried.
        r.tried.push(host);
        r.retrying = true;
        res.retries++;
        r.kind = EV_RETRY;
        this.queue.push(nowUs + retryBackoffUs(r.attempts, this.retry.backoffBaseUs, this.retry.backoffMaxUs, this.retryRng), r);
        return;
      }
      // max_retries reached: the response stands, flagged UO (RetryStatus::NoOverflow).
      res.retryOverflows++;
      r.upstreamOverflow = true;
    }
    if (o === OUTCOME_OVERFLOW) r.upstreamOverflow = true;
    this.finish(r, nowUs, o === OUTCOME_SUCCESS ? 200 : o === OUTCOME_TIMEOUT ? 0 : r.status);
  }

  /** Envoy router retry_on: connect-failure, retriable-status-codes (503 ≤1.23); resets are not retried. */
  private retriable(outcome: number, status: number): boolean {
    if (outcome === OUTCOME_CONNECT_FAILURE) return this.retry.retryOn.includes('connect-failure');
    if (outcome === OUTCOME_HTTP_ERROR) {
      return (
        (this.retry.retryOn.includes('retriable-status-codes') && this.retry.retriableStatusCodes.includes(status)) ||
        (this.retry.retryOn.includes('5xx') && status >= 500) ||
        (this.retry.retryOn.includes('gateway-error') && status >= 502 && status <= 504)
      );
    }
    return false;
  }

  private finish(r: Req, nowUs: number, status: number): void {
    this.outstanding--;
    if (r.retrying) {
      r.retrying = false;
      this.resources.retries--;
    }
    if (r.upstreamOverflow) {
      r.upstreamOverflow = false;
      if (this.uoResponses++ === 0) this.observer.circuitBreakerOverflow(nowUs, this.resources.limits);
    }
    const s = this.sample;
    const timeoutUs = this.timeoutUs;
    const timedOut = status === 0 || nowUs - r.startedUs > timeoutUs;
    s.scheduledUs = r.scheduledUs;
    s.startUs = r.startedUs;
    s.endUs = timedOut ? r.startedUs + timeoutUs : nowUs;
    s.status = timedOut ? 0 : status;
    s.attempts = r.attempts;
    s.seq = r.seq;
    const pod = status === 200 && !timedOut ? r.pod : undefined;
    if (pod === undefined) {
      s.version = undefined;
      s.instance = undefined;
      s.cluster = undefined;
      s.locality = undefined;
    } else {
      s.version = pod.version;
      s.instance = pod.id;
      s.cluster = pod.clusterName;
      s.locality = pod.localityLabel;
    }
    this.sink.record(s);
    const vu = r.vu;
    this.release(r);
    if (vu !== undefined) {
      const next = s.endUs + this.thinkTimeUs;
      if (next < this.loadEndUs) this.queue.push(Math.max(next, nowUs), vu);
    }
  }

  private applyUpdate(proxy: ClientProxy, assignment: Parameters<ClientProxy['applyAssignment']>[0], config: ReturnType<Istiod['clusterConfig']> | undefined, t: number): void {
    if (config !== undefined) {
      proxy.applyConfig(config);
      this.configureCluster(config);
      // A CDS update builds a new cluster and detector: its timer is armed now (phase 0 from t).
      this.startOutlierTicks(t, 0);
    }
    // An EDS update is observed when the host set or a host's EDS health changed: from Istio 1.31
    // (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS) a new pod arrives first as UNHEALTHY and becomes
    // routable only with a later push that flips it HEALTHY, with the same host set — that second
    // push is the one that moves traffic (e.g. the failback after a restore), so it must show.
    const before = edsSignature(proxy);
    proxy.applyAssignment(assignment);
    const after = edsSignature(proxy);
    if (before !== after || config !== undefined) this.observer.edsUpdate(t, proxy);
  }

  /**
   * Outlier detection interval timer, re-armed after every tick while the run lasts
   * (outlier_detection_impl.cc DetectorImpl::onIntervalTimer → armIntervalTimer). The first tick
   * comes `interval × (1 − phase)` after `fromUs`: phase 0 is a timer armed at `fromUs`.
   */
  private startOutlierTicks(fromUs: number, phase: number): void {
    const generation = ++this.tickGeneration;
    const intervalUs = this.proxy.outlierIntervalUs;
    if (intervalUs === undefined || intervalUs <= 0) return;
    const tick = (t: number) => {
      if (generation !== this.tickGeneration) return;
      const back = this.proxy.tick(t);
      if (back.length > 0) this.observer.unejected(t, back);
      if (t < this.loadEndUs || this.outstanding > 0) this.queue.push(t + intervalUs, new CallEvent(tick));
    };
    const firstUs = fromUs + Math.max(1, Math.round(intervalUs * (1 - phase)));
    this.queue.push(firstUs, new CallEvent(tick));
  }

  /**
   * Circuit-breaker thresholds and the idle timeout of the cluster's connection pools. A CDS update
   * swaps them in place; the counts in flight carry over (Envoy would build a new cluster with
   * fresh resource counts and drain the old pools: a simplification).
   */
  private configureCluster(config: ClusterConfig): void {
    const cb = config.circuitBreakers;
    this.resources.configure(cb);
    this.conns.idleTimeoutUs = cb?.idleTimeoutUs ?? this.mesh.defaults.connectionIdleTimeoutUs;
  }

  /** Pod readiness change → each istiod sees it after the EndpointSlice watch delay (+ remote watch). */
  private propagate(pod: SimPod, state: EndpointState, nowUs: number): void {
    if (!this.isScenarioService(pod)) return;
    for (const istiod of this.istiods) {
      const delayUs = this.delays.endpointUpdateUs() + (istiod.cluster === pod.deployment.cluster ? 0 : this.delays.remoteWatchUs());
      this.queue.push(nowUs + delayUs, new CallEvent((t) => istiod.endpointSeen(pod, state, t)));
    }
  }

  private isScenarioService(pod: SimPod): boolean {
    const w = pod.deployment.workload;
    return w.service === this.scenario.request.service && w.namespace === this.scenario.request.namespace;
  }

  private istiodOf(cluster: string): Istiod {
    const d = this.istiods.find((x) => x.cluster.spec.name === cluster);
    if (d === undefined) throw new RangeError(`unknown cluster ${cluster}`);
    return d;
  }

  private timelineContext() {
    return {
      world: this.world,
      mesh: this.mesh,
      observer: this.observer,
      clientIstiod: this.istiodOf(this.scenario.client.cluster),
      delays: this.delays,
      schedule: (atUs: number, fn: (t: number) => void) => this.queue.push(atUs, new CallEvent(fn)),
    };
  }
}

/** The client's endpoint set as EDS gave it: host keys with their EDS health (not outlier ejections). */
function edsSignature(proxy: ClientProxy): string {
  return proxy.hostList.map((h) => (h.edsUnhealthy ? `${h.key}!` : h.key)).join(',');
}
