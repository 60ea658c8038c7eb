import { HDR_COUNTS_LENGTH, hdrValueFromIndex } from './hdr-layout.js';
import { SKETCH_BINS, addSparseSorted, mergeSparse, sketchBinOf, type SparseSketch } from './sketch.js';
import { sortedNames } from './counts-builder.js';
import { packedSlots, putPacked } from './packed-array.js';
import type { SeriesAggregate } from './types.js';

/** A series has at most this many points; beyond it the buckets double in size. */
export const MAX_SERIES_POINTS = 600;

/** Bucket sizes (s) chosen for a known run duration. */
const NICE_BUCKETS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/**
 * Bucket size for a run: 1 s, or the smallest "nice" size (2 s, 5 s, 10 s, …) that keeps the
 * series at ≤ 600 points. Unknown duration: 1 s (the series then doubles its buckets as needed).
 */
export function chooseBucketUs(durationUs: number | undefined): number {
  if (durationUs === undefined || !(durationUs > 0)) return 1_000_000;
  for (const s of NICE_BUCKETS_S) if (Math.ceil(durationUs / (s * 1e6)) <= MAX_SERIES_POINTS) return s * 1_000_000;
  return Math.ceil(durationUs / MAX_SERIES_POINTS / 1e6) * 1_000_000;
}

/**
 * Builds the per-bucket series over scheduled time: requests, failures, successes per version and a
 * latency sketch per bucket (for p99). When a request falls beyond `MAX_SERIES_POINTS` buckets
 * (an import of unknown length), every bucket doubles in size, merging neighbours exactly.
 */
export class SeriesBuilder {
  private requests: Float64Array = new Float64Array(64);
  private errors: Float64Array = new Float64Array(64);
  private readonly byVersion = packedSlots<Float64Array>();
  /** Latency sketch of each bucket, sparse, up to the bucket open now (`open`). */
  private sketches = packedSlots<SparseSketch>();
  private points = 0;
  /**
   * Dense bin counts of the open bucket (the previous request's), turned sparse when another bucket
   * is entered: one array for the whole series instead of one per bucket (a trial with 50 clients
   * has 51 series of 60 buckets), and only the bins touched [openLowBin, openHighBin] are read back.
   */
  private readonly open = new Float64Array(SKETCH_BINS);
  private openBucket = -1;
  private openLowBin = SKETCH_BINS;
  private openHighBin = -1;

  constructor(public bucketUs: number) {}

  /**
   * Bucket, time range and sketch of the previous request: requests arrive roughly in scheduled
   * order, so most of them land in the same bucket and skip the division (measured: the division
   * alone was ~10% of the end-of-trial pass).
   */
  private lastBucket = -1;
  private lastFromUs = Infinity;
  private lastToUs = -Infinity;

  /** Adds one request. */
  add(scheduledUs: number, latencyUs: number, ok: boolean, version: number): void {
    this.addBinned(scheduledUs, sketchBinOf(latencyUs), ok, version);
  }

  /** Adds one request whose latency is an HDR counts index (`latencyIndex`). */
  addIndexed(scheduledUs: number, latencyIdx: number, ok: boolean, version: number): void {
    this.addBinned(scheduledUs, hdrToSketchBin()[latencyIdx]!, ok, version);
  }

  private addBinned(scheduledUs: number, bin: number, ok: boolean, version: number): void {
    const b = scheduledUs >= this.lastFromUs && scheduledUs < this.lastToUs ? this.lastBucket : this.enterBucket(scheduledUs);
    this.requests[b]! += 1;
    if (!ok) this.errors[b]! += 1;
    else if (version >= 0) {
      let col = this.byVersion[version];
      if (col === undefined) {
        col = new Float64Array(this.requests.length);
        putPacked(this.byVersion, version, col);
      }
      col[b]! += 1;
    }
    this.open[bin]! += 1;
    if (bin < this.openLowBin) this.openLowBin = bin;
    if (bin > this.openHighBin) this.openHighBin = bin;
  }

  /** Moves the open bucket's counts into its sparse sketch (added to what an earlier visit left there). */
  private closeBucket(): void {
    const b = this.openBucket;
    this.openBucket = -1;
    if (b < 0 || this.openHighBin < 0) return;
    const dense = this.open;
    const sparse: SparseSketch = [];
    for (let i = this.openLowBin; i <= this.openHighBin; i++) {
      const c = dense[i]!;
      if (c !== 0) {
        sparse.push(i, c);
        dense[i] = 0;
      }
    }
    this.openLowBin = SKETCH_BINS;
    this.openHighBin = -1;
    const before = this.sketches[b];
    putPacked(this.sketches, b, before === undefined ? sparse : addSparseSorted(before, sparse));
  }

