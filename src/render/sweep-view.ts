import type { SweepCellResult, SweepMeasure, SweepSet } from '../model/sweep.js';
import { formatMs, formatNumber, formatPercent } from './format.js';

/**
 * What the terminal and the HTML page draw of a sweep: dimensions that vary (one value = a fixed
 * setting, said once), one row per cell, and with exactly two varying dimensions a grid per
 * measure (rows: the first, columns: the second).
 */
export interface SweepGrid {
  measure: SweepMeasure;
  rowPath: string;
  colPath: string;
  rowValues: string[];
  colValues: string[];
  /** cells[row][col]; null where the cell did not run (interrupted). */
  cells: Array<Array<SweepCellResult | null>>;
}

export interface SweepView {
  set: SweepSet;
  /** Indexes (into set.dimensions) of the dimensions with more than one value. */
  varying: number[];
  /** `path=value` of the dimensions with one value. */
  fixed: string[];
  grids: SweepGrid[] | null;
}

export function sweepView(set: SweepSet): SweepView {
  const varying = set.dimensions.map((d, i) => (d.values.length > 1 ? i : -1)).filter((i) => i >= 0);
  const fixed = set.dimensions.filter((d) => d.values.length === 1).map((d) => `${d.path}=${d.values[0]}`);
  let grids: SweepGrid[] | null = null;
  if (varying.length === 2) {
    const [r, c] = varying as [number, number];
    const rowDim = set.dimensions[r]!;
    const colDim = set.dimensions[c]!;
    const cellAt = (rv: string, cv: string) => set.cells.find((x) => x.values[r] === rv && x.values[c] === cv) ?? null;
    grids = set.measures.map((m) => ({
      measure: m,
      rowPath: rowDim.path,
      colPath: colDim.path,
      rowValues: rowDim.values,
      colValues: colDim.values,
      cells: rowDim.values.map((rv) => colDim.values.map((cv) => cellAt(rv, cv))),
    }));
  }
  return { set, varying, fixed, grids };
}

/** A measure's value in its unit; `n/a` when the summary could not say (e.g. no trial recovered). */
export function formatMeasure(m: SweepMeasure, v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  if (m.unit === 'ms') return formatMs(v);
  if (m.unit === 'fraction') return formatPercent(v);
  return formatNumber(v);
}
