import { describe, expect, it } from 'vitest';
import { MAX_SERIES_POINTS, SeriesBuilder } from '../../src/measure/series-builder.js';
import { SKETCH_BINS, addSparseSorted, sketchBinOf, toSparse } from '../../src/measure/sketch.js';

/** Deterministic request times and latencies (a xorshift, no Math.random). */
function requests(n: number, spanUs: number, seed = 3): Array<{ atUs: number; latencyUs: number; ok: boolean }> {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  return Array.from({ length: n }, () => ({ atUs: Math.floor(next() * spanUs), latencyUs: Math.floor(Math.exp(next() * 14)), ok: next() > 0.1 }));
}

/** The series' latency sketches computed the plain way: one dense array per bucket. */
function referenceSketches(reqs: ReturnType<typeof requests>, bucketUs: number, points: number): number[][] {
  const dense = Array.from({ length: points }, () => new Float64Array(SKETCH_BINS));
  for (const r of reqs) dense[Math.min(Math.floor(r.atUs / bucketUs), points - 1)]![sketchBinOf(r.latencyUs)]! += 1;
  return dense.map((d) => toSparse(d));
}

describe('SeriesBuilder latency sketches', () => {
  it('are the per-bucket sketches whatever the order requests arrive in', () => {
    const reqs = requests(5000, 60e6);
    const inOrder = [...reqs].sort((a, b) => a.atUs - b.atUs);
    for (const list of [reqs, inOrder]) {
      const s = new SeriesBuilder(1e6);
      for (const r of list) s.add(r.atUs, r.latencyUs, r.ok, r.ok ? 0 : -1);
      const data = s.toData(['v1'], 60);
      expect(data.latency).toEqual(referenceSketches(reqs, 1e6, 60));
      expect(data.requests.reduce((a, b) => a + b, 0)).toBe(5000);
    }
  });

  it('merges neighbouring sketches exactly when the buckets double', () => {
    const reqs = requests(3000, (MAX_SERIES_POINTS * 4 - 1) * 1e6, 5);
    const s = new SeriesBuilder(1e6);
    for (const r of reqs) s.add(r.atUs, r.latencyUs, r.ok, 0);
    const data = s.toData(['v1']);
    expect(data.bucketUs).toBe(4e6);
    expect(data.latency).toEqual(referenceSketches(reqs, 4e6, data.latency.length));
  });

  it('adds sparse sketches bin by bin', () => {
    expect(addSparseSorted([1, 2, 5, 1], [0, 1, 5, 3, 9, 1])).toEqual([0, 1, 1, 2, 5, 4, 9, 1]);
    expect(addSparseSorted([], [3, 1])).toEqual([3, 1]);
  });
});
