import { describe, expect, it } from 'vitest';
import { parseFraction, parsePercent, parseRatePerS } from '../../src/model/quantity.js';

describe('parseRatePerS', () => {
  it.each([
    [100, 100],
    ['100', 100],
    ['100/s', 100],
    ['6000/m', 100],
    ['36000/h', 10],
    ['0.5', 0.5],
    ['2.5/s', 2.5],
  ])('%s → %d req/s', (input, expected) => {
    expect(parseRatePerS(input)).toEqual({ ok: true, value: expected });
  });

  it('rejects zero, negative and malformed rates', () => {
    for (const bad of [0, -5, '0', '-5/s', '0/m']) {
      const r = parseRatePerS(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain('> 0');
    }
    for (const bad of ['fast', '100/d', '/s', '', true, null, Number.POSITIVE_INFINITY]) {
      expect(parseRatePerS(bad).ok).toBe(false);
    }
    const unit = parseRatePerS('100/d');
    expect(unit.ok ? '' : unit.message).toContain('unknown rate unit');
  });
});

describe('parsePercent', () => {
  it.each([
    ['1%', 0.01],
    ['0.5%', 0.005],
    ['100%', 1],
    [' 25 %', 0.25],
  ])('%s → %d', (input, expected) => {
    const r = parsePercent(input);
    expect(r.ok && r.value).toBeCloseTo(expected, 12);
  });

  it('rejects text without %, negatives and non-numbers', () => {
    for (const bad of ['1', '-1%', 'abc%', '%', 1]) expect(parsePercent(bad).ok).toBe(false);
    const neg = parsePercent('-1%');
    expect(neg.ok ? '' : neg.message).toContain('negative');
  });
});

describe('parseFraction', () => {
  it('takes numbers and percentages', () => {
    expect(parseFraction(0.25)).toEqual({ ok: true, value: 0.25 });
    const p = parseFraction('50%');
    expect(p.ok && p.value).toBe(0.5);
    expect(parseFraction('half').ok).toBe(false);
  });
});
