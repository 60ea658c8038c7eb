import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../src/sim/engine/event-queue.js';
import { createRng } from '../../../src/sim/rng.js';

describe('EventQueue', () => {
  it('pops in time order, ties in insertion order', () => {
    const q = new EventQueue<string>(2);
    q.push(30, 'c');
    q.push(10, 'a1');
    q.push(20, 'b');
    q.push(10, 'a2');
    q.push(10, 'a3');
    const out: string[] = [];
    while (q.length > 0) out.push(q.pop() as string);
    expect(out).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
  });

  it('matches a sorted reference on random input', () => {
    const rng = createRng(7);
    const q = new EventQueue<number>();
    const ref: Array<[number, number]> = [];
    let popped: number[] = [];
    let expected: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t = rng.int(200);
      q.push(t, i);
      ref.push([t, i]);
      if (rng.next() < 0.3) {
        ref.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expected.push((ref.shift() as [number, number])[1]);
        popped.push(q.pop() as number);
      }
    }
    ref.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expected = expected.concat(ref.map((r) => r[1]));
    while (q.length > 0) popped.push(q.pop() as number);
    expect(popped).toEqual(expected);
  });

  it('reports the time of the last popped event', () => {
    const q = new EventQueue<string>();
    q.push(5, 'x');
    expect(q.peekTimeUs()).toBe(5);
    q.pop();
    expect(q.lastTimeUs).toBe(5);
    expect(q.peekTimeUs()).toBe(Infinity);
  });
});

describe('rng', () => {
  it('is deterministic per seed and label and differs across seeds', () => {
    const a = createRng(1);
    const b = createRng(1);
    const c = createRng(2);
    const sa = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.u32())).not.toEqual(sa);
    const f1 = createRng(1).fork('lb');
    const f2 = createRng(1).fork('lb');
    const f3 = createRng(1).fork('service');
    expect(f1.next()).toBe(f2.next());
    expect(f3.next()).not.toBe(createRng(1).fork('lb').next());
  });

  it('is roughly uniform', () => {
    const r = createRng('u');
    const bins = new Array(10).fill(0) as number[];
    for (let i = 0; i < 100000; i++) bins[r.int(10)]!++;
    for (const b of bins) expect(Math.abs(b - 10000)).toBeLessThan(500);
  });
});
