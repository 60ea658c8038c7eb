/**
 * Per-request columns kept for the measures that need the whole trial at the end (phases,
 * `during` windows, failover): typed arrays grown by doubling, ~33 bytes per request.
 * Rows are appended in arrival (completion) order, or placed at the request's position in
 * scheduled order when the target knows it (`Sample.seq`), which spares the sort at the end.
 */

/** Bits of `flags`: where a successful response was served relative to the client. */
export const FLAG_ATTRIBUTED = 1;
export const FLAG_SAME_LOCALITY = 2;
export const FLAG_SAME_CLUSTER = 4;
export const FLAG_SAME_NETWORK = 8;

/** Growable columns of request data; `n` rows are valid. */
export class Columns {
  n = 0;
  scheduledUs: Float64Array;
  startUs: Float64Array;
  endUs: Float64Array;
  status: Uint16Array;
  /** Index into the accumulator's version table, −1 = none. */
  version: Int16Array;
  /** Index into the accumulator's cluster table, −1 = none. */
  cluster: Int16Array;
  flags: Uint8Array;
  /** Rows are being placed (`put`) rather than appended. */
  private placing = false;
  /** While placing: 1 where a row was written (kept across `reset`, zeroed there). */
  private present: Uint8Array | null = null;
  private placed = 0;
  /**
   * The index array `orderByScheduled` fills, kept for the next trial: these columns serve trial
   * after trial, and a fresh 600,000-row index array per trial was ~1/3 of the end-of-trial
   * allocations (garbage the collector then walks).
   */
  private orderScratch: Uint32Array = new Uint32Array(0);

  /** @param capacity expected rows (the open model knows rate × duration); grows by doubling beyond. */
  constructor(capacity = 1024) {
    const size = Math.max(16, Math.ceil(capacity));
    this.scheduledUs = new Float64Array(size);
    this.startUs = new Float64Array(size);
    this.endUs = new Float64Array(size);
    this.status = new Uint16Array(size);
    this.version = new Int16Array(size);
    this.cluster = new Int16Array(size);
    this.flags = new Uint8Array(size);
  }

  /** Forgets every row but keeps the arrays, so one `Columns` serves trial after trial without new memory. */
  reset(): void {
    if (this.placing) this.present!.fill(0, 0, this.n);
    this.placing = false;
    this.placed = 0;
    this.n = 0;
    // The same counts of rows may come back with other rows: the kept answer goes.
    this.sortedAtN = -1;
  }

  /** Makes room for `rows` rows in all, in one step (never shrinks). */
  reserve(rows: number): void {
    if (this.scheduledUs.length < rows) this.resize(Math.ceil(rows));
  }

  /** Appends one row. */
  push(scheduledUs: number, startUs: number, endUs: number, status: number, version: number, cluster: number, flags: number): void {
    if (this.placing) throw new Error('columns: a sample without seq after samples with seq');
    if (this.n === this.scheduledUs.length) this.grow();
    this.write(this.n++, scheduledUs, startUs, endUs, status, version, cluster, flags);
  }

  /**
   * Writes the row of the request at position `row` in scheduled order. Every position from 0 on
   * must be written exactly once (`checkComplete`); appended and placed rows do not mix.
   */
  put(row: number, scheduledUs: number, startUs: number, endUs: number, status: number, version: number, cluster: number, flags: number): void {
    if (!this.placing) {
      if (this.n !== 0) throw new Error('columns: a sample with seq after samples without seq');
      this.placing = true;
      if (this.present === null || this.present.length < this.scheduledUs.length) this.present = new Uint8Array(this.scheduledUs.length);
    }
    if (row >= this.scheduledUs.length) this.resize(Math.max(row + 1, this.scheduledUs.length * 2));
    const present = this.present!;
    // One test covers a negative or fractional seq (undefined) and a repeated one (1).
    if (present[row] !== 0) throw new RangeError(`columns: seq ${row} recorded twice, or not a non-negative integer`);
    present[row] = 1;
    this.placed++;
    if (row >= this.n) this.n = row + 1;
    this.write(row, scheduledUs, startUs, endUs, status, version, cluster, flags);
  }

