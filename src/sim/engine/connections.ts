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
 * resets the upstream stream, which closes an HTTP/1.1 connection), after
 * `max_requests_per_connection` requests, or when the gateway goes down.
 *
 * Requests that find no idle connection and may not open one (max_connections) wait in their
 * pool's pending queue (circuit-breakers.ts).
 */
import type { SimPod } from './world.js';

/** A request waiting in a pool's pending queue (envoy conn_pool_base.h PendingStream). */
export interface PendingStream {
  /** The pool it waits in; undefined once it left the queue. */
  pendingPool: WorkerPool | undefined;
}

/** Connections are pooled: none is allocated per request once the run is warm. */
export class Conn {
  /** The server pod at the far end (pinned for a connection through a gateway). */
  pod: SimPod | undefined = undefined;
  /** The pool (host × worker) the connection belongs to. */
  pool: WorkerPool | undefined = undefined;
  lastUsedUs = 0;
  /** Requests sent on it (max_requests_per_connection). */
  requests = 0;
  /** The idle connection below it in its pool's idle stack (while idle). */
  nextIdle: Conn | undefined = undefined;
}

/** One worker thread's pool for one host (envoy ConnPoolImplBase). */
export class WorkerPool {
  /**
   * Idle connections as a stack linked through `Conn.nextIdle`, most recently used on top. With 50
   * clients a pool is seldom in the CPU's caches when its next request comes, and every attempt
   * walks host → pool → idle connection → pod: an array would add two objects to that walk.
   */
  idleTop: Conn | undefined = undefined;
  idleCount = 0;
  /** Connections of this pool, idle or busy (tryCreateNewConnection: a pool with none always gets one). */
  open = 0;
  /** Requests waiting for a connection, oldest first (onUpstreamReady serves the oldest). */
  readonly pending: PendingStream[] = [];
}

export class ConnectionPools {
  private readonly free: Conn[] = [];
  /** New connections opened (a cost figure for tests). */
  opened = 0;
  /** Connections open now, all hosts and workers (the cluster's max_connections resource). */
  openNow = 0;

  constructor(
    readonly workers: number,
    public idleTimeoutUs: number,
  ) {}

  /** The pool of `worker` for a host (created on first use; `hostPools` is the host's slot). */
  poolOf(hostPools: unknown, worker: number): { pools: WorkerPool[]; pool: WorkerPool } {
    let pools = hostPools as WorkerPool[] | undefined;
    if (pools === undefined) {
      pools = [];
      for (let i = 0; i < this.workers; i++) pools.push(new WorkerPool());
    }
    return { pools, pool: pools[worker] as WorkerPool };
  }

  /** An idle connection of the pool that is still usable, or undefined. */
  reuse(pool: WorkerPool, nowUs: number): Conn | undefined {
    for (;;) {
      const c = popIdle(pool);
      if (c === undefined) return undefined;
      const pod = c.pod;
      if (nowUs - c.lastUsedUs < this.idleTimeoutUs && pod !== undefined && pod.sidecarUp) return c;
      this.discard(c);
    }
  }

  open(pool: WorkerPool, pod: SimPod): Conn {
    const c = this.free.pop() ?? new Conn();
    c.pod = pod;
    c.pool = pool;
    c.requests = 0;
    pool.open++;
    this.openNow++;
    this.opened++;
    return c;
  }

  /** Back to its pool's idle stack. */
  release(c: Conn, nowUs: number): void {
    c.lastUsedUs = nowUs;
    const pool = c.pool as WorkerPool;
    c.nextIdle = pool.idleTop;
    pool.idleTop = c;
    pool.idleCount++;
  }

  discard(c: Conn): void {
    const pool = c.pool;
    if (pool !== undefined) {
      pool.open--;
      this.openNow--;
    }
    c.pod = undefined;
    c.pool = undefined;
    this.free.push(c);
  }

  /** Close every idle connection of a host (its gateway went down). */
  closeAll(hostPools: unknown): void {
    for (const pool of (hostPools as WorkerPool[] | undefined) ?? []) {
      for (let c = popIdle(pool); c !== undefined; c = popIdle(pool)) this.discard(c);
    }
  }
}

/** Takes the most recently used idle connection off a pool's stack. */
function popIdle(pool: WorkerPool): Conn | undefined {
  const c = pool.idleTop;
  if (c === undefined) return undefined;
  pool.idleTop = c.nextIdle;
  c.nextIdle = undefined;
  pool.idleCount--;
  return c;
}
