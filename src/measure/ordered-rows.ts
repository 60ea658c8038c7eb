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

/** Fields of a held row, in one Float64Array slot of STRIDE numbers (only the requests in flight are held, so compactness matters less than simplicity). */
const STRIDE = 8;
const SCHEDULED = 0;
const START = 1;
const END = 2;
const STATUS = 3;
const VERSION = 4;
const CLUSTER = 5;
const FLAGS = 6;
/** 1 while the slot holds a row. */
const PRESENT = 7;

export class OrderedRows {
  private slots: Float64Array;
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
    this.slots = new Float64Array(size * STRIDE);
  }

  /** Rows handed on so far (the seq of the next one). */
  get released(): number {
    return this.next;
  }

  /** Holds the row of request `seq` (each seq once, from 0 on). */
  put(seq: number, scheduledUs: number, startUs: number, endUs: number, status: number, version: number, cluster: number, flags: number): void {
    if (!(Number.isInteger(seq) && seq >= this.next)) throw new RangeError(`ordered rows: seq ${seq} recorded twice, or not a non-negative integer`);
    while (seq - this.next > this.mask) this.grow();
    const o = (seq & this.mask) * STRIDE;
    const a = this.slots;
    if (a[o + PRESENT] !== 0) throw new RangeError(`ordered rows: seq ${seq} recorded twice`);
    a[o + SCHEDULED] = scheduledUs;
    a[o + START] = startUs;
    a[o + END] = endUs;
    a[o + STATUS] = status;
    a[o + VERSION] = version;
    a[o + CLUSTER] = cluster;
    a[o + FLAGS] = flags;
    a[o + PRESENT] = 1;
    if (seq + 1 > this.end) this.end = seq + 1;
    if (this.end - this.next > this.peak) this.peak = this.end - this.next;
  }

  /** Hands on, in seq order, the waiting rows that completed before `nowUs`. */
  releaseBefore(nowUs: number, sink: RowSink): void {
    while (this.next < this.end) {
      const o = (this.next & this.mask) * STRIDE;
      if (this.slots[o + PRESENT] === 0 || !(this.slots[o + END]! < nowUs)) return;
      this.emit(o, sink);
    }
  }

  /** Hands on every row of the complete prefix (the end of a trial, or where an interrupt cut it). */
  releasePrefix(sink: RowSink): void {
    while (this.next < this.end) {
      const o = (this.next & this.mask) * STRIDE;
      if (this.slots[o + PRESENT] === 0) return;
      this.emit(o, sink);
    }
  }

  /** Rows held after the complete prefix (requests recorded while an earlier one was still in flight). */
  get waiting(): number {
    let n = 0;
    for (let s = this.next; s < this.end; s++) n += this.slots[(s & this.mask) * STRIDE + PRESENT]!;
    return n;
  }

  private emit(o: number, sink: RowSink): void {
    const a = this.slots;
    a[o + PRESENT] = 0;
    this.next++;
    sink(a[o + SCHEDULED]!, a[o + START]!, a[o + END]!, a[o + STATUS]!, a[o + VERSION]!, a[o + CLUSTER]!, a[o + FLAGS]!);
  }

  private grow(): void {
    const old = this.mask + 1;
    const size = old * 2;
    const out = new Float64Array(size * STRIDE);
    for (let s = this.next; s < this.next + old; s++) {
      const from = (s & (old - 1)) * STRIDE;
      out.set(this.slots.subarray(from, from + STRIDE), (s & (size - 1)) * STRIDE);
    }
    this.slots = out;
    this.mask = size - 1;
  }
}
