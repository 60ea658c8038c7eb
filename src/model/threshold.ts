/**
 * Parsed threshold expressions (product.md §5):
 * `<metric path>[{client=<cluster>/<workload>}] <op> <value> [during <event>..<event>]`.
 */
export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';

/**
 * A threshold value with its unit resolved. Durations compare against millisecond metrics,
 * percentages are stored as fractions (`1%` → 0.01), plain numbers as given.
 */
export type ThresholdValue =
  | { unit: 'ms'; value: number }
  | { unit: 'fraction'; value: number }
  | { unit: 'number'; value: number };

export interface Threshold {
  /** The expression as the user wrote it. */
  expr: string;
  /** Metric path split on dots, e.g. `['failover', 'recovery', 'p99']`. */
  metric: string[];
  op: ThresholdOp;
  value: ThresholdValue;
  /**
   * Read the metric from one client's figures (`distribution.v2.share{client=cluster2/sleep}`):
   * `cluster/workload` of a scenario client. Absent = the figures of every client together.
   */
  client?: string;
  /** Restrict the metric to requests scheduled between two named events (`during fault..restore`). */
  during?: { from: string; to: string };
}

/** Outcome stored in the result (product.md §3.3 `thresholds`). */
export interface ThresholdOutcome {
  expr: string;
  /** Observed value in the metric's unit (ms for durations, fraction for shares/rates); null when not measurable. */
  value: number | null;
  ok: boolean;
  /** Why the value is null or the threshold could not be judged. */
  note?: string;
}
