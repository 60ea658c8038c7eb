import type { ClientPlacement } from '../model/sample.js';
import type { Threshold } from '../model/threshold.js';

/**
 * The load model of the trial. `durationUs` is the scheduling horizon (no request is scheduled at
 * or after it); absent for imports of unknown length (then the last completion is used).
 * Without `ratePerS` the resolution is the observed mean gap between scheduled times.
 */
export interface LoadSpec {
  model: 'open' | 'closed';
  ratePerS?: number;
  concurrency?: number;
  durationUs?: number;
}

/** Options of `createAccumulator`. */
export interface AccumulatorOptions {
  load: LoadSpec;
  /** Where the client runs; null/absent = locality shares unknown (`summary.locality` null). */
  client?: ClientPlacement | null;
  /** Network of each cluster, for `sameNetwork`; a cluster missing here counts as another network unless it is the client's. */
  clusterNetworks?: Readonly<Record<string, string>>;
  /** Version → share the policy predicts (explain), for the chi-square test; absent = no test. */
  expectedShares?: Readonly<Record<string, number>>;
  /**
   * Versions the test counts as one category, because their split is per connection (several
   * versions behind one east-west gateway: pooled-versions.ts); absent = every version on its own.
   */
  pooledVersions?: ReadonlyArray<readonly string[]>;
  /** Event names of the failover measure; absent = no failover figures and one phase `all`. */
  failover?: { fault: string; restore?: string } | null;
  /** Version of the deployment the fault event takes down; default: the version that served most successes before the fault. */
  faultedVersion?: string;
  /**
   * Versions the fault takes down when it is more than one deployment (a gateway stands for every
   * workload behind it); wins over `faultedVersion`.
   */
  faultedVersions?: readonly string[];
  /** Thresholds of the scenario; their `during a..b` windows get their own counts. */
  thresholds?: readonly Threshold[];
  /** Series bucket size (µs); default from `chooseBucketUs(load.durationUs)`. */
  bucketUs?: number;
  /**
   * Keep per-request columns (default true). Phases, `during` windows and failover figures need
   * them; imports stream with false and get only whole-run measures.
   */
  keepSamples?: boolean;
  /**
   * With `keepSamples: false`: still give phases, `during` windows, the distribution test and
   * failover figures, by handing the rows on in scheduled order (`Sample.seq`, required) and
   * counting them as they pass, cut at the events seen so far (`Accumulator.watch`). Memory is
   * the requests in flight instead of a row per request (issue 17, long trials).
   */
  orderedStream?: boolean;
  /** Share of a failback window the restored workload must serve (default 0.99, product.md §4). */
  failbackShare?: number;
}
