import { Histogram } from '../../measure/histogram.js';
import { HISTOGRAM_KEYS, type Distribution, type LatencySummary, type Result } from '../../model/result.js';
import { describeLabels, describeLoad, describeTarget, formatThresholdValue, statusLabel } from '../describe.js';
import { formatCount, formatDuration, formatMs, formatNumber, formatP, formatPercent, formatTimestamp } from '../format.js';
import { CLIENTS_NOTE, clientColumns, clientRow, clientsTitle } from '../clients-section.js';
import type { ReportView } from '../report-view.js';
import { errorRatePerBucket, sharePerBucket } from '../series.js';
import { spectrumPoints } from '../spectrum.js';
import { esc } from './escape.js';
import { factsHtml, figureHtml, sectionHtml, simpleTable } from './figure.js';
import { localityFigure, overTrialsFigure, ratioOverTimeFigure, spectrumFigure, type TrialValues } from './figures.js';
import { htmlPage } from './page.js';
import { pooledNote } from '../report-sections.js';

/**
 * `report --html`: the terminal report as one offline page, section for section in the same
 * order (header, requests, distribution, locality, latency, failover, thresholds, share over time,
 * error rate over time, latency spectrum), each chart with its text alternative and data table.
 */
export function renderReportsHtml(views: readonly ReportView[], generator: string): string {
  const title = views.length === 1 ? `${views[0]!.result.scenario.name} · ${views[0]!.result.id}` : `${views.length} meshbench results`;
  return htmlPage(title, views.map(reportArticle).join('\n<hr>\n'), generator);
}

function reportArticle(view: ReportView): string {
  const r = view.result;
  const parts = [
    headerHtml(r, view.source),
    requestsHtml(r),
    clientsHtml(r),
    distributionHtml(r, view.alpha),
    localityHtml(r),
    latencyHtml(r),
    failoverHtml(r),
    thresholdsHtml(r),
    shareHtml(r),
    errorsHtml(r),
    view.spectra.length > 0
      ? sectionHtml('Latency percentile spectrum', figureHtml(spectrumFigure('Latency percentile spectrum', view.spectra.map((s) => ({ name: s.name, points: spectrumPoints(s.histogram) })))))
      : null,
  ];
  return `<article data-result="${esc(r.id)}">\n${parts.filter((p) => p !== null).join('\n')}\n</article>`;
}

function headerHtml(r: Result, source: string): string {
  const rows: Array<[string, string]> = [
    ['target', describeTarget(r.target, r.trials, { mesh: true })],
    ['labels', describeLabels(r.labels)],
    ['run', `${formatTimestamp(r.startedAt)} · ${formatCount(r.trials)} trial${r.trials === 1 ? '' : 's'} · meshbench ${r.tool.version}`],
    ['load', describeLoad(r.summary.load)],
  ];
  if (source !== r.id && source !== `${r.id}.json`) rows.push(['file', source]);
  const about = r.scenario.description !== undefined ? `<p class="muted">${esc(r.scenario.description)}</p>` : '';
  const closed = r.summary.load.model === 'closed' ? '<p class="warn">Closed model (a curl loop): each request waits for the previous one, so latency and rates are not comparable with open-model runs.</p>' : '';
  const verdict = thresholdVerdict(r);
  return `<header>\n<h1>${esc(r.scenario.name)} <span class="muted">· ${esc(r.id)}</span></h1>\n${about}${verdict}${factsHtml(rows)}${closed}\n</header>`;
}

/** One line at the top: did the run pass its thresholds. */
function thresholdVerdict(r: Result): string {
  if (r.thresholds.length === 0) return '';
  const failed = r.thresholds.filter((t) => !t.ok).length;
  return failed === 0
    ? `<p class="ok" data-verdict="pass">All ${r.thresholds.length} thresholds passed.</p>`
    : `<p class="bad" data-verdict="fail">${failed} of ${r.thresholds.length} thresholds failed.</p>`;
}

function requestsHtml(r: Result): string {
  const s = r.summary;
  const codes = Object.entries(s.statusCodes)
    .sort(([a], [b]) => (a === '0' ? 1000 : Number(a)) - (b === '0' ? 1000 : Number(b)))
    .map(([code, n]): [string, [string, number]] => [statusLabel(code), [formatCount(n), n]]);
  const rows: Array<Array<string | [string, number | null]>> = [
    ['requests', [formatCount(s.requests), s.requests]],
    ['failed', [s.errors > 0 ? `${formatCount(s.errors)} (${formatPercent(s.errorRate)})` : '0', s.errors]],
    ...codes.map(([label, cell]) => [`status ${label}`, cell]),
    ['late starts', [s.lateStarts.count > 0 ? `${formatCount(s.lateStarts.count)} (worst ${formatMs(s.lateStarts.maxMs)})` : '0', s.lateStarts.count]],
  ];
  return sectionHtml('Requests', simpleTable(['', 'value'], rows));
}

