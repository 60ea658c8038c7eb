import { chartColumns, renderChart, type ChartLine } from './chart.js';
import { clientsCompare } from './compare-clients.js';
import { eventsAlignment } from './compare-events.js';
import { compareHeader, distributionTable, errorsTable, failoverTable, latencyTable, localityTable } from './compare-sections.js';
import type { CompareView } from './compare-view.js';
import { eventMarkers, ratioPerColumnByTime, timeTicks } from './series.js';
import { renderSpectrum } from './spectrum.js';
import type { Style } from './style.js';
import { paragraph, section } from './table.js';

/**
 * `meshbench compare`: side-by-side tables of key figures with deltas against the baseline and a
 * significance verdict per delta, then overlaid charts (share of the main version over time,
 * latency spectra). Fits `style.width`; the legend names each line by its glyph, so overlays read
 * without colour.
 */
export function renderCompare(view: CompareView, style: Style): string {
  const parts: Array<string | null> = [
    compareHeader(view, style),
    errorsTable(view, style),
    distributionTable(view, style),
    localityTable(view, style),
    latencyTable(view, style),
    failoverTable(view, style),
    clientsCompare(view, style),
    eventsAlignment(view, style),
    shareOverlay(view, style),
    spectrumOverlay(view, style),
    paragraph(`Verdicts: each test at α = ${view.alpha} on its own (no correction for multiple tests); higher latency, error rate or failover time = worse.`, style, { indent: 0, color: 'dim' }),
  ];
  return `${parts.filter((p): p is string => p !== null).join('\n\n')}\n`;
}

function shareOverlay(view: CompareView, style: Style): string | null {
  const v = view.mainVersion;
  const withSeries = view.subjects.filter((s) => s.series !== null && s.series.requests.length > 0);
  if (v === null || withSeries.length === 0) return null;
  const columns = chartColumns(style);
  const spanMs = Math.max(...withSeries.map((s) => s.series!.requests.length * s.series!.bucketMs));
  const lines: ChartLine[] = withSeries.map((s) => ({
    name: s.key,
    values: ratioPerColumnByTime(s.series!.byVersion[v] ?? s.series!.requests.map(() => 0), s.series!.requests, s.series!.bucketMs, spanMs, columns),
  }));
  const bucketMs = Math.max(...withSeries.map((s) => s.series!.bucketMs));
  const markers = eventMarkers(view.subjects[0]!.events, spanMs, columns, bucketMs);
  const chart = renderChart({ lines, height: 10, min: 0, max: 1, yFormat: (x) => `${Math.round(x * 1000) / 10}%`, xTicks: timeTicks(spanMs, columns, bucketMs), markers, legend: true }, style);
  return section(`Share of ${v} over time`, chart, style);
}

function spectrumOverlay(view: CompareView, style: Style): string | null {
  const inputs = view.subjects.filter((s) => s.latency !== null).map((s) => ({ name: s.key, histogram: s.latency! }));
  if (inputs.length === 0) return null;
  return section('Latency percentile spectrum (log axis of nines)', renderSpectrum(inputs, style), style);
}
