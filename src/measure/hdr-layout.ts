/**
 * The bucket layout of an HdrHistogram with lowest discernible value 1 µs, highest trackable value
 * 1 h (3,600,000,000 µs) and 3 significant digits (product.md §3.3), as index arithmetic on integers.
 *
 * Why our own arithmetic: hdr-histogram-js's `recordValue` costs ~190 ns per value (floating
 * `log2`/`pow` per call; measured over 5 M values on the 2-core build machine), against ~3 ns for
 * the integer version here, and the simulator must record ≥ 1 M requests/s. The index maths below is the same as the
 * library's (mirrors hdr-histogram-js `JsHistogram.countsArrayIndex`, `valueFromIndex`,
 * `highestEquivalentValue`, `medianEquivalentValue` for unitMagnitude 0,
 * subBucketHalfCountMagnitude 10), so counts copied index by index into a library histogram encode
 * exactly what the library would have recorded itself.
 */

/** Lowest discernible value (µs). */
export const HDR_LOWEST_US = 1;
/** Highest trackable value: one hour in µs. */
export const HDR_HIGHEST_US = 3_600_000_000;
/** Significant decimal digits kept. */
export const HDR_DIGITS = 3;

/** log2(subBucketHalfCount): 2 × 10^3 rounded up to a power of two is 2048, half of it 1024. */
const HALF_MAGNITUDE = 10;
const HALF_COUNT = 1 << HALF_MAGNITUDE;

/** Buckets needed to cover HDR_HIGHEST_US (mirrors `getBucketsNeededToCoverValue`): 22. */
function bucketsNeeded(highest: number): number {
  let smallestUntrackable = 2 * HALF_COUNT;
  let buckets = 1;
  while (smallestUntrackable <= highest) {
    smallestUntrackable *= 2;
    buckets++;
  }
  return buckets;
}

/** Length of the counts array for the layout (mirrors `getLengthForNumberOfBuckets`). */
export const HDR_COUNTS_LENGTH = (bucketsNeeded(HDR_HIGHEST_US) + 1) * HALF_COUNT;

/**
 * Counts-array index of an integer value in [0, HDR_HIGHEST_US]. The caller clamps and truncates;
 * values up to 2^32 − 1 are safe for the unsigned shifts.
 */
export function hdrIndexOf(valueUs: number): number {
  const v = valueUs >>> 0;
  // floor(log2(v)) − 10, at least 0; clz32(0) = 32 gives a negative number, clamped to bucket 0.
  let bucket = 21 - Math.clz32(v);
  if (bucket < 0) bucket = 0;
  return (bucket << HALF_MAGNITUDE) + (v >>> bucket);
}

/** Lowest value that lands at `index` (mirrors `valueFromIndex`). */
export function hdrValueFromIndex(index: number): number {
  let bucket = Math.floor(index / HALF_COUNT) - 1;
  let sub = (index % HALF_COUNT) + HALF_COUNT;
  if (bucket < 0) {
    sub -= HALF_COUNT;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

/** Width of the value range that shares `index` (1 in the first two buckets, then doubling). */
export function hdrRangeSize(index: number): number {
  const bucket = Math.floor(index / HALF_COUNT) - 1;
  return bucket <= 0 ? 1 : 2 ** bucket;
}

/** Highest value equivalent to the values at `index` (mirrors `highestEquivalentValue`). */
export function hdrHighestAt(index: number): number {
  return hdrValueFromIndex(index) + hdrRangeSize(index) - 1;
}

/** Middle of the range at `index` (mirrors `medianEquivalentValue`), used for means. */
export function hdrMedianAt(index: number): number {
  return hdrValueFromIndex(index) + Math.floor(hdrRangeSize(index) / 2);
}

/** Unit in the last place, as hdr-histogram-js `ulp.ts` computes it for percentile rounding. */
export function ulp(x: number): number {
  return 2 ** (Math.floor(Math.log2(x)) - 52);
}
