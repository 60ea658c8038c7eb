import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { DeferredEncoding } from './deferred-encoding.js';
import { encodeHdrCounts, hdrPayload, hdrPayloadSparse } from './hdr-encode.js';
import {
  HDR_COUNTS_LENGTH,
  HDR_DIGITS,
  HDR_HIGHEST_US,
  HDR_LOWEST_US,
  hdrHighestAt,
  hdrIndexOf,
  hdrMedianAt,
  hdrValueFromIndex,
  ulp,
} from './hdr-layout.js';

/** An HdrHistogram as compressed base64 (the V2 compressed encoding every HdrHistogram port reads). */
export type EncodedHistogram = string;

/** What hdr-histogram-js's JsHistogram offers beyond the `Histogram` interface (public methods of its class). */
interface CountsView {
  countsArrayLength: number;
  subBucketHalfCount: number;
  unitMagnitude: number;
  getCountAtIndex(index: number): number;
  setCountAtIndex(index: number, value: number): void;
  valueFromIndex(index: number): number;
  establishInternalTackingValues(lengthToCover?: number): void;
  reset(): void;
}

/**
 * First counts length of a histogram that records anything: 8 HDR half-buckets of 1024 indices,
 * values up to 2048 × 2^7 µs ≈ 262 ms, which holds most simulated latencies in one allocation.
 */
const FIRST_COUNTS_LENGTH = 8 * 1024;

/**
 * Counts arrays of `FIRST_COUNTS_LENGTH` given back by histograms nobody reads any more
 * (`release`), zeroed, for the next histograms to start from: a trial with 50 clients fills a few
 * hundred, and fresh 64 KB arrays cost page faults and external-memory garbage collections.
 * Bounded: at most `SPARE_KEEP` are kept (4 MB).
 */
const spareCounts: Float64Array[] = [];
const SPARE_KEEP = 64;

/**
 * Most values a histogram keeps as a list of indices before it turns into dense counts: a list
 * of this many is still a fraction of the 64 KB first counts array.
 */
const LIST_CAP = 2048;

/**
 * First room of a list (64 bytes: V8 keeps a typed array this small on the heap; larger ones get
 * a buffer outside it, which the young-generation collector does not copy).
 */
const FIRST_LIST_LENGTH = 16;

/** The dense counts and non-zero bits a listed histogram is encoded from (all zero between uses; `listedPayload`). */
let listedCounts: Float64Array | undefined;
let listedBits: Uint32Array | undefined;

/** A number that is not a small integer (see the Histogram constructor). */
const DOUBLE_FIELD = 0.5;

/** The encoding of an empty histogram (the same bytes every time; computed once). */
let emptyEncoding: EncodedHistogram | undefined;

/**
 * A latency histogram in µs with the HdrHistogram layout of product.md §3.3 (1 µs … 1 h,
 * 3 significant digits). Recording is a few integer operations on a Float64Array (see
 * `hdr-layout.ts` for why not the library's `recordValue`); encoding writes the library's V2
 * compressed bytes straight from the counts (`hdr-encode.ts`), decoding goes through
 * hdr-histogram-js with `useWebAssembly: false`, so nothing is initialised at import time.
 *
 * Values outside [0, 1 h] are clamped to the nearest bound and counted in `clamped`.
 * Fractions of a µs are truncated, as HdrHistogram does.
 */
export class Histogram {
  /**
   * Counts by HDR index, covering at least the highest index recorded: empty until the first
   * value (a trial with many clients holds hundreds of histograms, many never used), then
   * `FIRST_COUNTS_LENGTH`, doubled up to the full 1 h layout when larger values arrive. Most
   * histograms never need the full 188 KB, and every scan (percentiles, merge, encode) stays short.
   */
  private dense: Float64Array = new Float64Array(0);
  /**
   * While the histogram holds at most `LIST_CAP` values and was never read as counts: the indices
   * recorded, in recording order, instead of `dense` (null otherwise). A trial with 50 clients
   * fills a few hundred histograms of a few hundred values each (per client, phase and version);
   * as dense counts each was a 64 KB array to zero, fill at random and scan, and together they no
   * longer fit in the CPU's caches. Listed, each is a few KB, and it is encoded from its indices
   * counted into one shared array (`listedPayload`).
   */
  private listed: Int32Array | null = null;
  /** How many entries of `listed` are values (the rest is room to grow). */
  private listedLength = 0;
  /**
   * How many values the caller expects at most (`expect`): the first list is made that long (up to
   * the cap) instead of growing several times (each growth a new buffer outside the heap).
   */
  private expected = FIRST_LIST_LENGTH;
  totalCount = 0;
  /** Values that were below 0 or above 1 h and were clamped. */
  clamped = 0;
  /**
   * The last `encode` and the total it was made at: counts only ever grow, so an unchanged total
   * means unchanged counts (a histogram shared by a phase and a window is encoded once).
   */
  private encoded: EncodedHistogram | undefined;
  private encodedAtTotal = -1;
  /** The last `encodeDeferred` and the total it was made at (as `encoded`). */
  private deferred: DeferredEncoding | undefined;
  private deferredAtTotal = -1;

