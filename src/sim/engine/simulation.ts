/**
 * The discrete-event simulation of one scenario on one mesh: integer-microsecond virtual time,
 * a binary-heap event list, seeded RNG streams per component. Same input and seed → same samples,
 * same events, same digest.
 */
import type { Mesh } from '../../model/mesh.js';
import type { EventsSoFar, RunEvent, Sample, SampleSink } from '../../model/sample.js';
import type { Scenario } from '../../model/scenario.js';
import { retryBackoffUs } from '../envoy/retry.js';
import type { IstioProfile } from '../istio-profile.js';
import { defaultRetryPolicy } from '../istiod/retry-policy.js';
import { createRng, type Rng } from '../rng.js';
import { gatewaysOf, proxyViewOf } from '../topology.js';
import type { RetryPolicy } from '../xds-types.js';
import {
  finishAttempt,
  OUTCOME_CONNECT_FAILURE,
  OUTCOME_HTTP_ERROR,
  OUTCOME_SUCCESS,
  OUTCOME_TIMEOUT,
  outlierReportOf,
  startAttempt,
  type AttemptState,
} from './attempt.js';
import { ClientProxy, type RtHost } from './client-proxy.js';
import { Istiod } from './control-plane.js';
import { ConnectionPools, type Conn } from './connections.js';
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
}

const EV_CALL = 0;
const EV_ARRIVAL = 1;
const EV_VU = 2;
const EV_ATTEMPT_DONE = 3;
const EV_RETRY = 4;

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
}

/** One closed-model virtual user (a curl loop / k6 constant-vus VU). */
class Vu implements SimEvent {
  readonly kind = EV_VU;
  constructor(readonly index: number) {}
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
  private readonly retryRng: Rng;
  private readonly world: World;
  private readonly istiods: Istiod[];
  private readonly proxy: ClientProxy;
  private readonly retry: RetryPolicy;
  private readonly observer: Observer;
  private readonly delays: ControlPlaneDelays;
  private readonly conns: ConnectionPools;
  private readonly workerRng: Rng;
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
    this.conns = new ConnectionPools(this.mesh.defaults.proxyConcurrency, this.mesh.defaults.connectionIdleTimeoutUs);
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
          destinationRule: cluster.spec.name === sc.client.cluster ? sc.destinationRule : undefined,
          initialEndpoints: serviceReady,
          trafficDistribution: sc.request.trafficDistribution,
        }),
    );
    const home = this.istiodOf(sc.client.cluster);
    const view = proxyViewOf(this.mesh, sc.client.cluster, sc.client.workload);
    this.proxy = new ClientProxy(view, home.clusterConfig(), {
      strictMaxEjectionPercent: this.profile.strictMaxEjectionPercent,
      rng: this.rng.fork('client/lb'),
    });
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
        default:
          (ev as CallEvent).fn(t);
      }
    }
  }

  output(): SimOutput {
    return {
      events: this.observer.events(),
      requests: this.requests,
      eventsProcessed: this.eventsProcessed,
      digest: this.digest.toString(16).padStart(8, '0'),
      endUs: this.nowUs,
    };
  }

  private scheduleLoad(): void {
    const load = this.scenario.load;
    if (load.kind === 'open') {
      if (this.phaseUs < this.loadEndUs) this.nextArrivalUs = this.phaseUs;
      return;
    }
    for (let i = 0; i < load.concurrency; i++) this.queue.push(0, new Vu(i));
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
    // A VU keeps its keep-alive connection to its sidecar, which Envoy handed to one worker thread;
    // an open-model request lands on any worker.
    const workers = this.conns.workers;
    r.worker = workers === 1 ? 0 : vu !== undefined ? vu.index % workers : this.workerRng.u32() % workers;
    this.outstanding++;
    this.requests++;
    this.attempt(r, nowUs);
  }

  private attempt(r: Req, nowUs: number): void {
    r.attempts++;
    const host = this.proxy.pick(r.tried, this.retry.hostSelectionRetryMaxAttempts);
    if (host === undefined) {
      // No healthy upstream: Envoy answers a local 503 at once, without retrying.
      r.status = 503;
      r.pod = undefined;
      this.finish(r, nowUs, 503);
      return;
    }
    host.activeRequests++;
    if (this.probe !== undefined) this.probe.attempt(nowUs, host, this.proxy.lastPickInPanic);
    startAttempt(this.world, this.mesh, this.proxy.view.locality, host, r, nowUs, this.conns, r.worker);
    r.kind = EV_ATTEMPT_DONE;
    this.queue.push(r.doneUs, r);
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
    if (conn !== undefined) {
      r.conn = undefined;
      const pod = conn.pod as SimPod;
      // Kept for reuse after a response from a pod not draining (a draining sidecar sends
      // `Connection: close`); closed after a reset or connect failure.
      if ((o === OUTCOME_SUCCESS || o === OUTCOME_HTTP_ERROR) && pod.sidecarUp && pod.phase === 'ready') {
        host.connPools = this.conns.release(host.connPools, r.worker, conn, nowUs);
      } else {
        this.conns.discard(conn);
      }
    }
    const changed = this.proxy.report(host, outlierReportOf(o, r.status), nowUs);
    if (changed) this.observer.ejected(nowUs, host);
    if (o !== OUTCOME_SUCCESS && r.attempts <= this.retry.numRetries && this.retriable(o, r.status)) {
      // previous_hosts: the retry avoids every host this request already tried.
      r.tried.push(host);
      r.kind = EV_RETRY;
      this.queue.push(nowUs + retryBackoffUs(r.attempts, this.retry.backoffBaseUs, this.retry.backoffMaxUs, this.retryRng), r);
      return;
    }
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
