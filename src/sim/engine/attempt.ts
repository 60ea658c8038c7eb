/**
 * What happens to one attempt once the client Envoy picked a host: the data path through the
 * network (and the east-west gateway for a remote network), the server sidecar and the app.
 * The outcome and its completion time are decided when the attempt starts; a server sidecar that
 * exits while the attempt is in flight turns it into a reset when the attempt completes.
 */
import type { Mesh } from '../../model/mesh.js';
import type { Locality } from '../../model/locality.js';
import type { RtHost } from './client-proxy.js';
import type { Conn, ConnectionPools } from './connections.js';
import { hopDelayUs } from './network.js';
import type { SimGateway, SimPod, World } from './world.js';

export const OUTCOME_SUCCESS = 0;
/** An HTTP error response from upstream (the app's `fail` status, or 503 from a server sidecar whose app is gone). */
export const OUTCOME_HTTP_ERROR = 1;
/** TCP connect refused / no upstream behind the gateway: Envoy `connect-failure`. */
export const OUTCOME_CONNECT_FAILURE = 2;
/** Upstream reset after the request was sent (server sidecar exited mid-request): local 503, not retried. */
export const OUTCOME_RESET = 3;
/**
 * On its way to a pod whose app server has finite capacity: the engine takes over at `doneUs`
 * (arrival at the pod: queue, service, response `legUs` later).
 */
export const OUTCOME_PENDING = 4;

/** Mutable record of the attempt in flight (one per request, reused across its attempts). */
export interface AttemptState {
  host: RtHost | undefined;
  pod: SimPod | undefined;
  outcome: number;
  status: number;
  startUs: number;
  doneUs: number;
  /** One-way delay client → pod (half the round trip), set for OUTCOME_PENDING. */
  legUs: number;
  /** The upstream connection the attempt uses (undefined when none could be opened). */
  conn: Conn | undefined;
}

/**
 * Decide the attempt's outcome and completion time, on a reused connection or a new one
 * (connections.ts: handshake cost, gateway pinning). Paths:
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
): void {
  a.host = host;
  a.pod = undefined;
  a.conn = undefined;
  a.startUs = nowUs;
  if (host.kind === 'direct') {
    let pod = host.targetRef as SimPod | undefined;
    if (pod === undefined) {
      pod = world.podsById.get(host.target);
      host.targetRef = pod;
    }
    if (host.hopUs < 0) host.hopUs = hopDelayUs(mesh, client, pod?.endpoint.locality ?? host.locality);
    const rttUs = 2 * host.hopUs;
    let conn = conns.reuse(host.connPools, worker, nowUs);
    let connectUs = 0;
    if (conn === undefined) {
      if (pod === undefined || !pod.sidecarUp) {
        fail(a, OUTCOME_CONNECT_FAILURE, 503, nowUs + rttUs);
        return;
      }
      // TCP handshake, then the mTLS (TLS 1.3) handshake with the server sidecar: one round trip each.
      conn = conns.open(pod);
      connectUs = 2 * rttUs;
    }
    a.conn = conn;
    serve(pod, a, nowUs + connectUs, rttUs);
    return;
  }
  let gw = host.targetRef as SimGateway | undefined;
  if (gw === undefined) {
    gw = world.gatewaysById.get(host.target);
    host.targetRef = gw;
  }
  if (host.hopUs < 0) host.hopUs = gw === undefined ? 0 : hopDelayUs(mesh, client, gw.locality);
  const toGatewayUs = host.hopUs;
  if (gw === undefined || !gw.up) {
    // A gateway that went down took its connections with it.
    conns.closeAll(host.connPools);
    fail(a, OUTCOME_CONNECT_FAILURE, 503, nowUs + 2 * toGatewayUs);
    return;
  }
  let conn = conns.reuse(host.connPools, worker, nowUs);
  let connectUs = 0;
  let pod: SimPod;
  if (conn !== undefined) {
    // Pinned: the gateway forwards this connection's bytes to the pod it chose when it opened.
    pod = conn.pod as SimPod;
  } else {
    const picked = gatewayPick(gw);
    if (picked === undefined) {
      fail(a, OUTCOME_CONNECT_FAILURE, 503, nowUs + 2 * toGatewayUs);
      return;
    }
    pod = picked;
    if (pod.gatewayHopUs < 0) pod.gatewayHopUs = hopDelayUs(mesh, gw.locality, pod.endpoint.locality);
    // TCP to the gateway; the gateway's own TCP to the pod once it read the SNI; TLS end to end.
    connectUs = 2 * toGatewayUs + 2 * pod.gatewayHopUs + 2 * (toGatewayUs + pod.gatewayHopUs);
    conn = conns.open(pod);
  }
  a.conn = conn;
  serve(pod, a, nowUs + connectUs, 2 * (toGatewayUs + pod.gatewayHopUs));
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
  if (pod.server !== undefined) {
    a.outcome = OUTCOME_PENDING;
    a.status = 0;
    a.legUs = rttUs >> 1;
    a.doneUs = nowUs + a.legUs;
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

/** Called when the attempt's completion event fires: frees the pod and applies a mid-flight reset. */
export function finishAttempt(a: AttemptState, nowUs: number): void {
  const pod = a.pod;
  if (pod === undefined) return;
  pod.inflight--;
  if (pod.sidecarExitUs <= nowUs && pod.sidecarExitUs > a.startUs) {
    a.outcome = OUTCOME_RESET;
    a.status = 503;
  }
}
