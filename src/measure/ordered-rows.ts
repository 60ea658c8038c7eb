/**
 * Bounded memory for long trials that need rows (issue 17): requests arrive in completion order;
 * this buffer hands them on in scheduled order (`Sample.seq`) and forgets them, so a trial holds
 * only the requests in flight or waiting for an earlier one, not a row per request of the run.
 *
 * A row is handed on once every earlier request has been handed on **and** it completed strictly
 * before the current time (`releaseBefore`): every event at or before its completion has then
 * happened, so a measure that reads "the events so far" sees exactly the events the row-based
 * pass at the end of the trial would place before or after it.
 */

/** Receives a row in scheduled order. */
export type RowSink = (scheduledUs: number, startUs: number, endUs: number, status: number, version: number, cluster: number, flags: number) => void;

export class OrderedRows {
  private scheduledUs: Float64Array;
  private startUs: Float64Array;
  private endUs: Float64Array;
  private status: Uint16Array;
  private version: Int16Array;
  private cluster: Int16Array;
  private flags: Uint8Array;
  private present: Uint8Array;
  private mask: number;
  /** Seq of the next row to hand on. */
  private next = 0;
  /** Highest seq written + 1. */
  private end = 0;
  /** Most rows held at once (for tests and the memory figures). */
  peak = 0;

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity) size *= 2;
    this.mask = size - 1;
    this.scheduledUs = new Float64Array(size);
    this.startUs = new Float64Array(size);
    this.endUs = new Float64Array(size);
    this.status = new Uint16Array(size);
    this.version = new Int16Array(size);
    this.cluster = new Int16Array(size);
    this.flags = new Uint8Array(size);
    this.present = new Uint8Array(size);
  }

  /** Rows handed on so far (the seq of the next one). */
  get released(): number {
    return this.next;
  }

  /** Holds the row of request `seq` (each seq once, from 0 on). */
  put(seq: number, scheduledUs: number, startUs: number, endUs: number, status: number, version: number, cluster: number, flags: number): void {
    if (!(Number.isInteger(seq) && seq >= this.next)) throw new RangeError(`ordered rows: seq ${seq} recorded twice, or not a non-negative integer`);
    while (seq - this.next > this.mask) this.grow();
    const i = seq & this.mask;
    if (this.present[i] !== 0) throw new RangeError(`ordered rows: seq ${seq} recorded twice`);
    this.present[i] = 1;
    this.scheduledUs[i] = scheduledUs;
    this.startUs[i] = startUs;
    this.endUs[i] = endUs;
    this.status[i] = status;
    this.version[i] = version;
    this.cluster[i] = cluster;
    this.flags[i] = flags;
    if (seq + 1 > this.end) this.end = seq + 1;
    if (this.end - this.next > this.peak) this.peak = this.end - this.next;
  }

  /** Hands on, in seq order, the waiting rows that completed before `nowUs`. */
  releaseBefore(nowUs: number, sink: RowSink): void {
    const m = this.mask;
    while (this.next < this.end) {
      const i = this.next & m;
      if (this.present[i] === 0 || !(this.endUs[i]! < nowUs)) return;
      this.emit(i, sink);
    }
  }

  /** Hands on every row of the complete prefix (the end of a trial, or where an interrupt cut it). */
  releasePrefix(sink: RowSink): void {
    const m = this.mask;
    while (this.next < this.end && this.present[this.next & m] !== 0) this.emit(this.next & m, sink);
  }

  /** Rows held after the complete prefix (requests recorded while an earlier one was still in flight). */
  get waiting(): number {
    let n = 0;
    for (let s = this.next; s < this.end; s++) n += this.present[s & this.mask]!;
    return n;
  }

  private emit(i: number, sink: RowSink): void {
    this.present[i] = 0;
    this.next++;
    sink(this.scheduledUs[i]!, this.startUs[i]!, this.endUs[i]!, this.status[i]!, this.version[i]!, this.cluster[i]!, this.flags[i]!);
  }

  private grow(): void {
    const old = this.mask + 1;
    const size = old * 2;
    const copy = <T extends Float64Array | Uint16Array | Int16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const out = make(size);
      for (let s = this.next; s < this.next + old; s++) out[s & (size - 1)] = a[s & (old - 1)]!;
      return out;
    };
    this.scheduledUs = copy(this.scheduledUs, (n) => new Float64Array(n));
    this.startUs = copy(this.startUs, (n) => new Float64Array(n));
    this.endUs = copy(this.endUs, (n) => new Float64Array(n));
    this.status = copy(this.status, (n) => new Uint16Array(n));
    this.version = copy(this.version, (n) => new Int16Array(n));
    this.cluster = copy(this.cluster, (n) => new Int16Array(n));
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.present = copy(this.present, (n) => new Uint8Array(n));
    this.mask = size - 1;
  }
}
