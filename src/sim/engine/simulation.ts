/**
 * The discrete-event simulation of one scenario on one mesh: integer-microsecond virtual time,
 * a binary-heap event list, seeded RNG streams per component. Same input and seed → same samples,
 * same events, same digest.
 */
import type { Mesh } from '../../model/mesh.js';
import type { EventsSoFar, RunEvent, Sample, SampleSink } from '../../model/sample.js';
import { scenarioClients, type Scenario } from '../../model/scenario.js';
import { retryBackoffUs } from '../envoy/retry.js';
import type { IstioProfile } from '../istio-profile.js';
import { defaultRetryPolicy } from '../istiod/retry-policy.js';
import { NetworkViewCache } from '../istiod/network-view-cache.js';
import { createRng, type Rng } from '../rng.js';
import { gatewaysOf, proxyViewOf } from '../topology.js';
import type { ClusterConfig, IstioEndpoint, RetryPolicy } from '../xds-types.js';
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
import { clientStream, SimClient } from './sim-client.js';
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
  /** `client` is the index of the scenario client whose proxy picked (0 with one client). */
  attempt(nowUs: number, host: RtHost, inPanic: boolean, client: number): void;
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
  /** The client sidecars' circuit-breaker counters (Envoy's stat names; summed over clients). */
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
  /** Position in its client's own scheduled order. */
  clientSeq = 0;
  /** The client that sent it (set when it starts). */
  client!: SimClient;
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
    readonly client: SimClient,
    /** The client sidecar's worker thread that accepted the VU's keep-alive connection. */
    readonly worker: number,
  ) {}
}

/** Worker threads of a client's sidecar: its workload's `proxy.concurrency`, else the mesh default. */
function clientConcurrency(mesh: Mesh, client: { cluster: string; workload: string }): number {
  const w = mesh.clusters.find((c) => c.name === client.cluster)?.workloads.find((x) => x.name === client.workload);
  return w?.proxyConcurrency ?? mesh.defaults.proxyConcurrency;
}

/**
 * The next open-model arrival of one client when the run has several clients: an event in the
 * heap, reused arrival after arrival (one client's arrivals stay outside the heap, see
 * `nextArrivalUs`).
 */
class Arrival implements SimEvent {
  readonly kind = EV_ARRIVAL;
  constructor(readonly client: SimClient) {}
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
  /** Timeline events and observations so far (measures that count as the trial runs). */
  readonly events: EventsSoFar;
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
    events: sim.observed(),
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
  private readonly world: World;
  private readonly istiods: Istiod[];
  /** The scenario's clients in scenario order, each its own sidecar (sim-client.ts). */
  private readonly clients: SimClient[];
  private readonly clientOfProxy = new Map<ClientProxy, SimClient>();
  /** More than one client: samples carry the client, events name it, arrivals go through the heap. */
  private readonly multi: boolean;
  private readonly retry: RetryPolicy;
  private readonly observer: Observer;
  private readonly delays: ControlPlaneDelays;
  private pendingTickets = 0;
  /** Requests whose final answer carried response flag UO, over every client. */
  private uoResponses = 0;
  /** The last client's load end: the run's scheduling horizon. */
  private readonly loadEndUs: number;
  /**
   * Open model with one client: the next arrival lives outside the heap (it is always the
   * latest-known future event of its kind), which halves the heap work per request.
   * Infinity = no more arrivals (or several clients: their arrivals are heap events).
   */
  private nextArrivalUs = Infinity;
  private outstanding = 0;
  private requests = 0;
  private nowUs = 0;
  private digest = 0x811c9dc5;
  private eventsProcessed = 0;
  private readonly sample: Sample;
  private readonly freeReqs: Req[] = [];
  private readonly timeoutUs: number;

