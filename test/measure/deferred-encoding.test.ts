import { describe, expect, it } from 'vitest';
import { DeferredEncoding, copyDeferred, setEncoded } from '../../src/measure/deferred-encoding.js';
import { Histogram } from '../../src/measure/histogram.js';
import { createRng } from '../../src/sim/rng.js';

function latencies(seed: string, n: number): Histogram {
  const rng = createRng(seed);
  const h = new Histogram();
  for (let i = 0; i < n; i++) h.record(1000 + Math.floor(rng.next() * rng.next() * 5_000_000));
  return h;
}

describe('DeferredEncoding: the compression of an encoding left until its text is read', () => {
  it('gives the text encode() gives, for empty, small and wide histograms', () => {
    for (const [seed, n] of [['a', 0], ['b', 1], ['c', 300], ['d', 20_000]] as const) {
      const h = latencies(seed, n);
      expect(h.encodeDeferred().value).toBe(latencies(seed, n).encode());
    }
  });

  it('took its bytes when made: the histogram may change or be released afterwards', () => {
    const h = latencies('e', 500);
    const expected = latencies('e', 500).encode();
    const deferred = h.encodeDeferred();
    h.record(7);
    const changed = h.encode();
    h.release();
    expect(deferred.value).toBe(expected);
    expect(changed).not.toBe(expected);
  });

  it('is shared while the counts do not change, and made anew when they do', () => {
    const h = latencies('f', 50);
    const first = h.encodeDeferred();
    expect(h.encodeDeferred()).toBe(first);
    h.record(123);
    expect(h.encodeDeferred()).not.toBe(first);
  });
});

describe('setEncoded: a property compressed when first read', () => {
  it('reads as the text through every way results are read: property, spread, JSON, structured clone', () => {
    const enc = latencies('g', 200).encode();
    const make = () => {
      const o: Record<string, unknown> = { before: 1, latency: '', after: 2 };
      setEncoded(o, 'latency', latencies('g', 200).encodeDeferred());
      return o;
    };
    expect(make()['latency']).toBe(enc);
    expect({ ...make() }['latency']).toBe(enc);
    // The property keeps its place among the keys (JSON output order).
    expect(JSON.stringify(make())).toBe(JSON.stringify({ before: 1, latency: enc, after: 2 }));
    expect(structuredClone(make())).toEqual({ before: 1, latency: enc, after: 2 });
  });

  it('becomes a plain string property once read, and takes assignments', () => {
    const o: Record<string, unknown> = {};
    setEncoded(o, 'x', latencies('h', 10).encodeDeferred());
    expect(Object.getOwnPropertyDescriptor(o, 'x')!.get).toBeTypeOf('function');
    const text = o['x'];
    expect(Object.getOwnPropertyDescriptor(o, 'x')).toEqual({ value: text, writable: true, enumerable: true, configurable: true });
    const p: Record<string, unknown> = {};
    setEncoded(p, 'y', latencies('h', 10).encodeDeferred());
    p['y'] = 'replaced';
    expect(p['y']).toBe('replaced');
  });

  it('an encoding already made is set as a plain property', () => {
    const o: Record<string, unknown> = {};
    setEncoded(o, 'z', DeferredEncoding.ofText('abc'));
    expect(Object.getOwnPropertyDescriptor(o, 'z')).toEqual({ value: 'abc', writable: true, enumerable: true, configurable: true });
  });

  it('copyDeferred keeps the encoding deferred in the copy, and each object settles on its own', () => {
    const enc = latencies('k', 300).encode();
    const original: Record<string, unknown> = { latency: '', versions: { v1: 3 } };
    setEncoded(original, 'latency', latencies('k', 300).encodeDeferred());
    const copy = copyDeferred(original, { versions: {} });
    expect(Object.getOwnPropertyDescriptor(copy, 'latency')!.get).toBeTypeOf('function');
    expect(copy['versions']).toEqual({});
    expect(copy['latency']).toBe(enc);
    // Reading the copy settled the copy, not the original (still deferred).
    expect(Object.getOwnPropertyDescriptor(copy, 'latency')).toEqual({ value: enc, writable: true, enumerable: true, configurable: true });
    expect(Object.getOwnPropertyDescriptor(original, 'latency')!.get).toBeTypeOf('function');
    // An assignment to one leaves the other as it was.
    const second = copyDeferred(original, {});
    second['latency'] = 'changed';
    expect(original['latency']).toBe(enc);
    expect(second['latency']).toBe('changed');
  });
});