  private write(row: number, scheduledUs: number, startUs: number, endUs: number, status: number, version: number, cluster: number, flags: number): void {
    this.scheduledUs[row] = scheduledUs;
    this.startUs[row] = startUs;
    this.endUs[row] = endUs;
    this.status[row] = status;
    this.version[row] = version;
    this.cluster[row] = cluster;
    this.flags[row] = flags;
  }

  /**
   * Keeps only the rows before the first position never written (an interrupted trial: the
   * requests still in flight and every later one are left out, so what is kept is a complete
   * stretch of the schedule). Appended rows are all kept. Returns the rows kept.
   */
  keepCompletePrefix(): number {
    if (!this.placing) return this.n;
    const present = this.present!;
    let i = 0;
    while (i < this.n && present[i] !== 0) i++;
    present.fill(0, i, this.n);
    this.placed = i;
    this.n = i;
    this.sortedAtN = -1;
    return i;
  }

  /** Placed rows must leave no gap: a missing position would be read as a request that never was. */
  checkComplete(): void {
    if (this.placing && this.placed !== this.n) {
      throw new Error(`columns: ${this.n - this.placed} of ${this.n} seq positions were never recorded`);
    }
  }

  private grow(): void {
    this.resize(this.scheduledUs.length * 2);
  }

  private resize(size: number): void {
    this.scheduledUs = growTo(this.scheduledUs, new Float64Array(size), this.n);
    this.startUs = growTo(this.startUs, new Float64Array(size), this.n);
    this.endUs = growTo(this.endUs, new Float64Array(size), this.n);
    this.status = growTo(this.status, new Uint16Array(size), this.n);
    this.version = growTo(this.version, new Int16Array(size), this.n);
    this.cluster = growTo(this.cluster, new Int16Array(size), this.n);
    this.flags = growTo(this.flags, new Uint8Array(size), this.n);
    if (this.present !== null) this.present = growTo(this.present, new Uint8Array(size), this.placing ? this.n : 0);
  }

  /**
   * True when the rows are in scheduled order (no NaN time): phases and windows are then index
   * ranges. The end of a trial asks three times (counts, the phase before the first event, the
   * failover order); the answer is kept for as long as no row was written, which every write shows
   * by moving `n` (push) or `placed` (put); `reset` and `keepCompletePrefix` drop it.
   */
  isSorted(): boolean {
    if (this.sortedAtN === this.n && this.sortedAtPlaced === this.placed) return this.sorted;
    this.sorted = this.scanSorted();
    this.sortedAtN = this.n;
    this.sortedAtPlaced = this.placed;
    return this.sorted;
  }

  private sorted = true;
  private sortedAtN = -1;
  private sortedAtPlaced = -1;

  private scanSorted(): boolean {
    const s = this.scheduledUs;
    const n = this.n;
    if (n > 0 && Number.isNaN(s[0]!)) return false;
    for (let i = 1; i < n; i++) {
      // Negated so a NaN time also counts as out of order.
      if (!(s[i]! >= s[i - 1]!)) return false;
    }
    return true;
  }

