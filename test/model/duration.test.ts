import { describe, expect, it } from 'vitest';
import { formatDurationUs, parseDurationUs } from '../../src/model/duration.js';

function us(text: unknown): number {
  const r = parseDurationUs(text);
  if (!r.ok) throw new Error(`${String(text)}: ${r.message}`);
  return r.value;
}

function failure(text: unknown): { message: string; hint?: string } {
  const r = parseDurationUs(text);
  if (r.ok) throw new Error(`${String(text)} parsed as ${r.value}`);
  return r;
}

describe('parseDurationUs', () => {
  it.each([
    ['250ms', 250_000],
    ['1s', 1_000_000],
    ['3m', 180_000_000],
    ['1h', 3_600_000_000],
    ['1.5s', 1_500_000],
    ['100us', 100],
    ['100µs', 100], // U+00B5
    ['100μs', 100], // U+03BC
    ['2h45m', 9_900_000_000],
    ['1m30s', 90_000_000],
    ['0s', 0],
    ['.5s', 500_000],
    ['2000ns', 2],
    [' 10s ', 10_000_000],
    ['0.001ms', 1],
  ])('%s → %d µs', (text, expected) => {
    expect(us(text)).toBe(expected);
  });

  it('rejects a bare number with a hint to add a unit', () => {
    const f = failure('60');
    expect(f.message).toContain('needs a unit');
    expect(f.hint).toContain('"60s"');
    expect(failure(60).hint).toContain('"60s"');
    expect(failure('0').message).toContain('needs a unit');
  });

  it('rejects negatives, empty text and non-strings', () => {
    expect(failure('-1s').message).toContain('negative');
    expect(failure('').message).toContain('empty');
    expect(failure('   ').message).toContain('empty');
    expect(failure(null).message).toContain('expected a duration');
    expect(failure(true).message).toContain('expected a duration');
  });

  it('rejects unknown units and suggests the Go unit', () => {
    expect(failure('5sec')).toMatchObject({ message: 'unknown unit "sec" in duration "5sec"' });
    expect(failure('5sec').hint).toContain('"5s"');
    expect(failure('2min').hint).toContain('"2m"');
    expect(failure('5S').hint).toContain('"5s"');
    expect(failure('1d').hint).toContain('24h');
    expect(failure('5x').hint).toContain('units');
  });

  it('rejects malformed text and sub-microsecond precision', () => {
    expect(failure('s').message).toContain('not a duration');
    expect(failure('1s2').message).toContain('not a duration');
    expect(parseDurationUs('1..5s').ok).toBe(false);
    expect(failure('1ns').message).toContain('finer than 1µs');
    expect(failure('1.0000001s').message).toContain('finer');
  });
});

describe('formatDurationUs', () => {
  it.each([
    [0, '0s'],
    [100, '100us'],
    [250_000, '250ms'],
    [1_500_000, '1500ms'],
    [1_000_000, '1s'],
    [60_000_000, '60s'],
    [180_000_000, '3m'],
    [7_200_000_000, '2h'],
    [1_234_567, '1.234567s'],
    [1_500, '1.5ms'],
  ])('%d µs → %s', (value, text) => {
    expect(formatDurationUs(value)).toBe(text);
  });

  it('round-trips through the parser', () => {
    for (const v of [0, 1, 999, 1_000, 1_500, 1_234_567, 60_000_000, 3_600_000_000, 9_900_000_000]) {
      expect(us(formatDurationUs(v))).toBe(v);
    }
  });
});