  constructor(input: SimInput, sink: SampleSink) {
    this.mesh = input.mesh;
    this.scenario = input.scenario;
    this.profile = input.profile;
    this.sink = sink;
    this.probe = input.probe;
    this.rng = createRng(input.seed);
    const sc = this.scenario;
    const specs = scenarioClients(sc);
    this.multi = specs.length > 1;
    this.loadEndUs = Math.max(...specs.map((c) => c.load.durationUs));
    this.timeoutUs = sc.request.timeoutUs;
    this.sample = { scheduledUs: 0, startUs: 0, endUs: 0, status: 0, attempts: 0, version: undefined, instance: undefined, cluster: undefined, locality: undefined, seq: 0 };
    if (this.multi) {
      this.sample.client = 0;
      this.sample.clientSeq = 0;
    }
    const at = (atUs: number, fn: (nowUs: number) => void) => this.queue.push(atUs, new CallEvent(fn));
    const native = this.mesh.defaults.nativeSidecars;
    this.world = new World(this.mesh, this.rng.fork('world'), { at }, (pod, state, t) => this.propagate(pod, state, t), {
      nativeSidecars: native === 'auto' ? this.profile.nativeSidecarsByDefault : native,
    });
    this.observer = new Observer();
    this.delays = new ControlPlaneDelays(this.mesh.controlPlane, this.rng.fork('control-plane'));
    const gateways = gatewaysOf(this.mesh);
    // One cache for every istiod: they push the same endpoint snapshots (network-view-cache.ts).
    const networkViews = new NetworkViewCache();
    const notReadyCopies = new WeakMap<IstioEndpoint, IstioEndpoint>();
    const serviceReady = [...this.world.podsById.values()].filter((p) => this.isScenarioService(p) && p.phase === 'ready');
    this.istiods = this.world.clusters.map(
      (cluster) =>
        new Istiod({
          cluster,
          mesh: this.mesh,
          profile: this.profile,
          gateways,
          scheduler: { at },
          hooks: {
            applyToClient: (proxy, update, t) => this.applyUpdate(proxy, update.assignment, update.config, t),
            pushDelayUs: (proxy) => this.clientOfProxy.get(proxy)?.pushDelays?.pushUs() ?? this.delays.pushUs(),
          },
          delays: this.delays,
          // The scenario's rule is in force in every cluster at the start, as the tutorial applies
          // 08-locality-lb.yaml to each cluster (manifests/README.md step 8): east-west gateways
          // apply it too (Istiod.gatewayView). `applyDestinationRule` changes the clients' clusters.
          destinationRule: sc.destinationRule,
          initialEndpoints: serviceReady,
          trafficDistribution: sc.request.trafficDistribution,
          networkViews,
          notReadyCopies,
        }),
    );
    this.clients = specs.map((spec, i) => {
      const stream = (label: string) => this.rng.fork(clientStream(label, i, spec));
      const home = this.istiodOf(spec.cluster);
      const conns = new ConnectionPools(clientConcurrency(this.mesh, spec), this.mesh.defaults.connectionIdleTimeoutUs);
      // Its own EDS view: istiod builds the assignment for this proxy's locality and network.
      const proxy = new ClientProxy(proxyViewOf(this.mesh, spec.cluster, spec.workload), home.clusterConfig(), {
        strictMaxEjectionPercent: this.profile.strictMaxEjectionPercent,
        rng: stream('client/lb'),
        workers: conns.workers,
      });
      const pushDelays = home.clientProxies.length === 0 ? undefined : new ControlPlaneDelays(this.mesh.controlPlane, stream('control-plane'));
      home.clientProxies.push(proxy);
      proxy.applyAssignment(home.assignmentFor(proxy));
      const c = new SimClient(i, spec, proxy, home, conns, stream('client/retry'), stream('client/worker'), stream('load/phase'), stream('outlier/phase').next(), pushDelays);
      this.configureCluster(c, proxy.config);
      this.clientOfProxy.set(proxy, c);
      return c;
    });
    for (const d of this.istiods) if (d.cluster.gateway) d.cluster.gateway.view = d.gatewayView();
    this.retry = defaultRetryPolicy(this.profile);
  }

  run(): SimOutput {
    this.start();
    this.advance(Infinity);
    return this.output();
  }

