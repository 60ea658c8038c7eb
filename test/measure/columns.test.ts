import { describe, expect, it } from 'vitest';
import { Columns, insertionSortByKey } from '../../src/measure/columns.js';
import { Histogram } from '../../src/measure/histogram.js';

function columnsOf(scheduled: number[]): Columns {
  const c = new Columns(2);
  for (const s of scheduled) c.push(s, s, s + 1, 200, -1, -1, 0);
  return c;
}

describe('Columns.orderByScheduled', () => {
  it('keeps arrival order when already sorted, from a start time on', () => {
    expect(Array.from(columnsOf([1, 2, 3, 4]).orderByScheduled(2))).toEqual([1, 2, 3]);
  });
  it('sorts completion order into scheduled order, ties by arrival (packed integer path)', () => {
    const c = columnsOf([30, 10, 20, 10, 5]);
    expect(c.n).toBe(5);
    expect(Array.from(c.orderByScheduled(0))).toEqual([4, 1, 3, 2, 0]);
  });
  it('rows already in order (placed by seq): the suffix from the start time, ties and bounds included', () => {
    const times = [0, 5, 5, 10, 10, 10, 20];
    for (const from of [-1, 0, 5, 6, 10, 20, 21]) {
      const expected = times.flatMap((t, i) => (t >= from ? [i] : []));
      expect(Array.from(columnsOf(times).orderByScheduled(from))).toEqual(expected);
    }
  });
  it('a NaN time is left out, as on the sorting path', () => {
    expect(Array.from(columnsOf([1, Number.NaN, 3]).orderByScheduled(0))).toEqual([0, 2]);
    expect(Array.from(columnsOf([Number.NaN, 1, 3]).orderByScheduled(0))).toEqual([1, 2]);
  });
  it('sorts fractional times too (comparator path)', () => {
    expect(Array.from(columnsOf([3.5, 1.25, 2, 1.25]).orderByScheduled(0))).toEqual([1, 3, 2, 0]);
  });
});

describe('Columns: reuse and ordering paths', () => {
  it('reset forgets the rows; reserve grows in one step and keeps them', () => {
    const c = columnsOf([5, 6, 7]);
    c.reserve(1000);
    expect(c.scheduledUs.length).toBeGreaterThanOrEqual(1000);
    expect(Array.from(c.scheduledUs.subarray(0, c.n))).toEqual([5, 6, 7]);
    c.reset();
    expect(c.n).toBe(0);
    c.push(9, 9, 10, 200, -1, -1, 0);
    expect(Array.from(c.orderByScheduled(0))).toEqual([0]);
  });

  it('placed rows (seq) survive reuse: a second trial may place the same positions again', () => {
    const c = new Columns(2);
    for (const row of [2, 0, 1]) c.put(row, row * 10, row * 10, row * 10 + 5, 200, -1, -1, 0);
    c.checkComplete();
    expect(Array.from(c.scheduledUs.subarray(0, c.n))).toEqual([0, 10, 20]);
    c.reset();
    for (const row of [1, 0]) c.put(row, row, row, row + 1, 200, -1, -1, 0);
    c.checkComplete();
    expect(c.n).toBe(2);
    c.reset();
    c.push(5, 5, 6, 200, -1, -1, 0);
    expect(c.n).toBe(1);
  });

  it('insertion sort is stable and gives up past its move budget', () => {
    const keys = new Float64Array([3, 1, 2, 1, 0]);
    const idx = Uint32Array.from([0, 1, 2, 3, 4]);
    expect(insertionSortByKey(idx, keys, 100)).toBe(true);
    expect(Array.from(idx)).toEqual([4, 1, 3, 2, 0]);
    const reversed = new Float64Array(50).map((_, i) => 50 - i);
    expect(insertionSortByKey(Uint32Array.from(reversed.keys()), reversed, 10)).toBe(false);
  });

  it('orders a badly shuffled trial through the bucket sort fallback', () => {
    // 2,000 rows in reverse scheduled order: ~n²/2 moves, far past the 8n budget.
    const scheduled = Array.from({ length: 2000 }, (_, i) => (2000 - i) * 10);
    const c = columnsOf(scheduled);
    const order = Array.from(c.orderByScheduled(0));
    expect(order).toEqual(Array.from({ length: 2000 }, (_, i) => 1999 - i));
  });
});

describe('Histogram.forEachBucket', () => {
  it('visits non-empty buckets in value order with their value range', () => {
    const h = new Histogram();
    for (const v of [5, 5, 3000, 100_000]) h.record(v);
    const seen: Array<[number, number, number]> = [];
    h.forEachBucket((low, count, high) => seen.push([low, count, high]));
    expect(seen).toEqual([
      [5, 2, 5],
      [3000, 1, 3001],
      [99_968, 1, 100_031],
    ]);
  });
});

describe('Columns.isSorted', () => {
  it('answers for the rows written since, and again after a reset brings back as many rows in another order', () => {
    const c = new Columns(8);
    c.put(0, 1, 1, 2, 200, 0, 0, 0);
    c.put(1, 2, 2, 3, 200, 0, 0, 0);
    expect(c.isSorted()).toBe(true);
    c.reset();
    c.put(0, 5, 5, 6, 200, 0, 0, 0);
    c.put(1, 2, 2, 3, 200, 0, 0, 0);
    expect(c.isSorted()).toBe(false);
    c.reset();
    c.push(3, 3, 4, 200, 0, 0, 0);
    expect(c.isSorted()).toBe(true);
    c.push(1, 1, 2, 200, 0, 0, 0);
    expect(c.isSorted()).toBe(false);
  });
});
