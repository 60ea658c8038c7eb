/**
 * What happens to one attempt once the client Envoy picked a host: the data path through the
 * network (and the east-west gateway for a remote network), the server sidecar and the app.
 * The outcome and its completion time are decided when the attempt starts; a server sidecar that
 * exits while the attempt is in flight turns it into a reset when the attempt completes.
 */
import type { Mesh } from '../../model/mesh.js';
import type { Locality } from '../../model/locality.js';
import type { AttemptReport, RtHost } from './client-proxy.js';
import type { ClusterResources } from './circuit-breakers.js';
import type { Conn, ConnectionPools, PendingStream, WorkerPool } from './connections.js';
import { hopDelayUs } from './network.js';
import { ADMITTED, BACKLOG_FULL } from './pod-server.js';
import type { SimGateway, SimPod, World } from './world.js';

export const OUTCOME_SUCCESS = 0;
/** An HTTP error response from upstream (the app's `fail` status, or 503 from a server sidecar whose app is gone). */
export const OUTCOME_HTTP_ERROR = 1;
/** TCP connect refused / no upstream behind the gateway: Envoy `connect-failure`. */
export const OUTCOME_CONNECT_FAILURE = 2;
/** Upstream reset after the request was sent (server sidecar exited mid-request): local 503, not retried. */
export const OUTCOME_RESET = 3;
/** The route timeout fired first (the request queued or ran too long at a finite-capacity pod). */
export const OUTCOME_TIMEOUT = 4;

/** A circuit breaker overflowed: local 503 with response flag UO, not retried, not an outlier result (circuit-breakers.ts). */
export const OUTCOME_OVERFLOW = 5;

/** `startAttempt` sent the request (its outcome and completion time are set). */
export const ATTEMPT_SENT = 0;
/** `startAttempt` queued the request in its pool's pending queue (no outcome yet). */
export const ATTEMPT_QUEUED = 1;

/** Mutable record of the attempt in flight (one per request, reused across its attempts). */
export interface AttemptState extends PendingStream {
  host: RtHost | undefined;
  pod: SimPod | undefined;
  outcome: number;
  status: number;
  startUs: number;
  doneUs: number;
  /** Route timeout of the request (absolute): the client gives up then. */
  deadlineUs: number;
  /** Finite-capacity pods: when the request reached the pod and when its service ended. */
  arriveUs: number;
  serviceEndUs: number;
  /** The upstream connection the attempt uses (undefined when none could be opened). */
  conn: Conn | undefined;
}

/**
 * Start an attempt on the host the client Envoy picked: on an idle connection of the worker's pool
 * for the host, on a new connection (handshake cost, gateway pinning: connections.ts), or — when
 * the circuit breakers allow no new connection — queued as a pending stream (ATTEMPT_QUEUED);
 * overflows end the attempt with OUTCOME_OVERFLOW (circuit-breakers.ts). Paths:
 * - direct: client → pod (one hop each way, delay by locality relation);
 * - gateway: client → east-west gateway → a pod the gateway picks from its own cluster's endpoints
 *   (AUTO_PASSTHROUGH by SNI). A gateway that is down, or has no endpoint left, closes the
 *   passthrough connection during the mTLS handshake, which the client Envoy sees as a connect
 *   failure (mesh-behaviour.md §5.4 leaves this UNCONFIRMED; we choose connect failure).
 */