  constructor() {
    // The counters start as floating-point fields (V8 field representation "double"): totals often
    // come from Float64Array sums (ofCounts, add), and storing one into a field that started as a
    // small integer changes the object's hidden class. With 50 clients' histograms that sent `add`
    // into a deoptimise/reoptimise loop (~900 deopts in 3 trials, --trace-deopt).
    this.totalCount = DOUBLE_FIELD;
    this.clamped = DOUBLE_FIELD;
    this.encodedAtTotal = DOUBLE_FIELD;
    this.deferredAtTotal = DOUBLE_FIELD;
    this.totalCount = 0;
    this.clamped = 0;
    this.encodedAtTotal = -1;
    this.deferredAtTotal = -1;
  }

  /** Records one value (µs). The hot path: one index computation and two increments. */
  record(valueUs: number): void {
    let v = valueUs;
    if (!(v >= 0 && v <= HDR_HIGHEST_US)) v = this.clamp(v);
    this.recordIndex(hdrIndexOf(v));
  }

  /**
   * Counts by HDR index, covering at least the highest index recorded (a listed histogram becomes
   * dense when read this way).
   */
  get counts(): Float64Array {
    this.densify();
    return this.dense;
  }

  /** Moves listed indices into dense counts (from then on the histogram stays dense). */
  private densify(): void {
    const l = this.listed;
    if (l === null) return;
    const n = this.listedLength;
    this.listed = null;
    this.listedLength = 0;
    let max = 0;
    for (let k = 0; k < n; k++) if (l[k]! > max) max = l[k]!;
    if (max >= this.dense.length) this.cover(max);
    const d = this.dense;
    for (let k = 0; k < n; k++) d[l[k]!]! += 1;
  }

  /**
   * The uncompressed encoding of a listed histogram: its indices counted into one shared array
   * (with a bit per non-zero index), which stays in the CPU's caches from one histogram to the
   * next and is zeroed again after.
   */
  private listedPayload(): Uint8Array {
    const l = this.listed!;
    const n = this.listedLength;
    const c = (listedCounts ??= new Float64Array(HDR_COUNTS_LENGTH));
    const bits = (listedBits ??= new Uint32Array((HDR_COUNTS_LENGTH >>> 5) + 1));
    let low = l[0]!;
    let high = low;
    for (let k = 0; k < n; k++) {
      const i = l[k]!;
      c[i]! += 1;
      bits[i >>> 5]! |= 1 << (i & 31);
      if (i < low) low = i;
      if (i > high) high = i;
    }
    const payload = hdrPayloadSparse(c, bits, low, high);
    for (let k = 0; k < n; k++) {
      const i = l[k]!;
      c[i] = 0;
      bits[i >>> 5] = 0;
    }
    return payload;
  }

  /** At most `values` values are coming (a hint for the first list's size; any number may come). */
  expect(values: number): void {
    this.expected = Math.min(Math.max(values, FIRST_LIST_LENGTH), LIST_CAP);
  }

  /** Room in `listed` for at least `length` values (up to the cap); returns the new list. */
  private growListed(length: number): Int32Array {
    // Eightfold: a list's buffer outside the heap costs more to make than its size to fill, and a
    // list lives only while its trial finishes.
    let size = Math.max(FIRST_LIST_LENGTH, this.listed?.length ?? 0);
    while (size < length) size *= 8;
    const bigger = new Int32Array(Math.min(size, LIST_CAP));
    if (this.listed !== null) bigger.set(this.listed.subarray(0, this.listedLength));
    this.listed = bigger;
    return bigger;
  }

  /** Makes the counts cover `index` (at least doubling, so a histogram grows twice at most). */
  private cover(index: number): void {
    if (this.dense.length === 0 && index < FIRST_COUNTS_LENGTH && spareCounts.length > 0) {
      this.dense = spareCounts.pop()!;
      return;
    }
    let length = Math.max(FIRST_COUNTS_LENGTH, this.dense.length);
    while (length <= index) length *= 2;
    const bigger = new Float64Array(Math.max(Math.min(length, HDR_COUNTS_LENGTH), index + 1));
    bigger.set(this.dense);
    this.dense = bigger;
  }

