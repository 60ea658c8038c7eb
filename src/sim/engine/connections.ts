/**
 * The client sidecar's upstream HTTP/1.1 connections: one pool per upstream host per Envoy worker
 * thread (envoy source/common/upstream/cluster_manager_impl.cc: each worker's ThreadLocalClusterManager
 * keeps its own connection pools, keyed by host), each connection carrying one request at a time
 * and kept idle for reuse until its idle timeout (Envoy's HttpProtocolOptions idle_timeout, 1 h by
 * default; Istio's connectionPool.http.idleTimeout sets it).
 *
 * A new connection costs its handshakes before the request: TCP (one round trip to the first hop)
 * and Istio mTLS, TLS 1.3 (one round trip to the server sidecar). Through an east-west gateway the
 * gateway forwards the TLS stream by SNI (AUTO_PASSTHROUGH) on a TCP connection of its own to the
 * remote pod it picked when the connection opened, so the connection stays on that one pod until
 * it closes (istio#32208, istio#31549).
 *
 * Connections close when the pod's sidecar exits, when a draining sidecar answers (Envoy adds
 * `Connection: close` to HTTP/1.1 responses while draining), on a reset or a timeout (the router
 * resets the upstream stream, which closes an HTTP/1.1 connection), or when the gateway goes down.
 */
import type { SimPod } from './world.js';

/** Connections are pooled: none is allocated per request once the run is warm. */
export class Conn {
  /** The server pod at the far end (pinned for a connection through a gateway). */
  pod: SimPod | undefined = undefined;
  lastUsedUs = 0;
}

/** Per host: one idle stack per worker thread. */
type HostPools = Conn[][];

export class ConnectionPools {
  private readonly free: Conn[] = [];
  /** New connections opened (a cost figure for tests). */
  opened = 0;

  constructor(
    readonly workers: number,
    private readonly idleTimeoutUs: number,
  ) {}

  /** An idle connection of `worker`'s pool for the host that is still usable, or undefined. */
  reuse(hostPools: unknown, worker: number, nowUs: number): Conn | undefined {
    const stack = (hostPools as HostPools | undefined)?.[worker];
    if (stack === undefined) return undefined;
    while (stack.length > 0) {
      const c = stack.pop() as Conn;
      const pod = c.pod;
      if (nowUs - c.lastUsedUs < this.idleTimeoutUs && pod !== undefined && pod.sidecarUp) return c;
      this.discard(c);
    }
    return undefined;
  }

  open(pod: SimPod): Conn {
    const c = this.free.pop() ?? new Conn();
    c.pod = pod;
    this.opened++;
    return c;
  }

  /** Back to the worker's idle stack; returns the host's pools (created on first use). */
  release(hostPools: unknown, worker: number, c: Conn, nowUs: number): HostPools {
    let pools = hostPools as HostPools | undefined;
    if (pools === undefined) {
      pools = [];
      for (let i = 0; i < this.workers; i++) pools.push([]);
    }
    c.lastUsedUs = nowUs;
    (pools[worker] as Conn[]).push(c);
    return pools;
  }

  discard(c: Conn): void {
    c.pod = undefined;
    this.free.push(c);
  }

  /** Close every idle connection of a host (its gateway went down). */
  closeAll(hostPools: unknown): void {
    for (const stack of (hostPools as HostPools | undefined) ?? []) while (stack.length > 0) this.discard(stack.pop() as Conn);
  }
}