export function startAttempt(
  world: World,
  mesh: Mesh,
  client: Locality,
  host: RtHost,
  a: AttemptState,
  nowUs: number,
  conns: ConnectionPools,
  worker: number,
  res: ClusterResources,
): number {
  a.host = host;
  a.pod = undefined;
  a.conn = undefined;
  a.startUs = nowUs;
  if (host.targetRef === undefined) resolveTarget(world, mesh, client, host);
  if (host.kind !== 'direct') {
    const gw = host.targetRef as SimGateway | undefined;
    if (gw === undefined || !gw.up) {
      // A gateway that went down took its connections with it.
      conns.closeAll(host.connPools);
      fail(a, OUTCOME_CONNECT_FAILURE, 503, nowUs + 2 * host.hopUs);
      return ATTEMPT_SENT;
    }
  }
  // Workers 0 and 1 (Istio's default sidecar concurrency is 2) reach their pool from the host directly.
  let pool = (worker === 0 ? host.pool0 : worker === 1 ? host.pool1 : undefined) as WorkerPool | undefined;
  if (pool === undefined) {
    let pools = host.connPools as WorkerPool[] | undefined;
    if (pools === undefined) {
      pools = conns.poolOf(undefined, worker).pools;
      host.connPools = pools;
      host.pool0 = pools[0];
      host.pool1 = pools[1];
    }
    pool = pools[worker] as WorkerPool;
  }
  const conn = conns.reuse(pool, nowUs);
  if (conn !== undefined) {
    if (!res.canAttach()) return overflow(a, nowUs, res);
    send(host, a, conn, nowUs, 0, res);
    return ATTEMPT_SENT;
  }
  // newStream without a ready connection: a pending stream, if the pending limit allows.
  if (!res.canQueue(nowUs)) return overflow(a, nowUs, res);
  if (conns.openNow >= res.limits.maxConnections && pool.open > 0) {
    res.cxOverflows++;
    a.pendingPool = pool;
    pool.pending.push(a);
    res.queued++;
    return ATTEMPT_QUEUED;
  }
  openAndSend(mesh, host, a, nowUs, conns, pool, res);
  return ATTEMPT_SENT;
}

/**
 * A pending request leaves its pool's queue (oldest first, ConnPoolImplBase::onUpstreamReady) on
 * a connection that just became idle, or on a new one when a connection of the pool closed.
 */
export function sendPending(mesh: Mesh, a: AttemptState, nowUs: number, conns: ConnectionPools, res: ClusterResources): void {
  const host = a.host as RtHost;
  const pool = a.pendingPool as WorkerPool;
  a.pendingPool = undefined;
  res.queued--;
  a.startUs = nowUs;
  if (host.kind !== 'direct') {
    const gw = host.targetRef as SimGateway | undefined;
    if (gw === undefined || !gw.up) {
      conns.closeAll(host.connPools);
      fail(a, OUTCOME_CONNECT_FAILURE, 503, nowUs + 2 * host.hopUs);
      return;
    }
  }
  const conn = conns.reuse(pool, nowUs);
  if (conn === undefined) {
    openAndSend(mesh, host, a, nowUs, conns, pool, res);
    return;
  }
  if (!res.canAttach()) {
    overflow(a, nowUs, res);
    return;
  }
  send(host, a, conn, nowUs, 0, res);
}

/** Whether a pool's oldest pending request can leave the queue now: an idle connection, or room for a new one. */
export function canServePending(pool: WorkerPool, conns: ConnectionPools, res: ClusterResources): boolean {
  return pool.pending.length > 0 && (pool.idleCount > 0 || conns.openNow < res.limits.maxConnections || pool.open === 0);
}

function resolveTarget(world: World, mesh: Mesh, client: Locality, host: RtHost): void {
  if (host.kind === 'direct') {
    const pod = world.podsById.get(host.target);
    host.targetRef = pod;
    host.hopUs = hopDelayUs(mesh, client, pod?.endpoint.locality ?? host.locality);
    return;
  }
  const gw = world.gatewaysById.get(host.target);
  host.targetRef = gw;
  host.hopUs = gw === undefined ? 0 : hopDelayUs(mesh, client, gw.locality);
}

