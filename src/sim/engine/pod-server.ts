/**
 * A pod's app server with finite capacity (Mesh `server`): `workers` requests in service at once,
 * the rest waiting in FIFO order in an accept queue of at most `backlog` connections.
 *
 * FIFO with known service times needs no events of its own: when a request reaches the pod, its
 * start is the moment the earliest worker frees (G/G/c FIFO, arrivals in time order), so the
 * engine computes start and end at admission and schedules only the response at the client.
 * A request whose client gives up (route timeout; the reset reaches the pod `leg` later) before its
 * turn is skipped at no cost: its server sidecar reset the connection to the app, and gunicorn's
 * read of a reset connection ends the handler before the view runs
 * (gunicorn/workers/base_async.py handle → parser raises). A request already in service runs to
 * completion: the CPU loop does not look at its socket.
 */
import type { ServerModel } from '../../model/mesh.js';
import type { Rng } from '../rng.js';
import { LogNormalServiceTime } from './service-time.js';

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

/** Outcomes of `admit`. */
export const ADMITTED = 0;
/** The accept queue was full: the connection is refused. */
export const BACKLOG_FULL = 1;
/** The client's reset reached the pod before a worker took the request. */
export const SKIPPED = 2;

/** One pod's workers (when each frees) and the start times of requests still waiting. */
export class PodServer {
  private readonly freeAtUs: Float64Array;
  /**
   * Start times of admitted requests, in admission order (non-decreasing): a ring whose length is
   * a power of two, so positions wrap with a mask instead of an integer division per request.
   */
  private starts = new Float64Array(16);
  private head = 0;
  private size = 0;
  /** Set by `admit`: when the admitted request starts and ends service. */
  startUs = 0;
  endUs = 0;

  constructor(readonly spec: ServerSpec) {
    this.freeAtUs = new Float64Array(spec.workers);
  }

  /**
   * A request reaches the pod at `arriveUs` needing `serviceUs`; `resetAtUs` is when its client's
   * reset would reach the pod. Returns ADMITTED (startUs/endUs set), BACKLOG_FULL or SKIPPED.
   */
  admit(arriveUs: number, serviceUs: number, resetAtUs: number): number {
    // Requests that started by now have left the queue.
    while (this.size > 0 && (this.starts[this.head] as number) <= arriveUs) {
      this.head = (this.head + 1) & (this.starts.length - 1);
      this.size--;
    }
    const free = this.freeAtUs;
    let w = 0;
    for (let i = 1; i < free.length; i++) if ((free[i] as number) < (free[w] as number)) w = i;
    const startUs = Math.max(arriveUs, free[w] as number);
    if (startUs > arriveUs && this.size >= this.spec.backlog) return BACKLOG_FULL;
    if (startUs >= resetAtUs) return SKIPPED;
    free[w] = startUs + serviceUs;
    this.startUs = startUs;
    this.endUs = startUs + serviceUs;
    if (startUs > arriveUs) {
      if (this.size === this.starts.length) this.grow();
      this.starts[(this.head + this.size) & (this.starts.length - 1)] = startUs;
      this.size++;
    }
    return ADMITTED;
  }

  /** No request in service or waiting at `nowUs`. */
  idleAt(nowUs: number): boolean {
    for (const t of this.freeAtUs) if (t > nowUs) return false;
    return true;
  }

  private grow(): void {
    const next = new Float64Array(this.starts.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.starts[(this.head + i) & (this.starts.length - 1)] as number;
    this.starts = next;
    this.head = 0;
  }
}
