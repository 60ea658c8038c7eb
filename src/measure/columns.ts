/**
 * Per-request columns kept for the measures that need the whole trial at the end (phases,
 * `during` windows, failover): typed arrays grown by doubling, ~33 bytes per request.
 * Rows are in arrival (completion) order.
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

  /** Appends one row. */
  push(scheduledUs: number, startUs: number, endUs: number, status: number, version: number, cluster: number, flags: number): void {
    if (this.n === this.scheduledUs.length) this.grow();
    const i = this.n++;
    this.scheduledUs[i] = scheduledUs;
    this.startUs[i] = startUs;
    this.endUs[i] = endUs;
    this.status[i] = status;
    this.version[i] = version;
    this.cluster[i] = cluster;
    this.flags[i] = flags;
  }

  private grow(): void {
    const size = this.scheduledUs.length * 2;
    this.scheduledUs = growTo(this.scheduledUs, new Float64Array(size));
    this.startUs = growTo(this.startUs, new Float64Array(size));
    this.endUs = growTo(this.endUs, new Float64Array(size));
    this.status = growTo(this.status, new Uint16Array(size));
    this.version = growTo(this.version, new Int16Array(size));
    this.cluster = growTo(this.cluster, new Int16Array(size));
    this.flags = growTo(this.flags, new Uint8Array(size));
  }

  /**
   * Row indices with scheduledUs ≥ fromUs, ordered by scheduled time (ties by arrival).
   * Samples arrive in completion order, which is nearly but not exactly scheduled order.
   */
  orderByScheduled(fromUs: number): Uint32Array {
    const s = this.scheduledUs;
    let count = 0;
    for (let i = 0; i < this.n; i++) if (s[i]! >= fromUs) count++;
    const idx = new Uint32Array(count);
    let k = 0;
    let sorted = true;
    let prev = -Infinity;
    for (let i = 0; i < this.n; i++) {
      const v = s[i]!;
      if (v < fromUs) continue;
      if (v < prev) sorted = false;
      prev = v;
      idx[k++] = i;
    }
    if (sorted) return idx;
    // Pack (scheduledUs, row) into one exact double and let the native numeric sort do the work:
    // integral scheduledUs in [0, 2^32) and row < 2^21 keep the packed value below 2^53.
    const ROW_BITS = 2 ** 21;
    let packable = this.n < ROW_BITS;
    for (let j = 0; packable && j < count; j++) {
      const v = s[idx[j]!]!;
      packable = v >= 0 && v < 2 ** 32 && Number.isInteger(v);
    }
    if (packable) {
      const keys = new Float64Array(count);
      for (let j = 0; j < count; j++) keys[j] = s[idx[j]!]! * ROW_BITS + idx[j]!;
      keys.sort();
      for (let j = 0; j < count; j++) idx[j] = keys[j]! % ROW_BITS;
      return idx;
    }
    return idx.sort((a, b) => s[a]! - s[b]! || a - b);
  }
}

function growTo<T extends Float64Array | Uint16Array | Int16Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