/** Open a connection of `pool` (TCP + mTLS handshakes) and send the request on it. */
function openAndSend(mesh: Mesh, host: RtHost, a: AttemptState, nowUs: number, conns: ConnectionPools, pool: WorkerPool, res: ClusterResources): void {
  if (!res.canAttach()) {
    overflow(a, nowUs, res);
    return;
  }
  if (host.kind === 'direct') {
    const pod = host.targetRef as SimPod | undefined;
    const rttUs = 2 * host.hopUs;
    if (pod === undefined || !pod.sidecarUp) {
      fail(a, OUTCOME_CONNECT_FAILURE, 503, nowUs + rttUs);
      return;
    }
    // TCP handshake, then the mTLS (TLS 1.3) handshake with the server sidecar: one round trip each.
    const connectUs = 2 * rttUs;
    res.connecting(nowUs + connectUs);
    send(host, a, conns.open(pool, pod), nowUs, connectUs, res);
    return;
  }
  const gw = host.targetRef as SimGateway;
  const toGatewayUs = host.hopUs;
  const pod = gatewayPick(gw);
  if (pod === undefined) {
    fail(a, OUTCOME_CONNECT_FAILURE, 503, nowUs + 2 * toGatewayUs);
    return;
  }
  if (pod.gatewayHopUs < 0) pod.gatewayHopUs = hopDelayUs(mesh, gw.locality, pod.endpoint.locality);
  // TCP to the gateway; the gateway's own TCP to the pod once it read the SNI; TLS end to end.
  const connectUs = 2 * toGatewayUs + 2 * pod.gatewayHopUs + 2 * (toGatewayUs + pod.gatewayHopUs);
  res.connecting(nowUs + connectUs);
  send(host, a, conns.open(pool, pod), nowUs, connectUs, res);
}

/** Attach the request to `conn` (pinned to its pod through a gateway) and serve it there. */
function send(host: RtHost, a: AttemptState, conn: Conn, nowUs: number, connectUs: number, res: ClusterResources): void {
  a.conn = conn;
  conn.requests++;
  res.active++;
  const pod = conn.pod as SimPod;
  const rttUs = host.kind === 'direct' ? 2 * host.hopUs : 2 * (host.hopUs + pod.gatewayHopUs);
  serve(pod, a, nowUs + connectUs, rttUs);
}

function overflow(a: AttemptState, nowUs: number, res: ClusterResources): number {
  res.pendingOverflows++;
  fail(a, OUTCOME_OVERFLOW, 503, nowUs);
  return ATTEMPT_SENT;
}

function serve(pod: SimPod | undefined, a: AttemptState, nowUs: number, rttUs: number): void {
  if (pod === undefined || !pod.sidecarUp) {
    fail(a, OUTCOME_CONNECT_FAILURE, 503, nowUs + rttUs);
    return;
  }
  a.pod = pod;
  pod.inflight++;
  if (!pod.appAccepting) {
    // The draining server sidecar still accepts the connection but cannot reach the app.
    fail(a, OUTCOME_HTTP_ERROR, 503, nowUs + rttUs);
    return;
  }
  const d = pod.deployment;
  const server = pod.server;
  if (server !== undefined) {
    // FIFO at the pod (pod-server.ts): start and end are known on arrival.
    const legUs = rttUs >> 1;
    const arriveUs = nowUs + legUs;
    a.arriveUs = arriveUs;
    const admitted = server.admit(arriveUs, d.serverSpec!.serviceUs(d.serviceRng) + d.extraDelayUs, a.deadlineUs + legUs);
    if (admitted === BACKLOG_FULL) {
      // listen(2) backlog full: the server sidecar's connection to the app fails → 503.
      a.serviceEndUs = arriveUs;
      fail(a, OUTCOME_HTTP_ERROR, 503, arriveUs + legUs);
      return;
    }
    a.serviceEndUs = admitted === ADMITTED ? server.endUs : Infinity;
    const backUs = a.serviceEndUs + legUs;
    if (backUs > a.deadlineUs) {
      fail(a, OUTCOME_TIMEOUT, 0, a.deadlineUs);
      return;
    }
    if (pod.failFraction > 0 && (pod.failFraction >= 1 || d.failRng.next() < pod.failFraction)) {
      fail(a, OUTCOME_HTTP_ERROR, pod.failStatus, backUs);
      return;
    }
    a.outcome = OUTCOME_SUCCESS;
    a.status = 200;
    a.doneUs = backUs;
    return;
  }
  const serviceUs = (d.serviceTime === undefined ? 1000 : d.serviceTime.sampleUs(d.serviceRng)) + d.extraDelayUs;
  if (pod.failFraction > 0 && (pod.failFraction >= 1 || d.failRng.next() < pod.failFraction)) {
    fail(a, OUTCOME_HTTP_ERROR, pod.failStatus, nowUs + rttUs + serviceUs);
    return;
  }
  a.outcome = OUTCOME_SUCCESS;
  a.status = 200;
  a.doneUs = nowUs + rttUs + serviceUs;
}