  /**
   * Gives the counts array back for other histograms to reuse and leaves this one empty. Call only
   * when nothing reads this histogram again (its encoding, already made, stays valid as a string).
   */
  release(): void {
    const c = this.dense;
    this.dense = new Float64Array(0);
    this.listed = null;
    this.listedLength = 0;
    this.totalCount = 0;
    this.clamped = 0;
    this.encoded = undefined;
    this.encodedAtTotal = -1;
    this.deferred = undefined;
    this.deferredAtTotal = -1;
    if (c.length !== FIRST_COUNTS_LENGTH || spareCounts.length >= SPARE_KEEP) return;
    c.fill(0);
    spareCounts.push(c);
  }

  /** Lowest non-empty index (−1 when empty); reads scan the counts instead of tracking it per record. */
  private get lowIndex(): number {
    if (this.totalCount === 0) return -1;
    const l = this.listed;
    if (l !== null) {
      let min = l[0]!;
      for (let k = 1; k < this.listedLength; k++) if (l[k]! < min) min = l[k]!;
      return min;
    }
    const c = this.dense;
    for (let i = 0; i < c.length; i++) if (c[i] !== 0) return i;
    return -1;
  }

  /** Highest non-empty index (−1 when empty). */
  private get highIndex(): number {
    if (this.totalCount === 0) return -1;
    const l = this.listed;
    if (l !== null) {
      let max = l[0]!;
      for (let k = 1; k < this.listedLength; k++) if (l[k]! > max) max = l[k]!;
      return max;
    }
    const c = this.dense;
    for (let i = c.length - 1; i >= 0; i--) if (c[i] !== 0) return i;
    return -1;
  }

