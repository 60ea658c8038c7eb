import type { Histogram } from '../measure/histogram.js';
import type { Distribution, LatencySummary, LocalityShares, LoadSummary, Series, TrialFigures } from '../model/result.js';
import type { RunEvent } from '../model/sample.js';

/**
 * What `renderCompare` draws: subjects (single results, or groups of results sharing a label value
 * with histograms and counts merged) and, for every subject after the baseline, a significance
 * verdict per compared figure.
 */

/** The failover figures compared over trials. */
export const FAILOVER_FIGURES = ['recovery', 'firstFailoverSuccess', 'errorsDuringFailover', 'failback'] as const;
/** Name of a failover figure compared over trials. */
export type FailoverFigure = (typeof FAILOVER_FIGURES)[number];

/** One result inside a subject. */
export interface SubjectResult {
  id: string;
  /** As the user named it (path or id). */
  source: string;
  scenario: string;
  /** Short target description, e.g. `sim 1.24 seed 7`. */
  target: string;
  labels: Record<string, string>;
  trials: number;
}

/** A subject's failover figures over all its trials. */
export interface SubjectFailover {
  trials: number;
  hitless: number;
  notRecovered: number;
  notFailedBack: number;
  /** Of `notRecovered`: trials the run ended too early to judge (not measured). */
  recoveryRunEnded?: number;
  /** Coarsest resolution among the subject's results (ms). */
  resolutionMs: number;
  /** Figures over trials (ms; errorsDuringFailover is a count) with the merged histogram when stored. */
  figures: Record<FailoverFigure, { summary: Distribution | null; histogram: Histogram | null }>;
}

/** A compared column: one result, or a group of results with merged counts and histograms. */
export interface CompareSubject {
  /** Short name used in tables and legends: `A`, `B`… or the group's label value. */
  key: string;
  results: SubjectResult[];
  trials: number;
  requests: number;
  errors: number;
  errorRate: number;
  /** Successful responses per version. */
  versions: Record<string, number>;
  /** Shares weighted by successful responses; null when no result attributed localities. */
  locality: LocalityShares | null;
  latency: Histogram | null;
  latencyMs: LatencySummary | null;
  failover: SubjectFailover | null;
  /** Series summed over the subject's results (buckets of the coarsest bucket size). */
  series: Series | null;
  events: RunEvent[];
  loadModels: Array<LoadSummary['model']>;
  /**
   * Every trial's figures, in result order; null when a member result has none (written before
   * result/v2, or an aggregate-only import): the subject's tests then fall back to requests.
   */
  perTrial: TrialFigures[] | null;
}

/** `baseline` for the baseline row; `differs` for tests without a better/worse direction. */
export type VerdictKind = 'baseline' | 'same' | 'better' | 'worse' | 'differs' | 'no-test';

/** The test behind a verdict (`mann-whitney` covers the censored variant; see `censored`). */
export type TestName = 'mann-whitney' | 'chi-square' | 'fisher';

/** The outcome of one significance test of a subject against the baseline. */
export interface Verdict {
  kind: VerdictKind;
  test: TestName | null;
  /**
   * What the test took as independent units: `trials` (per-trial rates, shares, medians or
   * failover figures) or `requests`. A request-level test assumes independent requests, which
   * bursts within a trial break: it is then shown as `descriptive` with kind `no-test`.
   */
  unit?: 'trials' | 'requests';
  /** `exact` (permutation distribution, Fisher) or `normal` (large-sample approximation). */
  method?: 'exact' | 'normal';
  /** True when `pValue` is shown for information only, with no verdict. */
  descriptive?: boolean;
  /** Trials without a value that are ranked worst (never recovered / failed back), per side. */
  censored?: { subject: number; baseline: number };
  /** Trials left out because they were not measured (the run ended before a full window), per side. */
  notMeasured?: { subject: number; baseline: number };
  pValue: number | null;
  /** Mann-Whitney effect: P(subject > baseline) + ½ P(equal); 0.5 = no shift. */
  probabilityOfSuperiority?: number;
  /** Why no test was run (`single trial: no test`, `not measured`). */
  note?: string;
}

/** Every verdict of one subject against the baseline. */
export interface SubjectComparison {
  key: string;
  /** χ² contingency on failed vs successful requests; higher error rate = worse. */
  errors: Verdict;
  /** χ² contingency on responses per version. */
  distribution: Verdict;
  /** Mann-Whitney U on the latency histograms; higher = worse. */
  latency: Verdict;
  /** Mann-Whitney U on the per-trial histograms (both sides need ≥ 2 trials); higher = worse. */
  failover: Record<FailoverFigure, Verdict> | null;
}

/** Everything `renderCompare` draws. */
export interface CompareView {
  alpha: number;
  /** The label results were grouped by, or null for one subject per result. */
  by: string | null;
  /** subjects[0] is the baseline. */
  subjects: CompareSubject[];
  /** One per subject after the baseline, in order. */
  comparisons: SubjectComparison[];
  /** The version with the most successful responses in the baseline (charted over time). */
  mainVersion: string | null;
  /** Things that make the comparison less meaningful (different scenarios, load models). */
  warnings: string[];
  /**
   * Runs with several clients: the same comparison for each client every subject measured, built
   * from that client's figures alone (its per-trial figures make the trials the unit). Absent when
   * a subject has a result without per-client figures.
   */
  clients?: ClientComparison[];
}

/** One client's subjects (baseline first) and verdicts, as in `CompareView`. */
export interface ClientComparison {
  name: string;
  subjects: CompareSubject[];
  comparisons: SubjectComparison[];
}