/** Runs with several clients: each client's figures (the terminal report's Clients table). */
function clientsHtml(r: Result): string | null {
  if (r.clients === undefined || r.clients.length < 2) return null;
  return sectionHtml(clientsTitle(r.clients.length), simpleTable(clientColumns(r.trials), r.clients.map(clientRow)) + `<p class="muted">${esc(CLIENTS_NOTE)}</p>`);
}

function distributionHtml(r: Result, alpha: number): string {
  const s = r.summary;
  const versions = Object.keys(s.distribution).sort();
  const title = 'Distribution (successful responses per version)';
  if (versions.length === 0) return sectionHtml(title, '<p>No successful response carried a version.</p>');
  const test = s.distributionTest;
  const expectedOverall = test !== undefined && test.phase === 'all' ? test.expected : undefined;
  const expectedOf = (v: string) => s.distribution[v]?.expectedShare ?? expectedOverall?.[v];
  const rows = versions.map((v) => {
    const d = s.distribution[v]!;
    const e = expectedOf(v);
    return [v, [formatCount(d.count), d.count], [formatPercent(d.share), d.share], `${formatPercent(d.ci95[0])} – ${formatPercent(d.ci95[1])}`, e === undefined ? ['-', null] : [formatPercent(e), e]] as Array<string | [string, number | null]>;
  });
  let verdict = '';
  if (test !== undefined) {
    const ok = test.pValue >= alpha;
    const chi = Number.isFinite(test.chiSquare) ? formatNumber(test.chiSquare) : '∞ (a version predicted to get nothing answered)';
    const phase = test.phase !== 'all' ? ` Tested on phase "${esc(test.phase)}".` : '';
    const pooled = test.pooled !== undefined ? ` ${esc(pooledNote(test.pooled))}.` : '';
    verdict = `<p>χ² = ${esc(chi)}, df ${test.df}, ${esc(formatP(test.pValue))}: <span class="${ok ? 'ok' : 'bad'}">${ok ? 'consistent with' : 'differs from'} the predicted split</span> (α = ${alpha}).${phase}${pooled}</p>`;
  }
  return sectionHtml(title, simpleTable(['version', 'responses', 'share', '95% CI', 'predicted'], rows) + verdict);
}

function localityHtml(r: Result): string {
  const l = r.summary.locality;
  const title = `Locality (successful responses, ${r.clients !== undefined ? "relative to each request's own client" : 'relative to the client'})`;
  if (l === null) return sectionHtml(title, '<p>Not measured (responses carry no cluster or locality).</p>');
  const shares: Record<string, number> = { 'same locality': l.sameLocality, 'same cluster': l.sameCluster, 'same network': l.sameNetwork };
  for (const [c, x] of Object.entries(l.byCluster).sort(([a], [b]) => (a < b ? -1 : 1))) shares[`served by ${c}`] = x;
  return sectionHtml(title, figureHtml(localityFigure('Locality of successful responses', [{ name: 'share', shares }])));
}

function latencyCells(label: string, l: LatencySummary): Array<string | [string, number | null]> {
  return [label, [formatCount(l.count), l.count], ...[l.p50, l.p90, l.p99, l.p999, l.max, l.mean].map((v): [string, number] => [formatMs(v), v])];
}

