import { describe, expect, it } from 'vitest';
import { OrderedRows } from '../../src/measure/ordered-rows.js';

describe('OrderedRows', () => {
  it('hands rows on in seq order, only once every earlier one came and completed before now', () => {
    const rows = new OrderedRows(16);
    const out: number[] = [];
    const sink = (s: number) => void out.push(s);
    // 3000 requests completing out of order (each overtaken by up to 40 later ones): the buffer grows past 16.
    const local = Array.from({ length: 3000 }, (_, i) => i);
    for (let i = 0; i < local.length; i += 40) local.splice(i, 40, ...local.slice(i, i + 40).reverse());
    let nowUs = 0;
    for (const seq of local) {
      rows.put(seq, seq * 10, seq * 10, seq * 10 + 5, 200, 0, -1, 0);
      nowUs = Math.max(nowUs, seq * 10 + 5);
      rows.releaseBefore(nowUs, sink);
    }
    expect(out).toEqual(out.slice().sort((a, b) => a - b));
    expect(out.length).toBeLessThan(3000);
    rows.releasePrefix(sink);
    expect(out).toEqual(Array.from({ length: 3000 }, (_, i) => i * 10));
    // Held at most: one block of 40 waiting for its first request, and the previous block's last row.
    expect(rows.peak).toBeLessThanOrEqual(41);
  });

  it('keeps a row whose completion is now (an event at that instant may still come) and refuses a repeated seq', () => {
    const rows = new OrderedRows();
    const out: number[] = [];
    rows.put(0, 0, 0, 100, 200, 0, -1, 0);
    rows.releaseBefore(100, (s) => void out.push(s));
    expect(out).toEqual([]);
    rows.releaseBefore(101, (s) => void out.push(s));
    expect(out).toEqual([0]);
    expect(() => rows.put(0, 0, 0, 100, 200, 0, -1, 0)).toThrow(/seq 0/);
  });

  it('stops at a gap: the rows after a request still in flight wait (an interrupt keeps the prefix)', () => {
    const rows = new OrderedRows();
    const out: number[] = [];
    for (const seq of [0, 1, 3, 4]) rows.put(seq, seq, seq, seq + 1, 200, 0, -1, 0);
    rows.releasePrefix((s) => void out.push(s));
    expect(out).toEqual([0, 1]);
    expect(rows.waiting).toBe(2);
    expect(rows.released).toBe(2);
  });
});
