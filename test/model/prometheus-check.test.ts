/** The client-vs-Prometheus cross-check: lines, tolerance (one scrape interval of traffic) and flags. */
import { describe, expect, it } from 'vitest';
import { crossCheck, type PrometheusCounts } from '../../src/model/prometheus-check.js';
import type { Summary } from '../../src/model/result.js';

function summary(requests: number, errors: number, v1: number, v2: number, durationMs: number): Summary {
  const ok = requests - errors;
  const share = (n: number) => ({ count: n, share: n / ok, ci95: [0, 1] as [number, number] });
  return {
    requests,
    errors,
    errorRate: errors / requests,
    lateStarts: { count: 0, maxMs: 0 },
    load: { model: 'closed', concurrency: 1, durationMs, resolutionMs: 1 },
    statusCodes: { '200': ok, ...(errors > 0 ? { '503': errors } : {}) },
    distribution: { v1: share(v1), v2: share(v2) },
    locality: { sameLocality: v1 / ok, sameCluster: v1 / ok, sameNetwork: v1 / ok, byCluster: { cluster1: v1 / ok, cluster2: v2 / ok } },
    latencyMs: { count: requests, p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1 },
    latencyByVersionMs: {},
    phases: [],
  };
}

function counts(rows: Array<[string, string, string, number]>, scrapeIntervalS = 1): PrometheusCounts {
  return {
    source: 'http://127.0.0.1:9090',
    query: 'q',
    scrapeIntervalS,
    windowS: 10,
    rows: rows.map(([destinationVersion, destinationCluster, responseCode, requests]) => ({ destinationVersion, destinationCluster, sourceCluster: 'cluster1', responseCode, requests })),
  };
}

describe('crossCheck', () => {
  it('agrees when Prometheus counts what the client counted', () => {
    const c = crossCheck(summary(1000, 10, 600, 390, 10_000), counts([['v1', 'cluster1', '200', 600], ['v2', 'cluster2', '200', 390], ['unknown', 'unknown', '503', 10]]));
    expect(c.tolerance).toBe(100); // 100 req/s × 1 s
    expect(c.flagged).toBe(false);
    expect(c.lines.map((l) => [l.what, l.client, l.prometheus, l.difference])).toEqual([
      ['total', 1000, 1000, 0],
      ['errors', 10, 10, 0],
      ['version v1', 600, 600, 0],
      ['version v2', 390, 390, 0],
      ['cluster cluster1', 600, 600, 0],
      ['cluster cluster2', 390, 390, 0],
    ]);
  });

  it('tolerates one scrape interval of traffic and flags more', () => {
    const within = crossCheck(summary(1000, 0, 600, 400, 10_000), counts([['v1', 'cluster1', '200', 700], ['v2', 'cluster2', '200', 400]]));
    expect(within.flagged).toBe(false);
    const beyond = crossCheck(summary(1000, 0, 600, 400, 10_000), counts([['v1', 'cluster1', '200', 450], ['v2', 'cluster2', '200', 550]]));
    expect(beyond.flagged).toBe(true);
    expect(beyond.lines.filter((l) => l.flagged).map((l) => l.what)).toEqual(['version v1', 'version v2', 'cluster cluster1', 'cluster cluster2']);
    // A longer scrape interval explains more.
    expect(crossCheck(summary(1000, 0, 600, 400, 10_000), counts([['v1', 'cluster1', '200', 450], ['v2', 'cluster2', '200', 550]], 2)).flagged).toBe(false);
  });

  it('flags requests Prometheus never saw (lost samples)', () => {
    const c = crossCheck(summary(100, 0, 60, 40, 10_000), counts([['v1', 'cluster1', '200', 60]]));
    expect(c.tolerance).toBe(10);
    expect(c.lines.find((l) => l.what === 'total')).toMatchObject({ client: 100, prometheus: 60, difference: -40, flagged: true });
  });
});
