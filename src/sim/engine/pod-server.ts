/**
 * A pod's app server with finite capacity (Mesh `server`): `workers` requests in service at once,
 * the rest waiting in a FIFO accept queue of at most `backlog` connections. A waiting request
 * whose client gave up (route timeout) is skipped when its turn comes at no cost: its server
 * sidecar reset the connection to the app, and gunicorn's read of a reset connection ends the
 * handler before the view runs (gunicorn/workers/base_async.py handle → parser raises). A request
 * already in service runs to completion: the CPU loop does not look at its socket.
 */
import type { ServerModel } from '../../model/mesh.js';
import type { Rng } from '../rng.js';
import { LogNormalServiceTime } from './service-time.js';

/** What the server holds: the engine's request record. */
export interface ServerJob {
  /** True once the client stopped waiting (timed out): skipped when dequeued. */
  abandoned: boolean;
}

/** Per-deployment parameters shared by its pods. */
export class ServerSpec {
  readonly workers: number;
  readonly backlog: number;
  private readonly cpu: LogNormalServiceTime;
  /**
   * CFS quota: with a CPU limit below the workers, busy workers share `limit` cores, so each
   * runs at limit/workers of a core. Applied whatever the number busy (a worst case: the limit
   * bites when the server is saturated, which is when it matters).
   */
  private readonly slowdown: number;

  constructor(m: ServerModel) {
    this.workers = m.workers;
    this.backlog = m.backlog;
    this.cpu = new LogNormalServiceTime(m.cpuP50Us, m.cpuP99Us);
    this.slowdown = m.cpuLimitMillicores === undefined ? 1 : Math.max(1, (m.workers * 1000) / m.cpuLimitMillicores);
  }

  /** Wall time one request holds a worker. */
  serviceUs(rng: Rng): number {
    const cpuUs = this.cpu.sampleUs(rng);
    return this.slowdown === 1 ? cpuUs : Math.round(cpuUs * this.slowdown);
  }
}

/** One pod's server state: busy workers and the FIFO queue (a ring, grown on demand). */
export class PodServer<J extends ServerJob> {
  busy = 0;
  private ring: Array<J | undefined> = new Array<J | undefined>(16);
  private head = 0;
  private size = 0;

  constructor(readonly spec: ServerSpec) {}

  /** Requests waiting for a worker (abandoned ones included until their turn). */
  get queued(): number {
    return this.size;
  }

  /** A request arrives: true = a worker takes it now; false = queued; undefined = backlog full. */
  arrive(job: J): boolean | undefined {
    if (this.busy < this.spec.workers && this.size === 0) {
      this.busy++;
      return true;
    }
    if (this.size >= this.spec.backlog) return undefined;
    if (this.size === this.ring.length) this.grow();
    this.ring[(this.head + this.size) % this.ring.length] = job;
    this.size++;
    return false;
  }

  /**
   * A worker finished: it takes the next live request (returned, now in service), or goes idle.
   * Abandoned requests passed over are handed to `drop`.
   */
  next(drop: (job: J) => void): J | undefined {
    while (this.size > 0) {
      const job = this.ring[this.head] as J;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.ring.length;
      this.size--;
      if (!job.abandoned) return job;
      drop(job);
    }
    this.busy--;
    return undefined;
  }

  /** Empties the queue (the pod is gone): every waiting request is handed to `drop`. */
  clear(drop: (job: J) => void): void {
    while (this.size > 0) {
      const job = this.ring[this.head] as J;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.ring.length;
      this.size--;
      drop(job);
    }
  }

  private grow(): void {
    const next = new Array<J | undefined>(this.ring.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.ring[(this.head + i) % this.ring.length];
    this.ring = next;
    this.head = 0;
  }
}
