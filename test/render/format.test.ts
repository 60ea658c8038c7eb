import { describe, expect, it } from 'vitest';
import {
  formatAxisTime,
  formatCount,
  formatDeltaCount,
  formatDeltaMs,
  formatDeltaPp,
  formatDuration,
  formatMs,
  formatNumber,
  formatP,
  formatPercent,
  formatTimestamp,
} from '../../src/render/format.js';

describe('format', () => {
  it('keeps three significant digits without exponents', () => {
    expect([0.000123, 0.0505, 0.85, 3.2, 9.996, 63, 430, 12345.6].map(formatNumber)).toEqual(['0.000123', '0.0505', '0.850', '3.20', '10.0', '63.0', '430', '12,346']);
  });

  it('groups thousands', () => {
    expect([0, 999, 6000, 1234567, -4200].map(formatCount)).toEqual(['0', '999', '6,000', '1,234,567', '-4,200']);
  });

  it('prints shares as percentages with two decimals under 1%', () => {
    expect([0, 0.0052, 0.05, 0.665, 1].map(formatPercent)).toEqual(['0%', '0.52%', '5.0%', '66.5%', '100.0%']);
  });

  it('puts the unit in every duration and switches to s, m and h', () => {
    expect([0.85, 3.2, 430, 999.6, 1020, 12_300, 125_000, 3_725_000].map(formatMs)).toEqual(['0.850ms', '3.20ms', '430ms', '1.00s', '1.02s', '12.3s', '2m05s', '1h02m']);
    expect([60_000, 10, 1500, 20_000].map(formatDuration)).toEqual(['60s', '10ms', '1.5s', '20s']);
  });

  it('signs deltas', () => {
    expect(formatDeltaMs(12)).toBe('+12.0ms');
    expect(formatDeltaMs(-1200)).toBe('-1.20s');
    expect(formatDeltaMs(0)).toBe('±0');
    expect(formatDeltaPp(-0.0043)).toBe('-0.43pp');
    expect(formatDeltaPp(0.018)).toBe('+1.8pp');
    expect(formatDeltaCount(-594)).toBe('-594');
    expect(formatDeltaCount(1.5)).toBe('+1.50');
  });

  it('prints p-values as papers do', () => {
    expect([0.0004, 0.0041, 0.041, 0.41, 0.9999, Number.NaN].map(formatP)).toEqual(['p<0.001', 'p=0.004', 'p=0.04', 'p=0.41', 'p=1', 'p=n/a']);
  });

  it('labels time axes and timestamps', () => {
    expect([0, 10_000, 60_000, 90_000, 3_600_000].map(formatAxisTime)).toEqual(['0s', '10s', '1m', '1m30s', '1h']);
    expect(formatTimestamp('2026-11-23T21:45:00.000Z')).toBe('2026-11-23 21:45:00 UTC');
    expect(formatTimestamp('2026-11-23T21:45:00+02:00')).toBe('2026-11-23 21:45:00 +02:00');
  });
});
