/**
 * What east-west gateway connection pinning does to a predicted split. The gateway is
 * AUTO_PASSTHROUGH: it forwards a TLS connection by SNI to the one pod it picked when the
 * connection opened, and every request on that connection goes there until it closes
 * (istio#32208, istio#31549; the engine's side is src/sim/engine/connections.ts). The client's own
 * load balancer still picks per request between its hosts, so the share of requests through each
 * gateway is as predicted; only the split of that share over the pods behind the gateway is per
 * connection. How many connections the client opens follows the pool rules of connections.ts: one
 * pool per upstream host per Envoy worker thread, a connection carries one request at a time, and
 * a closed-model VU stays on one worker thread (`vu mod concurrency`).
 */
import type { Mesh } from '../../model/mesh.js';
import type { LoadModel } from '../../model/scenario.js';

/** A version behind a gateway: how many of the pods the gateway forwards to run it. */
export interface PinnedVersion {
  version: string;
  pods: number;
  /** Chance that a new connection lands on this version (the gateway's pick over idle pods is uniform). */
  chance: number;
}

export interface GatewayPinning {
  /** Gateway id, e.g. `cluster2/istio-eastwestgateway`. */
  gateway: string;
  cluster: string;
  /** Predicted share of all requests that go through this gateway. */
  share: number;
  versions: PinnedVersion[];
  /**
   * Connections the client opens to this gateway while none closes: at least `min`, at most `max`
   * (null: grows with the open-model load). Absent when the load is not known.
   */
  connections?: { min: number; max: number | null };
}

export interface PinningPrediction {
  /**
   * `pinned`: one connection to each such gateway, so each gateway's whole share goes to the one
   * pod its connection landed on, for the connection's life; `per-connection`: several
   * connections, each pinned, so a trial's split scatters around the per-request split and nears
   * it as connections multiply; `per-request`: every request opens a new connection (think time
   * at or beyond the idle timeout), so the per-request split holds; `load-unknown`: no load given.
   */
  mode: 'pinned' | 'per-connection' | 'per-request' | 'load-unknown';
  /** Gateways that forward to more than one version and carry traffic. */
  gateways: GatewayPinning[];
  /** Per trial, each version's share lies in [min, max] (equal when pinning cannot move it). */
  ranges: Record<string, { min: number; max: number }>;
}

/**
 * Connections a load opens to one upstream host (per run, while none closes).
 * Closed model: each VU has at most one request in flight and stays on one worker thread, so a
 * worker with n VUs opens between 1 and n connections to the host: min(VUs, workers) to VUs in all.
 * Open model: requests land on any worker; at least one connection per worker, more as requests
 * overlap. A think time at or beyond the idle timeout closes each connection before its reuse.
 */
export function connectionsToHost(load: LoadModel, workers: number, idleTimeoutUs: number): { min: number; max: number | null; perRequest: boolean } {
  if (load.kind === 'closed') {
    const perRequest = load.thinkTimeUs >= idleTimeoutUs;
    return { min: Math.min(load.concurrency, workers), max: load.concurrency, perRequest };
  }
  return { min: workers, max: null, perRequest: false };
}

/**
 * Pinning for one client: `gatewayShares` is the predicted share of requests per gateway id and
 * `forwardVersions` the versions of the pods each gateway forwards to; `directShares` the per-version
 * share of requests that reach pods directly. Undefined when no traffic-carrying gateway forwards
 * to more than one version (pinning then moves no version share).
 */
export function predictPinning(input: {
  mesh: Mesh;
  gatewayShares: ReadonlyMap<string, number>;
  forwardVersions: (gatewayId: string) => readonly string[];
  directShares: Readonly<Record<string, number>>;
  load?: LoadModel | undefined;
}): PinningPrediction | undefined {
  const gateways: GatewayPinning[] = [];
  const ranges: Record<string, { min: number; max: number }> = {};
  const widen = (v: string, min: number, max: number) => {
    const r = ranges[v] ?? { min: 0, max: 0 };
    r.min += min;
    r.max += max;
    ranges[v] = r;
  };
  for (const [v, s] of Object.entries(input.directShares)) widen(v, s, s);
  const conns = input.load === undefined ? undefined : connectionsToHost(input.load, input.mesh.defaults.proxyConcurrency, input.mesh.defaults.connectionIdleTimeoutUs);
  for (const [id, share] of [...input.gatewayShares].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const pods = input.forwardVersions(id);
    if (share <= 0 || pods.length === 0) continue;
    const counts = new Map<string, number>();
    for (const v of pods) counts.set(v, (counts.get(v) ?? 0) + 1);
    if (counts.size === 1) {
      widen([...counts.keys()][0]!, share, share);
      continue;
    }
    for (const v of counts.keys()) widen(v, 0, share);
    const g: GatewayPinning = {
      gateway: id,
      cluster: id.split('/')[0] ?? id,
      share,
      versions: [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([version, n]) => ({ version, pods: n, chance: n / pods.length })),
    };
    if (conns !== undefined) g.connections = { min: conns.min, max: conns.max };
    gateways.push(g);
  }
  if (gateways.length === 0) return undefined;
  const mode = conns === undefined ? 'load-unknown' : conns.perRequest ? 'per-request' : conns.max === 1 ? 'pinned' : 'per-connection';
  if (mode === 'per-request') return { mode, gateways, ranges: {} };
  const sorted: Record<string, { min: number; max: number }> = {};
  for (const v of Object.keys(ranges).sort()) sorted[v] = { min: Math.min(1, ranges[v]!.min), max: Math.min(1, ranges[v]!.max) };
  return { mode, gateways, ranges: sorted };
}