  /** First row index at or after `row` whose scheduled time is ≥ `t`, for sorted rows (bisection). */
  firstAtOrAfter(t: number, row = 0): number {
    const s = this.scheduledUs;
    let lo = row;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Row indices with scheduledUs ≥ fromUs, ordered by scheduled time (ties by arrival).
   * The array is valid until the next call on these columns (its memory is reused).
   * Samples arrive in completion order, which is scheduled order shuffled only locally (a request
   * overtakes the few scheduled just before it), so a stable insertion sort costs about n moves.
   * A pathological order (many long timeouts) would cost n², so past 8n moves the bucket sort
   * takes over.
   */
  orderByScheduled(fromUs: number): Uint32Array {
    const s = this.scheduledUs;
    const n = this.n;
    // Rows placed at their scheduled position (`put`) are in order already: then the rows at or
    // after fromUs are a suffix, found by bisection, and the passes below (count, gather, sort)
    // would give exactly that suffix in index order.
    if (this.isSorted()) {
      const lo = this.firstAtOrAfter(fromUs);
      if (this.orderScratch.length < n - lo) this.orderScratch = new Uint32Array(Math.max(n - lo, this.scheduledUs.length));
      const idx = this.orderScratch.subarray(0, n - lo);
      for (let i = lo; i < n; i++) idx[i - lo] = i;
      return idx;
    }
    let count = 0;
    for (let i = 0; i < this.n; i++) if (s[i]! >= fromUs) count++;
    const idx = new Uint32Array(count);
    let k = 0;
    for (let i = 0; i < this.n; i++) if (s[i]! >= fromUs) idx[k++] = i;
    return insertionSortByKey(idx, s, 8 * count) ? idx : bucketSortByKey(idx, s);
  }
}

/**
 * Stable insertion sort of row indices by `keys[row]`, in place, giving up after `maxMoves`
 * element moves. Returns false when it gave up (then `idx` is a permutation, not yet ordered).
 */
export function insertionSortByKey(idx: Uint32Array, keys: Float64Array, maxMoves: number): boolean {
  let moves = 0;
  for (let i = 1; i < idx.length; i++) {
    const row = idx[i]!;
    const v = keys[row]!;
    let k = i - 1;
    if (keys[idx[k]!]! <= v) continue;
    // Strictly greater only: equal keys keep their arrival order (stability).
    while (k >= 0 && keys[idx[k]!]! > v) {
      idx[k + 1] = idx[k]!;
      k--;
    }
    idx[k + 1] = row;
    moves += i - 1 - k;
    if (moves > maxMoves) return false;
  }
  return true;
}

/**
 * Orders row indices by `keys[row]` (ties by row, i.e. arrival order) in O(n) for the near-uniform
 * keys load models produce: a stable counting pass into n buckets over [min, max], then insertion
 * sort inside each bucket (mostly one row each). Completion order is only locally shuffled, so
 * this beats a comparison sort of 600k rows by far.
 */
export function bucketSortByKey(idx: Uint32Array, keys: Float64Array): Uint32Array {
  const n = idx.length;
  let min = Infinity;
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = keys[idx[j]!]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) return idx; // all keys equal: arrival order is the order
  const scale = (n - 1) / (max - min);
  const bucketOf = new Uint32Array(n);
  const starts = new Uint32Array(n + 1);
  for (let j = 0; j < n; j++) {
    const b = Math.floor((keys[idx[j]!]! - min) * scale);
    bucketOf[j] = b;
    starts[b + 1]!++;
  }
  for (let b = 0; b < n; b++) starts[b + 1]! += starts[b]!;
  const out = new Uint32Array(n);
  const fill = starts.slice(0, n);
  for (let j = 0; j < n; j++) out[fill[bucketOf[j]!]!++] = idx[j]!;
  for (let b = 0; b < n; b++) {
    const lo = starts[b]!;
    const hi = starts[b + 1]!;
    if (hi - lo > 32) {
      // A crowded bucket (skewed keys): fall back to a comparison sort so the worst case stays n log n.
      out.subarray(lo, hi).sort((a, c) => keys[a]! - keys[c]! || a - c);
      continue;
    }
    for (let i = lo + 1; i < hi; i++) {
      const row = out[i]!;
      const v = keys[row]!;
      let k = i - 1;
      while (k >= lo && (keys[out[k]!]! > v || (keys[out[k]!]! === v && out[k]! > row))) {
        out[k + 1] = out[k]!;
        k--;
      }
      out[k + 1] = row;
    }
  }
  return out;
}

function growTo<T extends Float64Array | Uint16Array | Int16Array | Uint8Array>(from: T, to: T, n: number): T {
  to.set(from.subarray(0, n));
  return to;
}
