/**
 * Joins k6 samples that belong to one request. k6 writes a request's `http_req_duration` Point at
 * the end of the request (tags: status, scenario, group…); the response's version is only known to
 * the script, which reports it afterwards through a custom metric tagged `version` (the fixtures'
 * `helloworld_responses` counter, same scenario and group, a few µs later). A successful request
 * waits here until such a point claims it, or until it is older than the horizon.
 *
 * Memory is bounded: at most `maxPending` requests wait, the oldest leaving first.
 */

/** Attribution a script can attach to a response (tags of its custom metric). */
export interface Attribution {
  version: string;
  instance?: string;
  cluster?: string;
  locality?: string;
}

/** A request waiting for its attribution. Times in µs relative to the first point of the file. */
export interface PendingRequest {
  endUs: number;
  durationUs: number;
  status: number;
  /**
   * The request's `scenario`; a version point must come from the same. The group is not part of
   * it: a script may count versions outside the `group()` that made the request.
   */
  key: string;
  /** `vu` metadata when k6 writes it (`--system-tags` with vu); narrows the match. */
  vu: string | undefined;
  /** `iter` metadata (k6 `--system-tags` with iter): with `vu`, pins the request exactly. */
  iter: string | undefined;
  attribution: Attribution | undefined;
}

/** How far back an attribution may look (µs of k6 time), and how many requests it scans at most. */
const HORIZON_US = 10_000_000;
const MAX_SCAN = 512;
/** A version point may carry a time a hair before the request's end when k6 batches them. */
const SLACK_US = 1000;

/** Queue of successful requests waiting for a version point, oldest first. */
export class PendingQueue {
  private items: PendingRequest[] = [];
  private head = 0;

  constructor(
    private readonly emit: (r: PendingRequest) => void,
    private readonly maxPending = 65_536,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds a request; flushes those beyond the horizon or the size bound. */
  push(r: PendingRequest): void {
    this.items.push(r);
    this.flush(r.endUs - HORIZON_US);
  }

  /**
   * Gives `a` to a waiting request without attribution that ended no later than `timeUs`:
   * `exact` when both carry `vu` and `iter` (the same VU's same iteration: the request the script
   * just made), else `nearest`: the newest request of the same scenario (and the same vu when both
   * know it). Null when none qualifies.
   */
  attribute(key: string, vu: string | undefined, iter: string | undefined, timeUs: number, a: Attribution): 'exact' | 'nearest' | null {
    const stop = Math.max(this.head, this.items.length - MAX_SCAN);
    const exact = vu !== undefined && iter !== undefined;
    for (let i = this.items.length - 1; i >= stop; i--) {
      const r = this.items[i]!;
      if (r.attribution !== undefined || r.key !== key || r.endUs > timeUs + SLACK_US) continue;
      if (exact && r.vu !== undefined && r.iter !== undefined) {
        if (r.vu !== vu || r.iter !== iter) continue;
        r.attribution = a;
        return 'exact';
      }
      if (vu !== undefined && r.vu !== undefined && vu !== r.vu) continue;
      r.attribution = a;
      return 'nearest';
    }
    return null;
  }

  /** Emits requests that ended before `olderThanUs`, and the oldest beyond `maxPending`. */
  flush(olderThanUs: number): void {
    const items = this.items;
    while (this.head < items.length) {
      const r = items[this.head]!;
      if (r.endUs >= olderThanUs && items.length - this.head <= this.maxPending) break;
      this.emit(r);
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
  }

  /** Emits everything still waiting (end of file). */
  drain(): void {
    for (let i = this.head; i < this.items.length; i++) this.emit(this.items[i]!);
    this.items = [];
    this.head = 0;
  }
}
