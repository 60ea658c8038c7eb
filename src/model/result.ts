import type { PrometheusCounts } from './prometheus-check.js';
import type { RunEvent } from './sample.js';
import type { ThresholdOutcome } from './threshold.js';

/** Schema id written into every result; readers accept exactly the versions listed in `READABLE_RESULT_SCHEMAS`. */
export const RESULT_SCHEMA = 'meshbench.dev/result/v2';
/** v1 (before per-trial figures) still loads: every field added in v2 is optional. */
export const RESULT_SCHEMA_V1 = 'meshbench.dev/result/v1';
export const READABLE_RESULT_SCHEMAS: readonly string[] = [RESULT_SCHEMA_V1, RESULT_SCHEMA];
/** Schema ids a loaded result may carry. */
export type ResultSchemaId = typeof RESULT_SCHEMA | typeof RESULT_SCHEMA_V1;

/** A result document (product.md §3.3). Everything a report or comparison needs; nothing secret. */
export interface Result {
  schema: ResultSchemaId;
  /** `<UTC yyyymmdd-hhmmss>-<scenario>-<6 hex>`; also the file name without `.json`. */
  id: string;
  tool: { name: 'meshbench'; version: string };
  scenario: { name: string; description?: string; sha256: string; spec: unknown };
  target: ResultTarget;
  labels: Record<string, string>;
  startedAt: string;
  finishedAt: string;
  trials: number;
  summary: Summary;
  /**
   * Each client's own figures (distribution, locality, failover, errors, per-trial figures), in
   * scenario order, when the run had more than one client; `summary` covers them all together.
   * Added within v2 (optional: results without it read as before).
   */
  clients?: ClientResult[];
  /** HdrHistogram compressed base64, values in µs (1 µs … 1 h, 3 significant digits). Keys: see HISTOGRAM_KEYS. */
  histograms: Record<string, string>;
  series: Series;
  events: RunEvent[];
  thresholds: ThresholdOutcome[];
  /** Present when the run was interrupted (SIGINT/SIGTERM): the result holds only the trials that completed. */
  interrupted?: Interrupted;
}

/** One client's figures in a multi-client run. */
export interface ClientResult {
  /** `cluster/workload`, as thresholds name it (`{client=cluster2/sleep}`). */
  name: string;
  summary: Summary;
}

/** Where an interrupted run stopped and what it kept. */
export interface Interrupted {
  trialsRequested: number;
  /** Trials completed and kept in this result; the trial running at the stop is dropped. */
  trialsKept: number;
  /** Index (from 0) of the trial that was running, and the virtual time it had reached. */
  stoppedAtTrial: number;
  stoppedAtVirtualMs: number;
  /**
   * A one-trial run cut mid-way: the trial is kept up to here (virtual ms; every request scheduled
   * before it was measured, the ones in flight at the stop and later are left out), and its
   * figures cover that span. Absent when only completed trials are kept.
   */
  measuredToMs?: number;
}

export type ResultTarget =
  | { kind: 'sim'; istio: string; seed: number; mesh: unknown }
  | {
      kind: 'kube';
      contexts: string[];
      load: 'k6' | 'curl';
      /** Istio version per cluster (istiod image tag). */
      istio: Record<string, string>;
      kubernetes: Record<string, string>;
      /** How precise the times are (added in 0.1; older kube results have none). */
      precision?: KubePrecision;
      /** `istio_requests_total` over the run, when a Prometheus was reachable (added in 0.2). */
      prometheus?: PrometheusCounts;
      /** Requests that reached meshbench against those the load generator sent (older results: none). */
      samples?: KubeSampleAccounting;
    }
  | { kind: 'import'; format: 'k6' | 'fortio'; files: string[]; skippedLines: number };

/** Whether a kube run's samples are all there. */
export interface KubeSampleAccounting {
  received: number;
  /** What the load generator says it sent; absent when it never said (its output was cut). */
  sent?: number;
  /** Why the result is incomplete (missing samples); absent when complete. */
  incomplete?: string;
}

/** Time precision of a kube run: what a latency or an event time can be trusted to. */
export interface KubePrecision {
  /** Resolution of the request timestamps (curl loop: ms from the pod's clock; k6: µs). */
  timestampsMs: number;
  /** How far event times (driver clock) may be off the request times (pod clock): half the clock-sync round trip. */
  alignmentMs: number;
}

/**
 * Histogram key conventions: `latency` (all requests), `latency.<version>`,
 * `latency.phase.<phase name>`, and over trials `failover.recovery`,
 * `failover.firstFailoverSuccess`, `failover.failback`, `failover.errors` (a count, not µs).
 */
export const HISTOGRAM_KEYS = {
  latency: 'latency',
  latencyOfVersion: (v: string) => `latency.${v}`,
  latencyOfPhase: (p: string) => `latency.phase.${p}`,
  recovery: 'failover.recovery',
  firstFailoverSuccess: 'failover.firstFailoverSuccess',
  failback: 'failover.failback',
  errorsDuringFailover: 'failover.errors',
} as const;

