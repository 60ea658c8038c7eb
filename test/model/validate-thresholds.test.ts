import { describe, expect, it } from 'vitest';
import { checkThresholdUnit, validateThresholds, type ThresholdContext } from '../../src/model/validate-thresholds.js';

const ctx: ThresholdContext = {
  versions: ['v1', 'v2'],
  clusters: ['cluster1', 'cluster2'],
  events: new Map([
    ['fault', 20_000_000],
    ['restore', 40_000_000],
  ]),
  failover: { fault: 'fault', restore: 'restore' },
};

function check(expr: string, c: ThresholdContext = ctx) {
  return validateThresholds([expr], ['spec', 'thresholds'], c);
}

function problem(expr: string, c: ThresholdContext = ctx) {
  const r = check(expr, c);
  expect(r.thresholds).toEqual([]);
  expect(r.problems).toHaveLength(1);
  expect(r.problems[0]?.path).toEqual(['spec', 'thresholds', 0]);
  return r.problems[0] ?? { message: '', hint: '' };
}

describe('validateThresholds', () => {
  it.each([
    'failover.recovery.p99 < 5s',
    'errors.rate < 1%',
    'errors.rate < 0.01',
    'distribution.v2.share > 0.9 during fault..restore',
    'latency.v1.p99 <= 250ms',
    'locality.byCluster.cluster2 < 5%',
    'errors.count == 0',
    'failover.errorsDuringFailover.max < 100',
    'failover.failback.p99 < 10s',
    'statusCodes.503 < 10',
  ])('accepts %s', (expr) => {
    const r = check(expr);
    expect(r.problems).toEqual([]);
    expect(r.thresholds).toHaveLength(1);
  });

  it('lists valid prefixes for an unknown metric and suggests the closest', () => {
    const p = problem('latncy.p99 < 1s');
    expect(p.message).toBe('unknown metric "latncy.p99"');
    expect(p.hint).toContain('valid metrics start with requests, errors');
    expect(p.hint).toContain('did you mean "latency"');
    expect(problem('latency.p95 < 1s').hint).toContain('latency.p99');
  });

  it('checks versions and clusters against the mesh', () => {
    expect(problem('distribution.v3.share > 0.5').hint).toContain('versions: v1, v2');
    expect(problem('locality.byCluster.cluster9 > 0.5').hint).toContain('clusters: cluster1, cluster2');
    expect(problem('statusCodes.999 < 1').message).toContain('not an HTTP status');
  });

  it('checks units', () => {
    expect(problem('latency.p99 < 5%').message).toContain('is a time');
    expect(problem('failover.recovery.p99 < 5').hint).toContain('5ms');
    expect(problem('errors.rate < 5').hint).toContain('5%');
    expect(problem('errors.rate < 5s').message).toContain('duration');
    expect(problem('errors.count < 1%').hint).toContain('errors.rate');
    expect(problem('requests > 1s').message).toContain('is a count');
  });

  it('checks during names and order', () => {
    expect(problem('errors.rate < 1% during fault..recover').hint).toContain('named entries: fault, restore');
    expect(problem('errors.rate < 1% during restore..fault').message).toContain('is empty');
    expect(problem('failover.recovery.p99 < 5s during fault..restore').message).toContain('does not apply');
  });

  it('needs a failover measure for failover metrics and a restore for failback', () => {
    const none: ThresholdContext = { ...ctx, failover: undefined };
    delete none.failover;
    expect(problem('failover.recovery.p99 < 5s', none).message).toContain('needs a failover measure');
    expect(problem('failover.failback.p99 < 5s', { ...ctx, failover: { fault: 'fault' } }).message).toContain('needs a restore');
  });

  it('reports syntax errors and skips non-strings (the schema reports those)', () => {
    expect(problem('errors.rate 1%').message).toContain('no comparison operator');
    const r = validateThresholds([42, 'errors.rate < 1%'], ['t'], ctx);
    expect(r.problems).toEqual([]);
    expect(r.thresholds).toHaveLength(1);
  });

  it('collects one problem per bad threshold and keeps the good ones', () => {
    const r = validateThresholds(['errors.rate < 1%', 'bogus > 1', 'latency.p99 < 1%', 'requests > 10'], ['spec', 'thresholds'], ctx);
    expect(r.problems.map((p) => p.path[2])).toEqual([1, 2]);
    expect(r.thresholds.map((t) => t.expr)).toEqual(['errors.rate < 1%', 'requests > 10']);
  });
});

describe('checkThresholdUnit', () => {
  it('pairs value units with metric units', () => {
    expect(checkThresholdUnit('m', 'ms', { unit: 'ms', value: 1 }).ok).toBe(true);
    expect(checkThresholdUnit('m', 'fraction', { unit: 'number', value: 1 }).ok).toBe(true);
    expect(checkThresholdUnit('m', 'fraction', { unit: 'number', value: 1.01 }).ok).toBe(false);
    expect(checkThresholdUnit('m', 'count', { unit: 'number', value: 7 }).ok).toBe(true);
    expect(checkThresholdUnit('m', 'count', { unit: 'fraction', value: 0.1 }).ok).toBe(false);
  });
});
