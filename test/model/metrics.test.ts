import { describe, expect, it } from 'vitest';
import { METRICS, METRIC_PREFIXES, lookupMetric, metricUnit, readMetric } from '../../src/model/metrics.js';
import type { LatencySummary, Summary } from '../../src/model/result.js';

const lat = (base: number): LatencySummary => ({ count: 10, p50: base, p90: base + 1, p99: base + 2, p999: base + 3, max: base + 4, mean: base + 0.5 });
const dist = (v: number) => ({ n: 3, min: v - 1, p50: v, p90: v + 1, p99: v + 2, max: v + 3, mean: v + 0.25 });

function summary(overrides: Partial<Summary> = {}): Summary {
  return {
    requests: 6000,
    errors: 31,
    errorRate: 31 / 6000,
    lateStarts: { count: 2, maxMs: 1.5 },
    load: { model: 'open', ratePerS: 100, durationMs: 60_000, resolutionMs: 10 },
    statusCodes: { '200': 5969, '503': 31 },
    distribution: {
      v1: { count: 3990, share: 0.67, ci95: [0.66, 0.68] },
      v2: { count: 1979, share: 0.33, ci95: [0.32, 0.34] },
    },
    locality: { sameLocality: 0.66, sameCluster: 0.67, sameNetwork: 0.68, byCluster: { cluster1: 0.67, cluster2: 0.33 } },
    latencyMs: lat(3),
    latencyByVersionMs: { v1: lat(2), v2: lat(60) },
    phases: [],
    failover: {
      fault: 'fault',
      restore: 'restore',
      resolutionMs: 10,
      trials: 3,
      recoveryMs: dist(400),
      firstFailoverSuccessMs: dist(300),
      errorsDuringFailover: dist(31),
      failbackMs: null,
      hitless: 0,
      notRecovered: 1,
      notFailedBack: 2,
    },
    ...overrides,
  };
}

const path = (p: string) => p.split('.');

describe('readMetric', () => {
  const s = summary();
  it.each([
    ['requests', 6000],
    ['errors.count', 31],
    ['errors', 31],
    ['errors.rate', 31 / 6000],
    ['lateStarts.count', 2],
    ['lateStarts.max', 1.5],
    ['statusCodes.503', 31],
    ['statusCodes.504', 0],
    ['latency.p50', 3],
    ['latency.p90', 4],
    ['latency.p99', 5],
    ['latency.p999', 6],
    ['latency.max', 7],
    ['latency.mean', 3.5],
    ['latency.v2.p99', 62],
    ['distribution.v1.share', 0.67],
    ['distribution.v2.count', 1979],
    ['distribution.v9.share', 0],
    ['locality.sameLocality', 0.66],
    ['locality.sameCluster', 0.67],
    ['locality.sameNetwork', 0.68],
    ['locality.byCluster.cluster2', 0.33],
    ['locality.byCluster.cluster9', 0],
    // One trial never recovered: p99, max and mean reach it (censored) and have no value.
    ['failover.recovery.p99', null],
    ['failover.recovery.max', null],
    ['failover.recovery.mean', null],
    ['failover.recovery.min', 399],
    ['failover.firstFailoverSuccess.p50', 300],
    ['failover.errorsDuringFailover.max', 34],
    ['failover.errors.p50', 31],
    ['failover.notRecovered', 1],
    ['failover.notFailedBack', 2],
    ['failover.hitless', 0],
  ])('%s = %d', (metric, value) => {
    expect(readMetric(s, path(metric))).toBe(value);
  });

  it('returns null when the summary cannot say', () => {
    expect(readMetric(s, path('failover.failback.p99'))).toBeNull();
    expect(readMetric(summary({ failover: undefined }), path('failover.recovery.p99'))).toBeNull();
    expect(readMetric(summary({ locality: null }), path('locality.sameCluster'))).toBeNull();
    expect(readMetric(summary({ locality: null }), path('locality.byCluster.cluster1'))).toBeNull();
    expect(readMetric(summary({ requests: 0, errorRate: 0 }), path('errors.rate'))).toBeNull();
    expect(readMetric(summary({ distribution: {} }), path('distribution.v1.share'))).toBeNull();
    expect(readMetric(summary({ latencyMs: { ...lat(3), count: 0 } }), path('latency.p99'))).toBeNull();
    expect(readMetric(s, path('latency.v9.p99'))).toBeNull();
    expect(readMetric(s, path('no.such.metric'))).toBeNull();
  });
});

describe('lookupMetric', () => {
  it('binds placeholders, including dotted versions', () => {
    expect(lookupMetric(path('latency.v1.2.p99'))?.params).toEqual({ version: 'v1.2' });
    expect(lookupMetric(path('distribution.v2.share'))?.params).toEqual({ version: 'v2' });
    expect(lookupMetric(path('locality.byCluster.c-1'))?.params).toEqual({ cluster: 'c-1' });
  });

  it('prefers fixed paths over placeholders', () => {
    expect(lookupMetric(path('latency.p99'))?.def.pattern).toBe('latency.p99');
  });

  it('knows units', () => {
    expect(metricUnit(path('failover.recovery.p99'))).toBe('ms');
    expect(metricUnit(path('errors.rate'))).toBe('fraction');
    expect(metricUnit(path('failover.errorsDuringFailover.p99'))).toBe('count');
    expect(metricUnit(path('distribution.v1.share'))).toBe('fraction');
    expect(metricUnit(path('latency'))).toBeUndefined();
    expect(metricUnit(path('distribution.share'))).toBeUndefined();
  });

  it('has unique patterns and lists the prefixes', () => {
    const patterns = METRICS.map((m) => m.pattern);
    expect(new Set(patterns).size).toBe(patterns.length);
    expect(METRIC_PREFIXES).toEqual(expect.arrayContaining(['requests', 'errors', 'latency', 'distribution', 'locality', 'failover', 'lateStarts']));
  });
});