function latencyHtml(r: Result): string {
  const s = r.summary;
  const rows = [latencyCells('all', s.latencyMs)];
  for (const v of Object.keys(s.latencyByVersionMs).sort()) rows.push(latencyCells(`version ${v}`, s.latencyByVersionMs[v]!));
  if (s.phases.length > 1) for (const p of s.phases) rows.push(latencyCells(`phase ${p.name} ${formatDuration(p.fromMs)}–${p.toMs === null ? 'end' : formatDuration(p.toMs)}`, p.latencyMs));
  return sectionHtml('Latency (from the scheduled send time)', simpleTable(['requests', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'], rows));
}

function figureCells(d: Distribution | null, unit: 'ms' | 'count', missing: string): Array<string | [string, number | null]> {
  if (d === null) return [missing, '', '', '', '', ''];
  const f = (v: number) => (unit === 'ms' ? formatMs(v) : Number.isInteger(v) ? formatCount(v) : formatNumber(v));
  return [[formatCount(d.n), d.n], ...[d.min, d.p50, d.p90, d.p99, d.max].map((v): [string, number] => [f(v), v])];
}

/** A stored histogram over trials; a damaged one draws no curve (the table above still holds the figures). */
function decode(r: Result, key: string): Histogram | null {
  const encoded = r.histograms[key];
  if (encoded === undefined) return null;
  try {
    return Histogram.decode(encoded);
  } catch {
    return null;
  }
}

function failoverHtml(r: Result): string | null {
  const f = r.summary.failover;
  if (f === undefined) return null;
  const res = `±${formatDuration(f.resolutionMs)}`;
  const rows: Array<Array<string | [string, number | null]>> = [
    ['recovery', ...figureCells(f.recoveryMs, 'ms', 'not recovered'), res],
    ['first failover success', ...figureCells(f.firstFailoverSuccessMs, 'ms', 'none'), res],
    ['errors during failover', ...figureCells(f.errorsDuringFailover, 'count', '-'), 'exact'],
    ['failback', ...figureCells(f.failbackMs, 'ms', f.restore === undefined ? 'no restore' : 'not failed back'), res],
  ];
  const of = `of ${formatCount(f.trials)} trial${f.trials === 1 ? '' : 's'}`;
  const counts = `<p>hitless <span data-count="hitless">${formatCount(f.hitless)}</span> ${of} · not recovered <span data-count="notRecovered">${formatCount(f.notRecovered)}</span> · not failed back <span data-count="notFailedBack">${formatCount(f.notFailedBack)}</span></p>`;
  const figures: string[] = [];
  if (f.trials > 1) {
    const one = (name: string, key: string, censored: number): TrialValues[] => [{ name, histogram: decode(r, key), trials: f.trials, censored }];
    figures.push(figureHtml(overTrialsFigure('Recovery over trials', 'ms', 'not recovered', one('recovery', HISTOGRAM_KEYS.recovery, f.notRecovered))));
    figures.push(figureHtml(overTrialsFigure('Errors during failover over trials', 'count', 'no value', one('errors', HISTOGRAM_KEYS.errorsDuringFailover, 0))));
    if (f.restore !== undefined) figures.push(figureHtml(overTrialsFigure('Failback over trials', 'ms', 'not failed back', one('failback', HISTOGRAM_KEYS.failback, f.notFailedBack))));
  }
  const title = `Failover (${f.fault} → ${f.restore ?? 'end of run'}${f.trials > 1 ? `, over ${formatCount(f.trials)} trials` : ''})`;
  return sectionHtml(title, simpleTable(['figure', 'trials', 'min', 'p50', 'p90', 'p99', 'max', 'resolution'], rows) + counts + figures.join('\n'));
}

function thresholdsHtml(r: Result): string | null {
  if (r.thresholds.length === 0) return null;
  const rows = r.thresholds.map((t) => [t.ok ? '✓ ok' : '✗ FAIL', t.expr, [formatThresholdValue(t.expr, t.value), t.value], t.note ?? ''] as Array<string | [string, number | null]>);
  const table = simpleTable(['', 'threshold', 'observed', 'note'], rows, 2).replace(/<th scope="row">✓ ok<\/th>/g, '<th scope="row" class="ok">✓ ok</th>').replace(/<th scope="row">✗ FAIL<\/th>/g, '<th scope="row" class="bad">✗ FAIL</th>');
  const passed = r.thresholds.filter((t) => t.ok).length;
  return sectionHtml('Thresholds', `${table}<p>${passed} of ${r.thresholds.length} passed</p>`);
}

function shareHtml(r: Result): string | null {
  const shares = sharePerBucket(r.series);
  const versions = Object.keys(shares).sort();
  if (versions.length === 0 || r.series.requests.length === 0) return null;
  const title = 'Share of requests per version over time';
  return sectionHtml(title, figureHtml(ratioOverTimeFigure(title, 'share of requests', r.series.bucketMs, versions.map((v) => ({ name: v, values: shares[v]! })), r.events, 1)));
}

function errorsHtml(r: Result): string | null {
  if (r.series.requests.length === 0) return null;
  const title = 'Error rate over time';
  if (r.series.errors.every((e) => e === 0)) return sectionHtml(title, '<p>No failed requests.</p>');
  return sectionHtml(title, figureHtml(ratioOverTimeFigure(title, 'error rate', r.series.bucketMs, [{ name: 'error rate', values: errorRatePerBucket(r.series) }], r.events)));
}
