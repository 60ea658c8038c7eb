/**
 * Plain data that flows out of the accumulator (`TrialMeasures`) and out of `mergeTrials`
 * (`MergedMeasures`). Everything here is structured-clonable and JSON-safe (histograms encoded,
 * no class instances) so worker threads can return it.
 */
import type { FailoverOutcome, LoadSummary, Series, Summary, TrialFigures } from '../model/result.js';
import type { EncodedHistogram } from './histogram.js';
import type { SparseSketch } from './sketch.js';

/** Mergeable counts over a set of requests (a whole trial, a phase or a `during` window). */
export interface RequestAggregate {
  requests: number;
  errors: number;
  /** HTTP status → count (`"0"` = connection error/timeout). */
  statusCodes: Record<string, number>;
  lateStarts: number;
  /** Worst late start (µs). */
  lateMaxUs: number;
  /** Successful responses per version (responses without a version are not counted here). */
  versions: Record<string, number>;
  /** Latency from the scheduled time, all requests. */
  latency: EncodedHistogram;
  /** Latency per version (any status); empty for phases. */
  latencyByVersion: Record<string, EncodedHistogram>;
  /** Null when no successful response carried a cluster or locality, or the client placement is unknown. */
  locality: LocalityCounts | null;
}

/** Successful responses by where they were served, relative to the client. */
export interface LocalityCounts {
  /** Successful responses with a cluster or locality attribution (the denominator of every share). */
  attributed: number;
  sameLocality: number;
  sameCluster: number;
  sameNetwork: number;
  byCluster: Record<string, number>;
}

/** One phase of a trial (product.md §4: before the fault, fault..restore, after; or `all`). */
export interface PhaseAggregate {
  name: string;
  fromUs: number;
  /** Null = until the end of the run. */
  toUs: number | null;
  counts: RequestAggregate;
}

/** Requests scheduled in [from event, to event) for `during from..to` thresholds. */
export interface WindowAggregate {
  from: string;
  to: string;
  /** Null in a trial where one of the events never happened (the window is then not measured). */
  counts: RequestAggregate | null;
}

/** Per-bucket series over scheduled time, mergeable. */
export interface SeriesAggregate {
  bucketUs: number;
  requests: number[];
  errors: number[];
  byVersion: Record<string, number[]>;
  /** Latency sketch per bucket (sparse), for p99 per bucket. */
  latency: SparseSketch[];
}

/** The failover figures of one trial (product.md §4), in µs. */
export interface FailoverFigures {
  /** 0 when hitless; null when traffic never recovered or the run ended first (see `recovery`). */
  recoveryUs: number | null;
  /** `reached`, `never` (censored) or `run-ended` (not measured); absent in measures older than v2. */
  recovery?: FailoverOutcome;
  /** Like `recovery`, for failback; absent without a restore event. */
  failback?: FailoverOutcome;
  /** True when no request scheduled in [fault, restore) failed. */
  hitless: boolean;
  /** Null when no success outside the faulted workload completed after the fault. */
  firstFailoverSuccessUs: number | null;
  errorsDuringFailover: number;
  /** Null when there is no restore event or the restored workload never served 99% again. */
  failbackUs: number | null;
  /** True when there was a restore event (so `failbackUs === null` means "not failed back"). */
  restored: boolean;
  /** The workload (version) taken as faulted; null when unknown. */
  faultedVersion: string | null;
  /** Resolution of the figures (µs): 1/rate, or the observed mean gap between requests. */
  resolutionUs: number;
}

/** Failover measure of one or more trials. */
export interface FailoverTrials {
  fault: string;
  restore?: string;
  /** One entry per trial in which the fault event happened. */
  figures: FailoverFigures[];
  /** Trials where the fault event never happened (no figures). */
  missingFault: number;
}

/** Inputs of the distribution test, kept as counts so trials add up. */
export interface DistributionTestCounts {
  /** `all`, or the phase before the first timeline event (`before`). */
  phase: string;
  expected: Record<string, number>;
  observed: Record<string, number>;
  /** Versions tested as one category (pooled-versions.ts); absent when none. */
  pooled?: string[][];
}

/** Measures of one trial, or of several trials combined with `combineTrials`. */
export interface TrialMeasures {
  /** Number of trials these measures cover. */
  trials: number;
  load: LoadSummary;
  overall: RequestAggregate;
  phases: PhaseAggregate[];
  windows: WindowAggregate[];
  distributionTest: DistributionTestCounts | null;
  series: SeriesAggregate;
  failover: FailoverTrials | null;
  /**
   * One entry per trial, in trial order (failover figures are attached when the result is
   * merged). Absent when a trial could not give them (aggregate-only imports).
   */
  perTrial?: TrialFigures[];
  /** Latencies outside the histogram's range (0 … 1 h) that were clamped into it; absent when none. */
  clampedLatencies?: number;
  /** Latency known only as a tool's buckets, with the figures the tool states exactly (µs). */
  bucketLatency?: BucketLatency;
  /**
   * Measures of each client alone, in scenario order, when the run had more than one client
   * (the fields above cover every client together). Never nested further.
   */
  clients?: ClientTrialMeasures[];
}

/** One client's measures (`name` is `cluster/workload`). */
export interface ClientTrialMeasures {
  name: string;
  measures: TrialMeasures;
}

/** What a bucket-only tool (fortio) states exactly about latency, in µs; null figures when it did not. */
export interface BucketLatency {
  tool: 'fortio';
  exact: { minUs: number; maxUs: number; meanUs: number; count: number } | null;
}

/** Measures over every trial, ready for the result document. */
export interface MergedMeasures {
  trials: number;
  summary: Summary;
  /** Summaries of `during from..to` windows, keyed `from..to`; absent when no trial had both events. */
  windows: Record<string, Summary>;
  /** Encoded histograms keyed per HISTOGRAM_KEYS, sorted by key. */
  histograms: Record<string, EncodedHistogram>;
  series: Series;
  /** Each client's merged measures, in scenario order, when the run had more than one client. */
  clients?: Array<{ name: string; measures: MergedMeasures }>;
}

/** Key of a `during from..to` window in `MergedMeasures.windows`. */
export function windowKey(from: string, to: string): string {
  return `${from}..${to}`;
}
