import type { Histogram } from '../measure/histogram.js';
import { chartColumns, renderChart, type ChartLine } from './chart.js';
import { formatMs, formatPercentile } from './format.js';
import type { Style } from './style.js';

/**
 * Latency percentile spectra: latency (ms) against percentile on a log axis of "nines"
 * (x = log10(1 / (1 − p)): p50 at 0.3, p90 at 1, p99 at 2, p99.9 at 3 …), from HDR histograms.
 * The axis runs from p50 to the deepest percentile the largest histogram resolves (one request
 * in n: x = log10 n, at most six nines); its last column is the maximum.
 */

/** A named histogram to draw (values in µs). */
export interface SpectrumInput {
  name: string;
  histogram: Histogram;
}

/** Percentiles given in machine output (`--json`). */
export const SPECTRUM_PERCENTILES = [50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999, 100] as const;

/** Latency (ms) at one percentile. */
export interface SpectrumPoint {
  percentile: number;
  ms: number;
}

const X_MIN = Math.log10(2);
const X_CAP = 6;

/** The histogram's latency (ms) at each of SPECTRUM_PERCENTILES it resolves (always p50 … p99 and 100). */
export function spectrumPoints(h: Histogram): SpectrumPoint[] {
  if (h.totalCount === 0) return [];
  const deepest = 100 * (1 - 1 / h.totalCount);
  return SPECTRUM_PERCENTILES.filter((p) => p <= 99 || p === 100 || p <= deepest).map((p) => ({ percentile: p, ms: h.percentile(p) / 1000 }));
}

/** Percentile at x on the nines axis. */
function percentileAt(x: number): number {
  return 100 * (1 - 10 ** -x);
}

/** Renders overlaid spectra (y log-scaled when the values span more than a factor of 20). */
export function renderSpectrum(inputs: readonly SpectrumInput[], style: Style): string {
  const present = inputs.filter((i) => i.histogram.totalCount > 0);
  if (present.length === 0) return '  (no latency recorded)';
  const columns = chartColumns(style);
  const maxCount = Math.max(...present.map((i) => i.histogram.totalCount));
  const xMax = Math.min(X_CAP, Math.max(X_MIN + 1, Math.log10(maxCount)));
  const xOf = (c: number) => X_MIN + ((xMax - X_MIN) * c) / (columns - 1);
  const lines: ChartLine[] = present.map((i) => ({
    name: i.name,
    values: Array.from({ length: columns }, (_, c) => (c === columns - 1 ? i.histogram.max : i.histogram.percentile(percentileAt(xOf(c)))) / 1000),
  }));
  const all = lines.flatMap((l) => l.values).filter((v) => v > 0);
  const lo = all.length > 0 ? Math.min(...all) : 1e-3;
  const hi = all.length > 0 ? Math.max(...all) : 1;
  const yLog = hi / Math.max(lo, 1e-3) > 20;
  const ticks = [X_MIN, 1, 2, 3, 4, 5, 6]
    .filter((x) => x <= xMax + 1e-9)
    .map((x) => ({ col: Math.round(((x - X_MIN) / (xMax - X_MIN)) * (columns - 1)), label: `p${formatPercentile(percentileAt(x))}` }));
  ticks.push({ col: columns - 1, label: 'max' });
  return renderChart(
    {
      lines,
      height: 8,
      min: yLog ? Math.max(lo, 1e-3) : 0,
      max: hi,
      ...(yLog ? { yLog } : {}),
      yFormat: (v) => formatMs(v),
      xTicks: ticks,
      legend: present.length > 1,
    },
    style,
  );
}
