import type { MetricUnit } from './metrics.js';
import type { ThresholdOutcome } from './threshold.js';

/** One `--set` of `meshbench sweep`: a path and the values it takes. */
export interface SweepDimension {
  /** As typed: `dr.trafficPolicy.outlierDetection.interval`. */
  path: string;
  values: string[];
}

/** Schema id of a sweep's result-set file. */
export const SWEEP_SCHEMA = 'meshbench.dev/sweep/v1';

/** A measure shown per cell, read from the cell's summary by the threshold metric registry. */
export interface SweepMeasure {
  /** The metric, with its window when it comes from a threshold (`distribution.v2.share during fault..restore`). */
  path: string;
  unit: MetricUnit;
  /** Read as the observed value of this threshold expression (which may restrict the metric to a window). */
  threshold?: string;
}

/** One cell of a finished sweep. */
export interface SweepCellResult {
  /** Value of each dimension, in dimension order. */
  values: string[];
  resultId: string;
  /** Where the cell's result was saved. */
  resultFile: string;
  /** Each measure's value (null: the summary cannot say, e.g. no trial recovered). */
  measures: Record<string, number | null>;
  /** Every threshold of the scenario held in this cell (true when it has none). */
  pass: boolean;
  thresholds: ThresholdOutcome[];
}

/** The result-set file of a sweep: the grid, and per cell its measures and stored result. */
export interface SweepSet {
  schema: typeof SWEEP_SCHEMA;
  id: string;
  scenario: string;
  startedAt: string;
  finishedAt: string;
  seed: number;
  /** Trials per cell. */
  repeat: number;
  dimensions: SweepDimension[];
  measures: SweepMeasure[];
  cells: SweepCellResult[];
}

