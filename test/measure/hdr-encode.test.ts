import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { encodeHdrCounts } from '../../src/measure/hdr-encode.js';
import { HDR_COUNTS_LENGTH, HDR_DIGITS, HDR_HIGHEST_US, HDR_LOWEST_US } from '../../src/measure/hdr-layout.js';
import { createRng } from '../../src/sim/rng.js';

/** What hdr-histogram-js 3.0 writes for the same counts (its own histogram, its own encoder). */
function libraryEncoding(counts: Float64Array): string {
  const lib = build({ useWebAssembly: false, bitBucketSize: 64, autoResize: false, lowestDiscernibleValue: HDR_LOWEST_US, highestTrackableValue: HDR_HIGHEST_US, numberOfSignificantValueDigits: HDR_DIGITS }) as ReturnType<typeof build> & {
    setCountAtIndex(i: number, v: number): void;
    establishInternalTackingValues(n?: number): void;
  };
  for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) lib.setCountAtIndex(i, counts[i]!);
  lib.establishInternalTackingValues();
  return encodeIntoCompressedBase64(lib);
}

function highOf(counts: Float64Array): number {
  for (let i = counts.length - 1; i >= 0; i--) if (counts[i] !== 0) return i;
  return -1;
}

describe('encodeHdrCounts: the V2 compressed bytes hdr-histogram-js writes (JsHistogram.encoding.js doEncodeIntoCompressedBase64)', () => {
  it('an empty histogram, one count, and counts at both ends of the layout', () => {
    const shapes: Array<Array<[number, number]>> = [[], [[0, 1]], [[1, 1]], [[HDR_COUNTS_LENGTH - 1, 3]], [[0, 2], [HDR_COUNTS_LENGTH - 1, 1]], [[5000, 1], [5001, 1], [5003, 1]]];
    for (const shape of shapes) {
      const counts = new Float64Array(HDR_COUNTS_LENGTH);
      for (const [i, c] of shape) counts[i] = c;
      expect(encodeHdrCounts(counts, highOf(counts)), JSON.stringify(shape)).toBe(libraryEncoding(counts));
    }
  });

  it('counts that take every LEB128 length, up to 2^53, and zero runs of every length', () => {
    const counts = new Float64Array(HDR_COUNTS_LENGTH);
    const values = [1, 63, 64, 127, 128, 8191, 8192, 2 ** 20, 2 ** 27, 2 ** 34, 2 ** 41, 2 ** 48, 2 ** 52, Number.MAX_SAFE_INTEGER];
    let at = 0;
    for (let k = 0; k < values.length; k++) {
      counts[at] = values[k]!;
      at += 1 + k * 37; // a zero run of k × 37 (none, 37, 74, …) after each count
    }
    expect(encodeHdrCounts(counts, highOf(counts))).toBe(libraryEncoding(counts));
  });

  it('random histograms of latencies: the same string as the library, for shorter count arrays too', () => {
    const rng = createRng('hdr-encode');
    for (let t = 0; t < 60; t++) {
      const counts = new Float64Array(HDR_COUNTS_LENGTH);
      const n = 1 + rng.int(2000);
      const spread = 1 + rng.int(HDR_COUNTS_LENGTH - 1);
      for (let k = 0; k < n; k++) counts[rng.int(spread)]! += 1 + (rng.next() < 0.1 ? rng.int(1e6) : 0);
      const high = highOf(counts);
      const expected = libraryEncoding(counts);
      expect(encodeHdrCounts(counts, high)).toBe(expected);
      // Our histograms hold only the indices they use: a shorter array encodes the same.
      expect(encodeHdrCounts(counts.slice(0, high + 1), high)).toBe(expected);
    }
  });

  it('refuses a count it cannot encode exactly', () => {
    const counts = new Float64Array(16);
    counts[3] = -1;
    expect(() => encodeHdrCounts(counts, 3)).toThrow(/count of -1 at index 3/);
    counts[3] = 2 ** 54;
    expect(() => encodeHdrCounts(counts, 3)).toThrow(RangeError);
  });
});
