import { describe, expect, it } from 'vitest';
import { columnOfTime, eventMarkers, ratioPerColumn, ratioPerColumnByTime, sumsPerColumn, timeTicks } from '../../src/render/series.js';

describe('resampling series to chart columns', () => {
  it('sums buckets when the series is wider than the chart, keeping every request', () => {
    const values = Array.from({ length: 600 }, () => 1);
    const sums = sumsPerColumn(values, 1000, 600_000, 88);
    expect(sums.reduce((a, b) => a + b, 0)).toBe(600);
    expect(Math.min(...sums)).toBeGreaterThanOrEqual(6);
  });

  it('stretches a short series (each column shows the bucket under its centre)', () => {
    expect(sumsPerColumn([1, 2, 3], 1000, 3000, 6)).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('takes ratios of summed counts, not averages of ratios', () => {
    // Bucket 0: 1 of 1 failed; bucket 1: 0 of 99. Averaging ratios would say 50%.
    expect(ratioPerColumn([1, 0], [1, 99], 1)).toEqual([0.01]);
  });

  it('leaves a column without requests empty (NaN, drawn as a gap), within the run and past its end', () => {
    expect(ratioPerColumnByTime([1, 0, 4], [2, 0, 4], 1000, 3000, 3)).toEqual([0.5, Number.NaN, 1]);
    const past = ratioPerColumnByTime([1], [1], 1000, 4000, 4);
    expect(past[0]).toBe(1);
    expect(past.slice(1)).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it('puts a marker on the first column that shows the bucket the event falls in', () => {
    // 60 one-second buckets on 68 columns (0.88 s each): column 22 mostly shows bucket 19.
    const col = columnOfTime(20_000, 60_000, 68, 1000);
    expect(col).toBe(23);
    expect(sumsPerColumn(Array.from({ length: 60 }, (_, i) => i), 1000, 60_000, 68)[col]).toBe(20);
    expect(columnOfTime(20_000, 60_000, 68)).toBe(22);
    // Summed buckets (600 buckets on 88 columns): the column holding the bucket's centre.
    expect(columnOfTime(300_000, 600_000, 88, 1000)).toBe(44);
  });

  it('places ticks and event markers by time', () => {
    const ticks = timeTicks(60_000, 88);
    expect(ticks.map((t) => t.label)).toEqual(['0s', '10s', '20s', '30s', '40s', '50s']);
    const markers = eventMarkers(
      [
        { name: 'restore', atMs: 40_000, action: '', trial: 1 },
        { name: 'fault', atMs: 20_000, action: '', trial: 0 },
        { name: 'restore', atMs: 40_000, action: '', trial: 0 },
      ],
      60_000,
      88,
    );
    expect(markers).toEqual([
      { col: 29, label: 'fault', atMs: 20_000 },
      { col: 58, label: 'restore', atMs: 40_000 },
    ]);
  });
});
