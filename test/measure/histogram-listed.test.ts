/**
 * A histogram keeps up to a few thousand values as a list of indices before it turns into dense
 * counts (histogram.ts `listed`). Nothing may tell the two apart: every reading, every encoding and
 * every merge must give what dense counts of the same values give.
 */
import { describe, expect, it } from 'vitest';
import { hdrPayload, hdrPayloadSparse } from '../../src/measure/hdr-encode.js';
import { HDR_COUNTS_LENGTH } from '../../src/measure/hdr-layout.js';
import { Histogram } from '../../src/measure/histogram.js';
import { mannWhitneyHistograms } from '../../src/measure/stats.js';
import { createRng } from '../../src/sim/rng.js';

/** Latencies from 1 µs to ~1 h, spread over the whole layout, with repeats. */
function latencies(seed: string, n: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => (rng.next() < 0.1 ? 4_000 : Math.floor(Math.exp(rng.next() * 22))));
}

/** The same values recorded, then forced dense (reading `counts` turns a listed histogram dense). */
function dense(vals: readonly number[]): Histogram {
  const h = new Histogram();
  void h.counts;
  for (const v of vals) h.record(v);
  void h.counts;
  return h;
}

function listed(vals: readonly number[]): Histogram {
  const h = new Histogram();
  for (const v of vals) h.record(v);
  return h;
}

/** Everything a histogram answers, read in an order that leaves the listed one listed until the end. */
function readings(h: Histogram): unknown[] {
  const deferred = h.encodeDeferred();
  return [h.totalCount, h.clamped, h.encode(), deferred.value, h.min, h.max, h.percentile(50), h.percentile(99), h.percentile(100), h.mean, Array.from(h.counts)];
}

describe('a listed histogram reads as dense counts of the same values', () => {
  it('for sizes around the list cap (2048), including clamped values', () => {
    for (const n of [1, 2, 3, 40, 700, 2047, 2048, 2049, 5000]) {
      const vals = [...latencies(`n${n}`, n), ...(n > 3 ? [-5, 7_200_000_000] : [])];
      expect(readings(listed(vals)), `n=${n}`).toEqual(readings(dense(vals)));
    }
  });

  it('values at both ends of the layout, and neighbours (zero runs of 0, 1 and 2)', () => {
    const vals = [0, 1, 3, 6, 6, 3_600_000_000, 3_599_000_000, 1023, 1024, 1026];
    expect(readings(listed(vals))).toEqual(readings(dense(vals)));
  });

  it('merges: listed into listed (under and over the cap), listed into dense, dense into listed, into empty', () => {
    const shapes: Array<[number, number]> = [[300, 400], [1500, 1000], [10, 4000], [4000, 10], [0, 50], [50, 0]];
    for (const [na, nb] of shapes) {
      const a = latencies(`a${na}`, na);
      const b = latencies(`b${nb}`, nb);
      const want = readings(dense([...a, ...b]));
      for (const [ma, mb] of [[listed, listed], [listed, dense], [dense, listed]] as const) {
        const x = ma(a);
        x.add(mb(b));
        expect(readings(x), `${na}+${nb} ${ma.name}+${mb.name}`).toEqual(want);
      }
    }
  });

  it('Mann-Whitney over a listed and a dense histogram gives what two dense ones give', () => {
    const a = latencies('mw-a', 800);
    const b = latencies('mw-b', 900);
    expect(mannWhitneyHistograms(listed(a), listed(b))).toEqual(mannWhitneyHistograms(dense(a), dense(b)));
  });

  it('a released histogram starts listed again and encodes as a fresh one', () => {
    const h = listed(latencies('r1', 3000));
    h.encode();
    h.release();
    const vals = latencies('r2', 100);
    for (const v of vals) h.record(v);
    expect(readings(h)).toEqual(readings(dense(vals)));
  });
});

describe('hdrPayloadSparse: the payload from the non-zero indices (a bit each)', () => {
  it('is hdrPayload of the same counts, for random sparse counts anywhere in the layout', () => {
    const rng = createRng('sparse-payload');
    for (let t = 0; t < 200; t++) {
      const counts = new Float64Array(HDR_COUNTS_LENGTH);
      const bits = new Uint32Array((HDR_COUNTS_LENGTH >>> 5) + 1);
      const n = 1 + rng.int(t < 100 ? 8 : 2000);
      const from = rng.int(HDR_COUNTS_LENGTH);
      const span = 1 + rng.int(HDR_COUNTS_LENGTH - from);
      let low = Infinity;
      let high = -1;
      for (let k = 0; k < n; k++) {
        const i = from + rng.int(span);
        counts[i]! += 1 + (rng.next() < 0.05 ? rng.int(1e9) : 0);
        bits[i >>> 5]! |= 1 << (i & 31);
        low = Math.min(low, i);
        high = Math.max(high, i);
      }
      expect(hdrPayloadSparse(counts, bits, low, high), `case ${t}`).toEqual(hdrPayload(counts, high));
    }
  });
});
