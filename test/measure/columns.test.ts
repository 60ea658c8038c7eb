import { describe, expect, it } from 'vitest';
import { Columns } from '../../src/measure/columns.js';
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
  it('sorts fractional times too (comparator path)', () => {
    expect(Array.from(columnsOf([3.5, 1.25, 2, 1.25]).orderByScheduled(0))).toEqual([1, 3, 2, 0]);
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
