import { errorChart, shareChart } from './report-charts.js';
import {
  distributionSection,
  failoverSection,
  headerSection,
  latencySection,
  localitySection,
  requestsSection,
  thresholdsSection,
} from './report-sections.js';
import { clientsSection } from './clients-section.js';
import { eventsSection } from './events-section.js';
import { prometheusSection } from './prometheus-section.js';
import type { ReportView } from './report-view.js';
import { renderSpectrum } from './spectrum.js';
import type { Style } from './style.js';
import { section } from './table.js';

/**
 * The human report of one result (`meshbench report`): summary, tables, and charts of share per
 * version and error rate over time (fault/restore marked) and the latency percentile spectrum.
 * Fits `style.width`; readable without colour.
 */
export function renderReport(view: ReportView, style: Style): string {
  const r = view.result;
  const parts: Array<string | null> = [
    headerSection(r, view.source, style),
    requestsSection(r, style),
    clientsSection(r.clients, r.trials, style),
    distributionSection(r, view.alpha, style),
    localitySection(r, style),
    prometheusSection(r, style),
    latencySection(r, style),
    failoverSection(r, style),
    eventsSection(r, style),
    thresholdsSection(r, style),
    shareChart(r, style),
    errorChart(r, style),
    view.spectra.length > 0 ? section('Latency percentile spectrum (log axis of nines)', renderSpectrum(view.spectra, style), style) : null,
  ];
  return `${parts.filter((p): p is string => p !== null).join('\n\n')}\n`;
}

/** Several reports, separated by a rule. */
export function renderReports(views: readonly ReportView[], style: Style): string {
  const rule = `${style.paint('═'.repeat(Math.min(style.width, 100)), 'dim')}\n`;
  return views.map((v) => renderReport(v, style)).join(`\n${rule}\n`);
}
