import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { HDR_COUNTS_LENGTH, hdrHighestAt, hdrIndexOf, hdrValueFromIndex } from '../../src/measure/hdr-layout.js';
import { Histogram, mergeEncoded } from '../../src/measure/histogram.js';
import { mannWhitneyHistograms } from '../../src/measure/stats.js';

/** Deterministic spread of latencies from 0 µs to ~50 s (a xorshift, no Math.random). */
function values(n: number, seed = 1): number[] {
  let x = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.push(Math.floor(Math.exp((x / 2 ** 32) * 17.7)));
  }
  return out;
}

function libHistogram(vals: number[]) {
  const h = build({ useWebAssembly: false, bitBucketSize: 64, autoResize: false, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  for (const v of vals) h.recordValue(v);
  return h;
}

/** Counts up to the highest non-zero one (a histogram's array covers only what it recorded, rounded up). */
function countsOf(h: Histogram): number[] {
  const c = Array.from(h.counts);
  while (c.length > 0 && c[c.length - 1] === 0) c.pop();
  return c;
}

describe('hdr layout', () => {
  it('matches hdr-histogram-js index arithmetic', () => {
    const lib = libHistogram([]) as unknown as { countsArrayLength: number; countsArrayIndex(v: number): number; valueFromIndex(i: number): number; highestEquivalentValue(v: number): number };
    expect(HDR_COUNTS_LENGTH).toBe(lib.countsArrayLength);
    for (const v of [0, 1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 123_456, 3_599_999_999, 3_600_000_000, ...values(2000)]) {
      expect(hdrIndexOf(v)).toBe(lib.countsArrayIndex(v));
    }
    for (const i of [0, 1, 1023, 1024, 2047, 2048, 2049, 5000, 20_000, HDR_COUNTS_LENGTH - 1]) {
      expect(hdrValueFromIndex(i)).toBe(lib.valueFromIndex(i));
      expect(hdrHighestAt(i)).toBe(lib.highestEquivalentValue(lib.valueFromIndex(i)));
    }
  });
});

describe('Histogram', () => {
  it('gives the same percentiles, mean and max as hdr-histogram-js', () => {
    const vals = values(20_000);
    const mine = new Histogram();
    for (const v of vals) mine.record(v);
    const lib = libHistogram(vals);
    for (const p of [0, 1, 50, 90, 99, 99.9, 100]) expect(mine.percentile(p)).toBe(lib.getValueAtPercentile(p));
    expect(mine.mean).toBeCloseTo(lib.mean, 6);
    expect(mine.totalCount).toBe(20_000);
    expect(mine.max).toBe(lib.getValueAtPercentile(100));
  });

  it('encodes to an HdrHistogram the library decodes to the same counts', () => {
    const vals = values(5000, 7);
    const mine = new Histogram();
    for (const v of vals) mine.record(v);
    const decoded = decodeFromCompressedBase64(mine.encode(), 64, false);
    expect(decoded.totalCount).toBe(5000);
    for (const p of [50, 99, 99.9]) expect(decoded.getValueAtPercentile(p)).toBe(mine.percentile(p));
    const back = Histogram.decode(mine.encode());
    expect(countsOf(back)).toEqual(countsOf(mine));
  });

  it('merges losslessly: decode(a) + decode(b) has the counts of recording both', () => {
    const a = new Histogram();
    const b = new Histogram();
    const both = new Histogram();
    values(3000, 3).forEach((v) => (a.record(v), both.record(v)));
    values(4000, 4).forEach((v) => (b.record(v), both.record(v)));
    const merged = mergeEncoded([a.encode(), b.encode()]);
    expect(merged.totalCount).toBe(7000);
    expect(countsOf(merged)).toEqual(countsOf(both));
    expect(merged.percentile(99)).toBe(both.percentile(99));
  });

  it('encodes the bytes the library encodes, in any order of encodings, empty or not', () => {
    // The shared encoder keeps the previous counts: a smaller histogram after a larger one, an
    // empty one, and a histogram encoded again after more values must still match the library.
    const sets = [values(3000, 11), values(200, 12).map((v) => v % 3000), [], values(5000, 13), [7], []];
    for (const vals of sets) {
      const mine = new Histogram();
      for (const v of vals) mine.record(v);
      expect(mine.encode()).toBe(encodeIntoCompressedBase64(libHistogram(vals)));
    }
    const grown = new Histogram();
    grown.record(5);
    expect(grown.encode()).toBe(encodeIntoCompressedBase64(libHistogram([5])));
    grown.record(2_000_000);
    expect(grown.encode()).toBe(encodeIntoCompressedBase64(libHistogram([5, 2_000_000])));
    const added = new Histogram();
    added.add(grown);
    expect(added.encode()).toBe(grown.encode());
  });

  it('reuses released counts from zero: a histogram built on them encodes as a fresh one', () => {
    const used = new Histogram();
    for (const v of values(4000, 21)) used.record(v % 200_000);
    used.encode();
    used.release();
    expect(used.totalCount).toBe(0);
    const vals = values(300, 22).map((v) => v % 100_000);
    const next = new Histogram();
    for (const v of vals) next.record(v);
    expect(next.encode()).toBe(encodeIntoCompressedBase64(libHistogram(vals)));
    expect(next.totalCount).toBe(300);
  });

  it('compares histograms of different lengths (Mann-Whitney reads missing counts as zero)', () => {
    const short = new Histogram();
    const long = new Histogram();
    short.record(10);
    long.record(10);
    long.record(3_000_000);
    expect(short.counts.length).toBeLessThan(long.counts.length);
    const ab = mannWhitneyHistograms(short, long);
    const ba = mannWhitneyHistograms(long, short);
    expect(Number.isFinite(ab.z)).toBe(true);
    expect(ab.u).toBe(0.5);
    expect(ab.u + ba.u).toBe(2);
  });

  it('clamps values outside 0 µs … 1 h and counts them', () => {
    const h = new Histogram();
    h.record(-5);
    h.record(5_000_000_000);
    h.record(Number.NaN);
    h.record(10);
    expect(h.clamped).toBe(3);
    expect(h.totalCount).toBe(4);
    expect(h.max).toBeGreaterThanOrEqual(3_600_000_000);
    expect(h.percentile(0)).toBe(0);
  });

  it('truncates fractions of a µs and records counts in one call', () => {
    const h = new Histogram();
    h.recordCount(1500.9, 3);
    h.recordCount(10, 0);
    expect(h.totalCount).toBe(3);
    expect(h.percentile(50)).toBe(1500);
  });

  it('is empty-safe', () => {
    const h = new Histogram();
    expect(h.percentile(99)).toBe(0);
    expect(h.mean).toBe(0);
    expect(h.max).toBe(0);
    expect(Histogram.decode(h.encode()).totalCount).toBe(0);
  });
});
