import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { parseThreshold, parseThresholdValue, tryParseThreshold } from '../../src/model/threshold-parse.js';

describe('parseThreshold', () => {
  it('parses the product.md examples', () => {
    expect(parseThreshold('failover.recovery.p99 < 5s')).toEqual({
      expr: 'failover.recovery.p99 < 5s',
      metric: ['failover', 'recovery', 'p99'],
      op: '<',
      value: { unit: 'ms', value: 5000 },
    });
    expect(parseThreshold('errors.rate < 1%').value).toEqual({ unit: 'fraction', value: 0.01 });
    expect(parseThreshold('distribution.v2.share > 0.9 during fault..restore')).toMatchObject({
      metric: ['distribution', 'v2', 'share'],
      op: '>',
      value: { unit: 'number', value: 0.9 },
      during: { from: 'fault', to: 'restore' },
    });
  });

  it.each([
    ['latency.p99 <= 250ms', '<=', { unit: 'ms', value: 250 }],
    ['requests >= 42', '>=', { unit: 'number', value: 42 }],
    ['errors.count == 0', '==', { unit: 'number', value: 0 }],
    ['latency.p50<100us', '<', { unit: 'ms', value: 0.1 }],
    ['errors.rate < 0.5%', '<', { unit: 'fraction', value: 0.005 }],
    ['failover.recovery.max < 1m30s', '<', { unit: 'ms', value: 90_000 }],
  ] as const)('%s', (expr, op, value) => {
    const t = parseThreshold(expr);
    expect(t.op).toBe(op);
    expect(t.value).toEqual(value);
  });

  it('accepts spaces around the during range', () => {
    expect(parseThreshold('errors.rate < 1% during a .. b').during).toEqual({ from: 'a', to: 'b' });
  });

  it.each([
    ['errors.rate 1%', 'no comparison operator'],
    ['errors.rate = 1%', 'operator "=" is not supported'],
    ['errors.rate != 1%', 'operator "!=" is not supported'],
    ['< 1%', 'missing metric path'],
    ['errors.rate <', 'missing value'],
    ['errors.rate < 1% 2%', 'unexpected text'],
    ['errors.rate < fast', 'not a number, a percentage or a duration'],
    ['latency.p99 < 5sec', 'unknown unit'],
    ['errors.rate < -1', 'negative'],
    ['errors.rate < 1% during fault', 'not an event range'],
    ['errors.rate < 1% during fault..', 'not an event range'],
    ['errors..rate < 1%', 'not a metric path'],
    ['', 'empty threshold'],
  ])('rejects %j (%s)', (expr, message) => {
    const r = tryParseThreshold(expr);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });

  it('suggests == for =', () => {
    const r = tryParseThreshold('errors.count = 0');
    expect(r.ok ? '' : r.hint).toContain('"=="');
  });

  it('throws InvalidInputError naming where the expression came from', () => {
    try {
      parseThreshold('nonsense', { file: 's.yaml', path: 'spec.thresholds[0]' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).problems[0]).toMatchObject({ file: 's.yaml', path: 'spec.thresholds[0]' });
    }
  });

  it('rejects non-strings', () => {
    expect(tryParseThreshold(5).ok).toBe(false);
  });
});

describe('parseThresholdValue', () => {
  it('classifies durations, percentages and numbers', () => {
    expect(parseThresholdValue('5s')).toEqual({ ok: true, value: { unit: 'ms', value: 5000 } });
    expect(parseThresholdValue('1%')).toEqual({ ok: true, value: { unit: 'fraction', value: 0.01 } });
    expect(parseThresholdValue('0.9')).toEqual({ ok: true, value: { unit: 'number', value: 0.9 } });
    expect(parseThresholdValue('').ok).toBe(false);
  });
});
