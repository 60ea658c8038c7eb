import { poolRecord } from './pooled-versions.js';
import type { DistributionTest, LatencySummary, LoadSummary, LocalityShares, PhaseSummary, Summary, VersionShare } from '../model/result.js';
import { HISTOGRAM_KEYS } from '../model/result.js';
import { Histogram } from './histogram.js';
import { chiSquareGoodnessOfFit, wilsonInterval } from './stats.js';
import type { DistributionTestCounts, LocalityCounts, RequestAggregate } from './types.js';

/** Latency summary in ms from a histogram in µs (HdrHistogram percentile semantics). */
export function latencySummaryMs(h: Histogram): LatencySummary {
  return {
    count: h.totalCount,
    p50: h.percentile(50) / 1000,
    p90: h.percentile(90) / 1000,
    p99: h.percentile(99) / 1000,
    p999: h.percentile(99.9) / 1000,
    max: h.max / 1000,
    mean: h.mean / 1000,
  };
}

function shareOf(count: number, total: number): number {
  return total === 0 ? 0 : count / total;
}

/** Distribution of successful responses per version, with Wilson 95% intervals. */
function distribution(versions: Record<string, number>, expected: Record<string, number> | undefined): Record<string, VersionShare> {
  const keys = [...new Set([...Object.keys(versions), ...Object.keys(expected ?? {})])].sort();
  let total = 0;
  for (const k of keys) total += versions[k] ?? 0;
  let expectedSum = 0;
  for (const v of Object.values(expected ?? {})) if (v > 0) expectedSum += v;
  const out: Record<string, VersionShare> = {};
  for (const k of keys) {
    const count = versions[k] ?? 0;
    const share: VersionShare = { count, share: shareOf(count, total), ci95: wilsonInterval(count, total) };
    const e = expected?.[k];
    if (e !== undefined && expectedSum > 0) share.expectedShare = e / expectedSum;
    out[k] = share;
  }
  return out;
}

function distributionTest(d: DistributionTestCounts): DistributionTest {
  const pools = d.pooled ?? [];
  const r = chiSquareGoodnessOfFit(poolRecord(d.observed, pools), poolRecord(d.expected, pools));
  const test: DistributionTest = {
    phase: d.phase,
    expected: d.expected,
    // Infinity when refuted (a version seen that should get nothing); JSON writes it as null and
    // the result schema reads null back as Infinity.
    chiSquare: r.chiSquare,
    df: r.df,
    pValue: r.pValue,
  };
  if (r.unexpected.length > 0) test.unexpected = r.unexpected;
  if (pools.length > 0) test.pooled = pools;
  return test;
}

function locality(l: LocalityCounts | null): LocalityShares | null {
  if (l === null || l.attributed === 0) return null;
  const byCluster: Record<string, number> = {};
  for (const [k, v] of Object.entries(l.byCluster)) byCluster[k] = v / l.attributed;
  return {
    sameLocality: l.sameLocality / l.attributed,
    sameCluster: l.sameCluster / l.attributed,
    sameNetwork: l.sameNetwork / l.attributed,
    byCluster,
  };
}

/**
 * The request part of a `Summary` (everything except phases and failover) for a set of requests.
 * @param expected version shares the policy predicts, shown beside each version when known.
 */
export function summarizeCounts(
  a: RequestAggregate,
  load: LoadSummary,
  expected: Record<string, number> | undefined,
  test: DistributionTestCounts | null,
): Summary {
  const latencyByVersionMs: Record<string, LatencySummary> = {};
  for (const [v, enc] of Object.entries(a.latencyByVersion)) latencyByVersionMs[v] = latencySummaryMs(Histogram.decode(enc));
  const summary: Summary = {
    requests: a.requests,
    errors: a.errors,
    errorRate: shareOf(a.errors, a.requests),
    lateStarts: { count: a.lateStarts, maxMs: a.lateMaxUs / 1000 },
    load,
    statusCodes: a.statusCodes,
    distribution: distribution(a.versions, expected),
    locality: locality(a.locality),
    latencyMs: latencySummaryMs(Histogram.decode(a.latency)),
    latencyByVersionMs,
    phases: [],
  };
  if (test !== null) summary.distributionTest = distributionTest(test);
  return summary;
}

/** Phase summary in ms. */
export function summarizePhase(name: string, fromUs: number, toUs: number | null, a: RequestAggregate): PhaseSummary {
  let total = 0;
  for (const c of Object.values(a.versions)) total += c;
  const dist: Record<string, { count: number; share: number }> = {};
  for (const [v, count] of Object.entries(a.versions)) dist[v] = { count, share: shareOf(count, total) };
  return {
    name,
    fromMs: fromUs / 1000,
    toMs: toUs === null ? null : toUs / 1000,
    requests: a.requests,
    errors: a.errors,
    errorRate: shareOf(a.errors, a.requests),
    distribution: dist,
    latencyMs: latencySummaryMs(Histogram.decode(a.latency)),
  };
}

/** Histograms of a request aggregate under the result's key conventions. */
export function requestHistograms(a: RequestAggregate, into: Record<string, string>): void {
  into[HISTOGRAM_KEYS.latency] = a.latency;
  for (const [v, enc] of Object.entries(a.latencyByVersion)) into[HISTOGRAM_KEYS.latencyOfVersion(v)] = enc;
}
