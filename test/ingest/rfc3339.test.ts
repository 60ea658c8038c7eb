import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, formatIsoUs, parseRfc3339 } from '../../src/ingest/rfc3339.js';

describe('parseRfc3339', () => {
  it('keeps nanoseconds and agrees with Date on the millisecond part', () => {
    const t = parseRfc3339('2026-08-21T10:15:31.520568052Z')!;
    expect(t.nanos).toBe(520_568_052);
    expect(t.epochS * 1000 + Math.floor(t.nanos / 1e6)).toBe(Date.parse('2026-08-21T10:15:31.520Z'));
  });

  it('applies offsets', () => {
    const utc = parseRfc3339('2026-08-21T10:15:31.5Z')!;
    expect(parseRfc3339('2026-08-21T12:15:31.5+02:00')).toEqual(utc);
    expect(parseRfc3339('2026-08-21T05:45:31.5-04:30')).toEqual(utc);
  });

  it('accepts 0 to 9 fraction digits (Go trims trailing zeros)', () => {
    expect(parseRfc3339('2021-02-24T13:37:10Z')).toEqual({ epochS: Date.parse('2021-02-24T13:37:10Z') / 1000, nanos: 0 });
    expect(parseRfc3339('2021-02-24T13:37:10.1Z')!.nanos).toBe(100_000_000);
    expect(parseRfc3339('2021-02-24T13:37:10.000000001Z')!.nanos).toBe(1);
  });

  it('refuses what is not a timestamp', () => {
    for (const bad of ['', 'yesterday', '2021-02-24 13:37:10', '2021-02-24T13:37:10', '2021-02-24T13:37:10.Z', '2021-13-24T13:37:10Z', '2021-02-24T13:37:10+0200', '2021-02-24T13:37:10Zjunk']) {
      expect(parseRfc3339(bad)).toBeNull();
    }
  });

  it('round-trips civil dates over leap years and centuries', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [2000, 2, 29],
      [2100, 3, 1],
      [2024, 12, 31],
      [1969, 12, 31],
    ] as const) {
      const days = daysFromCivil(y, m, d);
      expect(days).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
      expect(civilFromDays(days)).toEqual({ year: y, month: m, day: d });
    }
  });
});

describe('formatIsoUs', () => {
  it('formats UTC with milliseconds, like Date#toISOString', () => {
    const us = Date.parse('2026-08-21T10:15:31.520Z') * 1000 + 568;
    expect(formatIsoUs(us)).toBe('2026-08-21T10:15:31.520Z');
    expect(formatIsoUs(0)).toBe(new Date(0).toISOString());
  });
});