  /** The observer, read as the events seen so far. */
  observed(): EventsSoFar {
    return this.observer;
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
    // Each client's detector was built when its cluster was, long before the run: Envoy arms the
    // interval timer in DetectorImpl::initialize (outlier_detection_impl.cc), so relative to t = 0
    // its ticks fall at an arbitrary phase, which each trial draws per client.
    for (const c of this.clients) this.startOutlierTicks(c, 0, c.outlierPhase);
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
        this.onArrival(this.clients[0] as SimClient, arrivalUs);
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
          this.startRequest((ev as Vu).client, t, t, ev as Vu);
          break;
        case EV_ATTEMPT_DONE:
          this.onAttemptDone(ev as Req, t);
          break;
        case EV_RETRY:
          this.attempt(ev as Req, t);
          break;
        case EV_ARRIVAL:
          this.onArrival((ev as Arrival).client, t, ev as Arrival);
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
    // Envoy's stats are per sidecar; with several clients these are their sums.
    const res = { pendingOverflows: 0, retryOverflows: 0, cxOverflows: 0 };
    for (const c of this.clients) {
      res.pendingOverflows += c.resources.pendingOverflows;
      res.retryOverflows += c.resources.retryOverflows;
      res.cxOverflows += c.resources.cxOverflows;
    }
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
        upstreamRqPendingOverflow: res.pendingOverflows,
        upstreamRqRetryOverflow: res.retryOverflows,
        upstreamCxOverflow: res.cxOverflows,
        uoResponses: this.uoResponses,
      },
    };
  }

  private scheduleLoad(): void {
    for (const c of this.clients) {
      const load = c.spec.load;
      if (load.kind === 'open') {
        const first = c.nextArrivalUs();
        if (!this.multi) this.nextArrivalUs = first;
        else if (first !== Infinity) this.queue.push(first, new Arrival(c));
        continue;
      }
      for (let i = 0; i < load.concurrency; i++) this.queue.push(0, new Vu(i, c, this.pickWorker(c)));
    }
  }

  private loadDone(): boolean {
    for (const c of this.clients) if (!c.loadDone()) return false;
    return true;
  }

  /**
   * Open model: requests at exact multiples of 1/rate from the phase (k6 constant-arrival-rate).
   * `ev` is the client's heap event when the run has several clients (pushed again for the next).
   */
  private onArrival(c: SimClient, t: number, ev?: Arrival): void {
    c.arrivalIndex++;
    const next = c.nextArrivalUs();
    if (ev === undefined) this.nextArrivalUs = next;
    else if (next !== Infinity) this.queue.push(next, ev);
    this.startRequest(c, t, t, undefined);
  }

  private startRequest(c: SimClient, scheduledUs: number, nowUs: number, vu: Vu | undefined): void {
    // Requests are recycled: at 1,000 req/s over 600 s, allocating one each costs more than it does.
    const r = this.freeReqs.pop() ?? new Req();
    r.attempts = 0;
    if (r.tried.length !== 0) r.tried.length = 0;
    r.scheduledUs = scheduledUs;
    r.startedUs = nowUs;
    r.vu = vu;
    r.seq = this.requests;
    r.client = c;
    r.clientSeq = c.requests++;
    r.deadlineUs = nowUs + this.timeoutUs;
    // A VU keeps its keep-alive connection to its sidecar, so it stays on the worker that accepted
    // it; an open-model request comes on a connection of its own.
    r.worker = vu !== undefined ? vu.worker : this.pickWorker(c);
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
  private pickWorker(c: SimClient): number {
    const workers = c.conns.workers;
    if (workers === 1) return 0;
    if ((workers & (workers - 1)) !== 0) return c.workerRng.u32() % workers;
    // A power of two: log2(workers) uniform bits per pick, 32 bits per draw (the same uniform
    // choice, fewer generator calls on the per-request path).
    const bits = 31 - Math.clz32(workers);
    if (c.workerBitsLeft < bits) {
      c.workerBits = c.workerRng.u32();
      c.workerBitsLeft = 32;
    }
    const w = c.workerBits & (workers - 1);
    c.workerBits >>>= bits;
    c.workerBitsLeft -= bits;
    return w;
  }

  private attempt(r: Req, nowUs: number): void {
    r.attempts++;
    const c = r.client;
    const proxy = c.proxy;
    const host = proxy.pick(r.tried, this.retry.hostSelectionRetryMaxAttempts, r.worker);
    if (host === undefined) {
      // No healthy upstream: Envoy answers a local 503 at once, without retrying.
      r.status = 503;
      r.pod = undefined;
      this.finish(r, nowUs, 503);
      return;
    }
    host.activeRequests++;
    if (this.probe !== undefined) this.probe.attempt(nowUs, host, proxy.lastPickInPanic, c.index);
    if (startAttempt(this.world, this.mesh, proxy.view.locality, host, r, nowUs, c.conns, r.worker, c.resources) === ATTEMPT_QUEUED) {
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
  private servePending(c: SimClient, pool: WorkerPool, nowUs: number): void {
    while (canServePending(pool, c.conns, c.resources)) {
      const r = pool.pending.shift() as Req;
      sendPending(this.mesh, r, nowUs, c.conns, c.resources);
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
    r.client.resources.queued--;
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
    const c = r.client;
    const o = r.outcome;
    const conn = r.conn;
    const res = c.resources;
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
        c.conns.release(conn, nowUs);
      } else {
        c.conns.discard(conn);
      }
      if (pool.pending.length > 0) this.servePending(c, pool, nowUs);
    }
    const report = outlierReportOf(o, r.status);
    if (report !== undefined && c.proxy.report(host, report, nowUs)) this.observer.ejected(nowUs, host, this.multi ? c.name : undefined);
    if (o !== OUTCOME_SUCCESS && r.attempts <= this.retry.numRetries && this.retriable(o, r.status)) {
      if (res.canRetry()) {
        // previous_hosts: the retry avoids every host this request already tried.
        r.tried.push(host);
        r.retrying = true;
        res.retries++;
        r.kind = EV_RETRY;
        this.queue.push(nowUs + retryBackoffUs(r.attempts, this.retry.backoffBaseUs, this.retry.backoffMaxUs, c.retryRng), r);
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
    const res = r.client.resources;
    if (r.retrying) {
      r.retrying = false;
      res.retries--;
    }
    if (r.upstreamOverflow) {
      r.upstreamOverflow = false;
      if (this.uoResponses++ === 0) this.observer.circuitBreakerOverflow(nowUs, res.limits);
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
    const c = r.client;
    if (this.multi) {
      s.client = c.index;
      s.clientSeq = r.clientSeq;
    }
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
      const next = s.endUs + c.thinkTimeUs;
      if (next < c.loadEndUs) this.queue.push(Math.max(next, nowUs), vu);
    }
  }

  private applyUpdate(proxy: ClientProxy, assignment: Parameters<ClientProxy['applyAssignment']>[0], config: ReturnType<Istiod['clusterConfig']> | undefined, t: number): void {
    const c = this.clientOfProxy.get(proxy) as SimClient;
    if (config !== undefined) {
      proxy.applyConfig(config);
      this.configureCluster(c, config);
      // A CDS update builds a new cluster and detector: its timer is armed now (phase 0 from t).
      this.startOutlierTicks(c, t, 0);
    }
    // An EDS update is observed when the host set or a host's EDS health changed: from Istio 1.31
    // (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS) a new pod arrives first as UNHEALTHY and becomes
    // routable only with a later push that flips it HEALTHY, with the same host set — that second
    // push is the one that moves traffic (e.g. the failback after a restore), so it must show.
    const changed = proxy.applyAssignment(assignment);
    if (changed || config !== undefined) this.observer.edsUpdate(t, proxy, this.multi ? c.name : undefined);
  }

  /**
   * Outlier detection interval timer, re-armed after every tick while the run lasts
   * (outlier_detection_impl.cc DetectorImpl::onIntervalTimer → armIntervalTimer). The first tick
   * comes `interval × (1 − phase)` after `fromUs`: phase 0 is a timer armed at `fromUs`.
   */
  private startOutlierTicks(c: SimClient, fromUs: number, phase: number): void {
    const generation = ++c.tickGeneration;
    const intervalUs = c.proxy.outlierIntervalUs;
    if (intervalUs === undefined || intervalUs <= 0) return;
    const tick = (t: number) => {
      if (generation !== c.tickGeneration) return;
      const back = c.proxy.tick(t);
      if (back.length > 0) this.observer.unejected(t, back, this.multi ? c.name : undefined);
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
  private configureCluster(c: SimClient, config: ClusterConfig): void {
    const cb = config.circuitBreakers;
    c.resources.configure(cb);
    c.conns.idleTimeoutUs = cb?.idleTimeoutUs ?? this.mesh.defaults.connectionIdleTimeoutUs;
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
      clientIstiods: [...new Set(this.clients.map((c) => c.home))],
      delays: this.delays,
      schedule: (atUs: number, fn: (t: number) => void) => this.queue.push(atUs, new CallEvent(fn)),
    };
  }
}
