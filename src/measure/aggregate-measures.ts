import type { LoadSummary } from '../model/result.js';
import { isSuccess } from '../model/sample.js';
import { Histogram } from './histogram.js';
import type { RequestAggregate, TrialMeasures } from './types.js';

/** Most points one bucket is spread over when rebuilding a histogram from coarse buckets. */
const MAX_SPREAD_POINTS = 1000;

/**
 * Records `count` values spread evenly over [startUs, endUs]: at most 1000 points at the middles
 * of equal sub-intervals, the count split as evenly as possible (the remainder to the first
 * points). Deterministic, so a re-import gives the same histogram.
 */
export function recordSpread(h: Histogram, startUs: number, endUs: number, count: number): void {
  if (count <= 0) return;
  const points = Math.min(count, MAX_SPREAD_POINTS);
  const base = Math.floor(count / points);
  const extra = count - base * points;
  const width = (endUs - startUs) / points;
  for (let k = 0; k < points; k++) h.recordCount(startUs + (k + 0.5) * width, base + (k < extra ? 1 : 0));
}

/** Whole-run figures of a tool that reports only aggregates (fortio). */
export interface AggregateInput {
  latency: Histogram;
  /** HTTP status → count (`"0"` = connection error). */
  statusCodes: Record<string, number>;
  load: LoadSummary;
}

/**
 * `TrialMeasures` from aggregates only: no per-request times (so an empty series and one phase
 * `all`), no version or cluster attribution (empty distribution, locality null), no failover.
 * Requests = the sum of status counts.
 */
export function measuresFromAggregate(input: AggregateInput): TrialMeasures {
  let requests = 0;
  let errors = 0;
  const statusCodes: Record<string, number> = {};
  for (const code of Object.keys(input.statusCodes).sort((a, b) => Number(a) - Number(b))) {
    const c = input.statusCodes[code]!;
    if (c <= 0) continue;
    statusCodes[code] = c;
    requests += c;
    if (!isSuccess(Number(code))) errors += c;
  }
  const overall: RequestAggregate = {
    requests,
    errors,
    statusCodes,
    lateStarts: 0,
    lateMaxUs: 0,
    versions: {},
    latency: input.latency.encode(),
    latencyByVersion: {},
    locality: null,
  };
  return {
    trials: 1,
    load: input.load,
    overall,
    phases: [{ name: 'all', fromUs: 0, toUs: null, counts: overall }],
    windows: [],
    distributionTest: null,
    series: { bucketUs: 1_000_000, requests: [], errors: [], byVersion: {}, latency: [] },
    failover: null,
  };
}
