/**
 * A coarse log-linear latency sketch for per-bucket percentiles in the series (one per time
 * bucket, so it must be small): 32 sub-bins per power of two, exact below 32 µs, 896 bins for
 * 0 … 2^32 µs, ≤ 3.1% bin width, reported at the bin middle (≤ 1.6% error). A full HDR
 * histogram per bucket would cost 188 KB × 600 buckets; this costs 7 KB while a bucket is open
 * (one dense array per series, series-builder.ts) and a few hundred numbers once stored sparsely.
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

/** The sum of two sparse sketches (bins increasing), sparse: a merge of the two bin lists. */
export function addSparseSorted(a: SparseSketch, b: SparseSketch): SparseSketch {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i + 1 < a.length || j + 1 < b.length) {
    const binA = i + 1 < a.length ? a[i]! : Infinity;
    const binB = j + 1 < b.length ? b[j]! : Infinity;
    if (binA === binB) {
      out.push(binA, a[i + 1]! + b[j + 1]!);
      i += 2;
      j += 2;
    } else if (binA < binB) {
      out.push(binA, a[i + 1]!);
      i += 2;
    } else {
      out.push(binB, b[j + 1]!);
      j += 2;
    }
  }
  return out;
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