  /**
   * Bucket of a request outside the previous request's bucket: bucket b holds scheduled times in
   * [b × bucketUs, (b + 1) × bucketUs) (times before 0 go to bucket 0). Makes it the current one.
   */
  private enterBucket(scheduledUs: number): number {
    let b = bucketIndex(scheduledUs, this.bucketUs);
    if (b < 0) b = 0;
    else if (b >= MAX_SERIES_POINTS) b = this.coarsenFor(scheduledUs);
    if (b >= this.requests.length) this.grow(b + 1);
    if (b >= this.points) this.points = b + 1;
    this.closeBucket();
    this.openBucket = b;
    this.lastBucket = b;
    this.lastFromUs = b * this.bucketUs;
    this.lastToUs = (b + 1) * this.bucketUs;
    return b;
  }

  private coarsenFor(scheduledUs: number): number {
    let b = bucketIndex(scheduledUs, this.bucketUs);
    while (b >= MAX_SERIES_POINTS) {
      this.coarsen();
      b = bucketIndex(scheduledUs, this.bucketUs);
    }
    return b;
  }

  private grow(min: number): void {
    let size = this.requests.length;
    while (size < min) size *= 2;
    this.requests = resize(this.requests, size);
    this.errors = resize(this.errors, size);
    for (let i = 0; i < this.byVersion.length; i++) {
      const c = this.byVersion[i];
      if (c !== undefined) this.byVersion[i] = resize(c, size);
    }
  }

  /** Doubles the bucket size, adding pairs of buckets together. */
  private coarsen(): void {
    const half = (a: Float64Array): Float64Array => {
      const out = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) out[i >> 1]! += a[i]!;
      return out;
    };
    this.requests = half(this.requests);
    this.errors = half(this.errors);
    for (let i = 0; i < this.byVersion.length; i++) {
      const c = this.byVersion[i];
      if (c !== undefined) this.byVersion[i] = half(c);
    }
    this.closeBucket();
    const sketches = packedSlots<SparseSketch>();
    for (let i = 0; i < this.sketches.length; i++) {
      const s = this.sketches[i];
      if (s === undefined) continue;
      const into = sketches[i >> 1];
      putPacked(sketches, i >> 1, into === undefined ? s : mergeSparse([into, s]));
    }
    this.sketches = sketches;
    this.points = Math.ceil(this.points / 2);
    this.bucketUs *= 2;
    this.lastBucket = -1;
    this.lastFromUs = Infinity;
    this.lastToUs = -Infinity;
  }

  /** Plain data; `points` = buckets up to the last one with a request (at least `minPoints`). */
  toData(versions: readonly string[], minPoints = 0): SeriesAggregate {
    this.closeBucket();
    this.lastBucket = -1;
    this.lastFromUs = Infinity;
    this.lastToUs = -Infinity;
    const points = Math.max(this.points, Math.min(minPoints, MAX_SERIES_POINTS));
    if (points > this.requests.length) this.grow(points);
    const take = (a: Float64Array | undefined): number[] => (a === undefined ? new Array<number>(points).fill(0) : Array.from(a.subarray(0, points)));
    const byVersion: Record<string, number[]> = {};
    for (const [i, name] of sortedNames(versions)) byVersion[name] = take(this.byVersion[i]);
    const latency = [];
    for (let b = 0; b < points; b++) {
      const s = this.sketches[b];
      latency.push(s === undefined ? [] : s.slice());
    }
    return { bucketUs: this.bucketUs, requests: take(this.requests), errors: take(this.errors), byVersion, latency };
  }
}

/**
 * Sketch bin of every HDR counts index. HDR ranges are powers of two aligned on their size and at
 * most 1/1024 of their value wide, so each lies inside one sketch bin (1/32 wide): exact.
 */
let hdrBins: Uint16Array | undefined;

function hdrToSketchBin(): Uint16Array {
  if (hdrBins === undefined) {
    hdrBins = new Uint16Array(HDR_COUNTS_LENGTH);
    for (let i = 0; i < HDR_COUNTS_LENGTH; i++) hdrBins[i] = sketchBinOf(hdrValueFromIndex(i));
  }
  return hdrBins;
}

/**
 * floor(t / bucketUs), corrected so that t lies in [b × bucketUs, (b + 1) × bucketUs) exactly,
 * whatever the rounding of the division: the cached range in `addBinned` and this function must
 * agree, or a request's bucket would depend on the order requests arrive in.
 */
function bucketIndex(t: number, bucketUs: number): number {
  let b = Math.floor(t / bucketUs);
  if (b * bucketUs > t) b--;
  else if ((b + 1) * bucketUs <= t) b++;
  return b;
}

function resize(a: Float64Array, size: number): Float64Array {
  const out = new Float64Array(size);
  out.set(a.subarray(0, Math.min(a.length, size)));
  return out;
}