function fail(a: AttemptState, outcome: number, status: number, doneUs: number): void {
  a.outcome = outcome;
  a.status = status;
  a.doneUs = doneUs;
}

/**
 * The gateway's own least-request pick over its cluster's endpoints (two random choices, fewer
 * in-flight requests wins), as its Envoy sees them from its last push.
 */
function gatewayPick(gw: SimGateway): SimPod | undefined {
  const view = gw.view;
  const n = view.length;
  if (n === 0) return undefined;
  if (n === 1) return view[0];
  const a = view[gw.rng.u32() % n] as SimPod;
  const b = view[gw.rng.u32() % n] as SimPod;
  return b.inflight < a.inflight ? b : a;
}

/**
 * Called when the attempt's completion event fires: frees the pod and applies what happened to the
 * pod meanwhile — its app closed the listener before the request arrived, or was killed under it
 * (its sidecar answers 503), or its sidecar exited (reset).
 */
export function finishAttempt(a: AttemptState, nowUs: number): void {
  const pod = a.pod;
  if (pod === undefined) return;
  pod.inflight--;
  if (pod.server !== undefined && a.outcome !== OUTCOME_TIMEOUT) {
    if (a.arriveUs >= pod.listenerClosedUs || (a.serviceEndUs > pod.appKilledUs && a.arriveUs < pod.appKilledUs)) {
      a.outcome = OUTCOME_HTTP_ERROR;
      a.status = 503;
    }
  }
  if (pod.sidecarExitUs <= nowUs && pod.sidecarExitUs > a.startUs) {
    a.outcome = OUTCOME_RESET;
    a.status = 503;
  }
}

const CONNECT_FAILED: AttemptReport = { kind: 'local', result: 'connect_failure' };
const HTTP_OK: AttemptReport = { kind: 'http', status: 200 };
const TIMED_OUT: AttemptReport = { kind: 'local', result: 'timeout' };

/**
 * What outlier detection hears about an attempt. A connect failure and a mid-stream reset are both
 * local-origin connect failures (a 503-equivalent unless split): envoy router.cc
 * Filter::onUpstreamReset calls updateOutlierDetection(LocalOriginConnectFailed) for every reset
 * but a circuit-breaker overflow. An HTTP response reports its status.
 */
export function outlierReportOf(outcome: number, status: number): AttemptReport | undefined {
  // Circuit-breaker overflow: cluster-wide, not the host's fault (router.cc onUpstreamReset, envoy#25487).
  if (outcome === OUTCOME_OVERFLOW) return undefined;
  if (outcome === OUTCOME_CONNECT_FAILURE || outcome === OUTCOME_RESET) return CONNECT_FAILED;
  // A route timeout resets the upstream stream (router.cc Filter::onResponseTimeout), which the
  // outlier detector counts as a local-origin timeout.
  if (outcome === OUTCOME_TIMEOUT) return TIMED_OUT;
  if (outcome === OUTCOME_SUCCESS) return HTTP_OK;
  return { kind: 'http', status };
}