  /**
   * A histogram over counts a caller gathered by `latencyIndex` (an array long enough for every
   * index it holds, at most `HDR_COUNTS_LENGTH`), so a pass over many rows can increment a local
   * array instead of calling `recordIndex` per row.
   */
  static ofCounts(counts: Float64Array): Histogram {
    const h = new Histogram();
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i]!;
    h.dense = counts;
    h.totalCount = total;
    return h;
  }

  /** Adds one value already turned into a counts index by `latencyIndex` (the hot path of the accumulator). */
  recordIndex(index: number): void {
    const l = this.listed;
    if (l !== null) {
      const n = this.listedLength;
      if (n < LIST_CAP) {
        (n < l.length ? l : this.growListed(n + 1))[n] = index;
        this.listedLength = n + 1;
        this.totalCount += 1;
        return;
      }
      this.densify();
    } else if (this.totalCount === 0 && this.dense.length === 0) {
      const first = new Int32Array(this.expected);
      first[0] = index;
      this.listed = first;
      this.listedLength = 1;
      this.totalCount += 1;
      return;
    }
    if (index >= this.dense.length) this.cover(index);
    this.dense[index]! += 1;
    this.totalCount += 1;
  }

  /** Records `count` occurrences of a value (µs). */
  recordCount(valueUs: number, count: number): void {
    if (count <= 0) return;
    let v = valueUs;
    if (!(v >= 0 && v <= HDR_HIGHEST_US)) {
      v = this.clamp(v);
      this.clamped += count - 1;
    }
    const i = hdrIndexOf(v);
    this.densify();
    if (i >= this.dense.length) this.cover(i);
    this.dense[i]! += count;
    this.totalCount += count;
  }

  private clamp(v: number): number {
    this.clamped += 1;
    return v > HDR_HIGHEST_US ? HDR_HIGHEST_US : 0;
  }

  /** Adds every count of `other` (lossless: same layout). */
  add(other: Histogram): void {
    if (other.totalCount === 0) return;
    const from = other.listed;
    if (from !== null) {
      const m = other.listedLength;
      // Listed into listed (or empty) stays listed while the two fit under the cap.
      const empty = this.listed === null && this.totalCount === 0 && this.dense.length === 0;
      const n = this.listedLength;
      if ((this.listed !== null || empty) && n + m <= LIST_CAP) {
        const to = this.listed !== null && n + m <= this.listed.length ? this.listed : this.growListed(n + m);
        to.set(from.subarray(0, m), n);
        this.listedLength = n + m;
      } else {
        this.densify();
        for (let k = 0; k < m; k++) {
          const i = from[k]!;
          if (i >= this.dense.length) this.cover(i);
          this.dense[i]! += 1;
        }
      }
    } else {
      this.densify();
      const src = other.dense;
      if (src.length > this.dense.length) this.cover(src.length - 1);
      const dst = this.dense;
      for (let i = 0; i < src.length; i++) dst[i]! += src[i]!;
    }
    this.totalCount += other.totalCount;
    this.clamped += other.clamped;
  }

  /**
   * Value (µs) at a percentile in [0, 100], with HdrHistogram's semantics
   * (mirrors hdr-histogram-js `JsHistogram.getValueAtPercentile`): the highest value equivalent to
   * the first recorded value at or above the requested rank. 0 for an empty histogram.
   */
  percentile(p: number): number {
    if (this.totalCount === 0) return 0;
    const requested = Math.min(p, 100);
    const fp = (requested / 100) * this.totalCount;
    const rank = fp > 0 ? Math.max(Math.ceil(fp - ulp(fp)), 1) : 1;
    let seen = 0;
    const c = this.counts;
    for (let i = 0; i < c.length; i++) {
      seen += c[i]!;
      if (seen >= rank) return p === 0 ? hdrValueFromIndex(i) : hdrHighestAt(i);
    }
    return hdrHighestAt(this.highIndex);
  }

  /** Highest recorded value (µs), as the highest value equivalent to the top non-empty bucket. */
  get max(): number {
    return this.totalCount === 0 ? 0 : hdrHighestAt(this.highIndex);
  }

  /** Lowest recorded value (µs), as the lowest value of the bottom non-empty bucket. */
  get min(): number {
    return this.totalCount === 0 ? 0 : hdrValueFromIndex(this.lowIndex);
  }

  /** Mean (µs) over bucket medians (mirrors `JsHistogram.mean`). 0 for an empty histogram. */
  get mean(): number {
    if (this.totalCount === 0) return 0;
    let sum = 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c !== 0) sum += hdrMedianAt(i) * c;
    }
    return sum / this.totalCount;
  }

  /** Calls `fn(lowestValueUs, count)` for every non-empty bucket, in increasing value order. */
  forEachBucket(fn: (valueUs: number, count: number, highestUs: number) => void): void {
    if (this.totalCount === 0) return;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c !== 0) fn(hdrValueFromIndex(i), c, hdrHighestAt(i));
    }
  }

  /**
   * HdrHistogram V2 compressed base64 of the counts, written straight from them (hdr-encode.ts: the
   * bytes hdr-histogram-js writes) and compressed now (`encodeDeferred` leaves that for later).
   */
  encode(): EncodedHistogram {
    if (this.encoded !== undefined && this.encodedAtTotal === this.totalCount) return this.encoded;
    const encoded = this.encodeDeferred().value;
    this.encoded = encoded;
    this.encodedAtTotal = this.totalCount;
    return encoded;
  }

  /**
   * The encoding as `encode` gives it, with the compression left until its text is first read
   * (deferred-encoding.ts): the uncompressed bytes are copied now, so this histogram may change or
   * be released afterwards. Shared like `encode`: unchanged counts give the same object.
   */
  encodeDeferred(): DeferredEncoding {
    if (this.encoded !== undefined && this.encodedAtTotal === this.totalCount) return DeferredEncoding.ofText(this.encoded);
    if (this.deferred !== undefined && this.deferredAtTotal === this.totalCount) return this.deferred;
    const d =
      this.totalCount === 0
        ? DeferredEncoding.ofText((emptyEncoding ??= encodeHdrCounts(new Float64Array(0), -1)))
        : DeferredEncoding.ofPayload(this.listed !== null ? this.listedPayload() : hdrPayload(this.dense, this.highIndex));
    this.deferred = d;
    this.deferredAtTotal = this.totalCount;
    return d;
  }

  /**
   * Decodes an HdrHistogram compressed base64 string. Histograms written with another layout
   * are re-recorded value by value (each bucket at its lowest value).
   * @throws Error when the text is not an HdrHistogram encoding (callers wrap it with the file name).
   */
  static decode(encoded: EncodedHistogram): Histogram {
    const h = new Histogram();
    if (encoded === '') return h;
    const lib = decodeFromCompressedBase64(encoded, 64, false) as unknown as CountsView;
    const sameLayout = lib.subBucketHalfCount === 1024 && lib.unitMagnitude === 0 && lib.countsArrayLength <= HDR_COUNTS_LENGTH;
    for (let i = 0; i < lib.countsArrayLength; i++) {
      const c = lib.getCountAtIndex(i);
      if (c <= 0) continue;
      if (sameLayout) {
        if (i >= h.dense.length) h.cover(i);
        h.dense[i]! += c;
        h.totalCount += c;
      } else {
        h.recordCount(lib.valueFromIndex(i), c);
      }
    }
    return h;
  }
}

/**
 * Counts index of a latency (µs) for `Histogram.recordIndex`: values outside 0 … 1 h are clamped
 * (the accumulator computes the index once per request and uses it for several histograms).
 */
export function latencyIndex(valueUs: number): number {
  return hdrIndexOf(valueUs >= 0 ? (valueUs <= HDR_HIGHEST_US ? valueUs : HDR_HIGHEST_US) : 0);
}

/** Decodes and adds several encoded histograms into one (lossless merge). */
export function mergeEncoded(encoded: readonly EncodedHistogram[]): Histogram {
  const out = new Histogram();
  for (const e of encoded) out.add(Histogram.decode(e));
  return out;
}
