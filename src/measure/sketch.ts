/**
 * A coarse log-linear latency sketch for per-bucket percentiles in the series (one per time
 * bucket, so it must be small): 32 sub-bins per power of two, exact below 32 µs, 896 bins for
 * 0 … 2^32 µs, ≤ 3.1% bin width, reported at the bin middle (≤ 1.6% error). A full HDR
 * histogram per bucket would cost 188 KB × 600 buckets; this costs at most 7 KB while a bucket is
 * open (less as a `SketchWindow`) and a few hundred numbers once stored sparsely.
 */

const SUB_BITS = 5;
const SUB = 1 << SUB_BITS;
/** Number of bins covering 0 … 2^32 − 1 µs. */
export const SKETCH_BINS = SUB + (32 - SUB_BITS) * SUB;

/** Bin of an integer value in µs (values ≥ 2^32 land in the last bin; negatives in bin 0). */
export function sketchBinOf(valueUs: number): number {
  if (!(valueUs >= 0)) return 0;
  if (valueUs >= 4294967295) return SKETCH_BINS - 1;
  const v = valueUs >>> 0;
  if (v < SUB) return v;
  const e = 31 - Math.clz32(v);
  return SUB + (e - SUB_BITS) * SUB + ((v >>> (e - SUB_BITS)) & (SUB - 1));
}

/** Representative value (µs) of a bin: the value itself below 32 µs, else the middle of the bin. */
export function sketchValueOf(bin: number): number {
  if (bin < SUB) return bin;
  const e = SUB_BITS + Math.floor((bin - SUB) / SUB);
  const mantissa = (bin - SUB) % SUB;
  const width = 2 ** (e - SUB_BITS);
  return (SUB + mantissa) * width + width / 2;
}

/**
 * Sparse form of a sketch: `[bin, count, bin, count, …]` with increasing bins. Plain numbers so
 * trial measures stay structured-clonable and JSON-safe.
 */
export type SparseSketch = number[];

/** Sparse form of dense bin counts. */
export function toSparse(dense: ArrayLike<number>): SparseSketch {
  const out: number[] = [];
  for (let i = 0; i < dense.length; i++) {
    const c = dense[i]!;
    if (c !== 0) out.push(i, c);
  }
  return out;
}

/** Bins added on each side of a new window: two powers of two (64 bins). */
const WINDOW_SLACK_BINS = 2 * SUB;

/**
 * Dense counts over a window of bins, [lo, lo + counts.length), widened as bins outside it arrive.
 * A series keeps one sketch per time bucket and per client: the latencies of one bucket span a
 * few powers of two, so a window costs a few hundred bytes where all 896 bins cost 7 KB.
 */
export class SketchWindow {
  private lo = 0;
  private counts = new Float64Array(0);

  /** Adds `n` to a bin in [0, SKETCH_BINS). */
  add(bin: number, n = 1): void {
    const k = bin - this.lo;
    if (k >= 0 && k < this.counts.length) this.counts[k]! += n;
    else this.widenAndAdd(bin, n);
  }

  /** Widens the window to hold `bin`, by at least its own length on that side (a window widens a few times at most). */
  private widenAndAdd(bin: number, n: number): void {
    const old = this.counts;
    const slack = Math.max(WINDOW_SLACK_BINS, old.length);
    const lo = old.length === 0 || bin < this.lo ? Math.max(0, bin - slack) : this.lo;
    const hi = old.length === 0 || bin >= this.lo + old.length ? Math.min(SKETCH_BINS, bin + 1 + slack) : this.lo + old.length;
    const counts = new Float64Array(hi - lo);
    if (old.length > 0) counts.set(old, this.lo - lo);
    this.lo = lo;
    this.counts = counts;
    counts[bin - lo]! += n;
  }

  /** Adds every count of another window. */
  addAll(other: SketchWindow): void {
    const c = other.counts;
    for (let k = 0; k < c.length; k++) if (c[k] !== 0) this.add(other.lo + k, c[k]!);
  }

  /** Sparse form (`toSparse` of the dense bins). */
  toSparse(): SparseSketch {
    const out: number[] = [];
    const c = this.counts;
    for (let k = 0; k < c.length; k++) if (c[k] !== 0) out.push(this.lo + k, c[k]!);
    return out;
  }
}

/** Adds a sparse sketch into dense bin counts. */
export function addSparse(dense: Float64Array, sparse: SparseSketch): void {
  for (let i = 0; i + 1 < sparse.length; i += 2) dense[sparse[i]!]! += sparse[i + 1]!;
}

/** Merges sparse sketches into one sparse sketch. */
export function mergeSparse(sketches: readonly SparseSketch[]): SparseSketch {
  if (sketches.length === 1) return sketches[0]!.slice();
  const dense = new Float64Array(SKETCH_BINS);
  for (const s of sketches) addSparse(dense, s);
  return toSparse(dense);
}

/**
 * Percentile (0–100) of a sparse sketch with nearest-rank semantics (the first bin whose
 * cumulative count reaches ⌈p/100 · n⌉), in µs; null when empty.
 */
export function sketchPercentile(sparse: SparseSketch, p: number): number | null {
  let n = 0;
  for (let i = 1; i < sparse.length; i += 2) n += sparse[i]!;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n - 1e-9));
  let seen = 0;
  for (let i = 0; i + 1 < sparse.length; i += 2) {
    seen += sparse[i + 1]!;
    if (seen >= rank) return sketchValueOf(sparse[i]!);
  }
  return sketchValueOf(sparse[sparse.length - 2]!);
}