export interface Summary {
  requests: number;
  errors: number;
  errorRate: number;
  /** Requests that left the client later than scheduled (open model only), and by how much at worst. */
  lateStarts: { count: number; maxMs: number };
  load: LoadSummary;
  /** HTTP status → count; `0` = connection error/timeout. */
  statusCodes: Record<string, number>;
  /**
   * Envoy response flags of final answers → count, where the target knows them (the simulator):
   * `UO` = a client-side circuit breaker overflowed (local 503). Absent when none.
   */
  responseFlags?: Record<string, number>;
  distribution: Record<string, VersionShare>;
  /** Chi-square goodness of fit of the observed split against the split the policy predicts. */
  distributionTest?: DistributionTest;
  /** Null when the target could not attribute responses to clusters/localities (e.g. fortio imports). */
  locality: LocalityShares | null;
  latencyMs: LatencySummary;
  latencyByVersionMs: Record<string, LatencySummary>;
  phases: PhaseSummary[];
  failover?: FailoverSummary;
  /**
   * Figures of every trial, in trial order (v2; absent in v1 results and in results too large to
   * keep them). Comparisons use trials, not requests, as the unit when both sides have them.
   */
  perTrial?: TrialFigures[];
  /** Wilson 95% interval of `errorRate`, widened by the trial-to-trial variation when there are ≥ 2 trials (v2). */
  errorRateCi95?: [number, number];
  /** Latency values recorded outside the histogram's range (1 µs … 1 h) and clamped into it (v2). */
  clampedLatencies?: number;
  /**
   * Set when the load tool reported latency only as buckets (fortio): percentiles are only as
   * fine as its buckets; `exact` holds what the file states exactly, and `latencyMs.max`/`mean`
   * are taken from it (v2).
   */
  latencyBuckets?: { tool: 'fortio'; exact: { minMs: number; maxMs: number; meanMs: number; count: number } | null };
}

/** How a trial's recovery (or failback) ended. */
export type FailoverOutcome =
  /** Reached: the figure is measured. */
  | 'reached'
  /** Failures went on until the restore or the end of the run: a censored value, ranked worst. */
  | 'never'
  /** Every request after the last failure succeeded, but the run ended before a full judgement window: not measured. */
  | 'run-ended';

/** One trial's figures (ms; counts as counts). */
export interface TrialFigures {
  requests: number;
  errors: number;
  /** Successful responses per version. */
  versions: Record<string, number>;
  /** Median latency of the trial's successful requests (failed ones are left out); null when none succeeded or unknown. */
  okLatencyP50Ms: number | null;
  failover?: TrialFailover;
}

/** One trial's failover figures (product.md §4). */
export interface TrialFailover {
  recovery: FailoverOutcome;
  /** Set when `recovery` is `reached`. */
  recoveryMs: number | null;
  /** Null when no success outside the faulted workload completed after the fault. */
  firstFailoverSuccessMs: number | null;
  errorsDuringFailover: number;
  /** Absent without a restore event. */
  failback?: FailoverOutcome;
  failbackMs: number | null;
}

export interface LoadSummary {
  model: 'open' | 'closed';
  ratePerS?: number;
  concurrency?: number;
  durationMs: number;
  /** Time between two scheduled requests (1/rate), the finest resolution of every time figure. */
  resolutionMs: number;
}

export interface VersionShare {
  count: number;
  /** Share of successful responses. */
  share: number;
  /** Wilson 95% interval of `share`. */
  ci95: [number, number];
  /** What the policy predicts (explain), when known. */
  expectedShare?: number;
}

export interface DistributionTest {
  /** Which requests were tested (`all`, or the phase before the first timeline event). */
  phase: string;
  expected: Record<string, number>;
  /** Infinity (written as null in JSON) when a version was observed that the policy gives no share (see `unexpected`). */
  chiSquare: number;
  df: number;
  pValue: number;
  /** Versions observed although the policy predicts a share of 0 (the prediction is refuted, pValue 0). */
  unexpected?: string[];
  /** Versions tested as one category: their split is per connection through an east-west gateway (explain's pinning). */
  pooled?: string[][];
}

export interface LocalityShares {
  /** Share of successful responses served from the client's own locality (region, zone, subzone equal). */
  sameLocality: number;
  sameCluster: number;
  sameNetwork: number;
  /** Share of successful responses per serving cluster. */
  byCluster: Record<string, number>;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** One phase of the run: before the fault, fault..restore, after (or the whole run without a timeline). */
export interface PhaseSummary {
  name: string;
  fromMs: number;
  /** Null = until the end of the run. */
  toMs: number | null;
  requests: number;
  errors: number;
  errorRate: number;
  distribution: Record<string, { count: number; share: number }>;
  latencyMs: LatencySummary;
}

/** A figure over trials (one trial: every percentile equals the value). */
export interface Distribution {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface FailoverSummary {
  fault: string;
  restore?: string;
  resolutionMs: number;
  trials: number;
  recoveryMs: Distribution | null;
  firstFailoverSuccessMs: Distribution | null;
  errorsDuringFailover: Distribution;
  failbackMs: Distribution | null;
  /** Trials with no failed request after the fault. */
  hitless: number;
  /** Trials where traffic never recovered before restore / end of run (censored: they count as worse than any value). */
  notRecovered: number;
  /** Trials where failback never completed before the end of the run. */
  notFailedBack: number;
  /**
   * Of `notRecovered`: trials whose traffic was clean after the last failure but whose run ended
   * before a full judgement window (v2; "not measured: run ended", not "never recovered").
   */
  recoveryRunEnded?: number;
  /** Of `notFailedBack`: the run ended before a full failback window after the restore (v2). */
  failbackRunEnded?: number;
}

export interface Series {
  bucketMs: number;
  requests: number[];
  errors: number[];
  byVersion: Record<string, number[]>;
  /** p99 latency per bucket, null for an empty bucket. */
  p99Ms: Array<number | null>;
}
