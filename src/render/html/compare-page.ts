import { FAILOVER_FIGURES, type CompareSubject, type CompareView, type FailoverFigure } from '../compare-view.js';
import { describeLabels } from '../describe.js';
import { formatCount, formatMs, formatNumber, formatP, formatPercent } from '../format.js';
import { sharePerBucket } from '../series.js';
import { spectrumPoints } from '../spectrum.js';
import { esc } from './escape.js';
import { figureHtml, sectionHtml, simpleTable } from './figure.js';
import { localityFigure, overTrialsFigure, ratioOverTimeFigure, spectrumFigure } from './figures.js';
import { htmlPage } from './page.js';
import { significanceRows } from './verdict-rows.js';

/**
 * `compare --html`: the comparison as one offline page in the terminal's order (header, errors,
 * distribution, locality, latency, failover, overlays), then every significance test in one table.
 */
export function renderCompareHtml(view: CompareView, generator: string): string {
  const parts = [
    headerHtml(view),
    errorsHtml(view),
    distributionHtml(view),
    localityHtml(view),
    latencyHtml(view),
    failoverHtml(view),
    shareOverlay(view),
    spectrumOverlay(view),
    significanceHtml(view),
  ];
  const base = view.subjects[0]?.key ?? '';
  return htmlPage(`Compare · ${view.subjects.map((s) => s.key).join(' vs ')} (baseline ${base})`, parts.filter((p) => p !== null).join('\n'), generator);
}

function headerHtml(view: CompareView): string {
  const n = view.subjects.reduce((a, s) => a + s.results.length, 0);
  const what = view.by !== null ? `${n} results in ${view.subjects.length} groups by ${view.by}` : `${n} results`;
  const rows = view.subjects.map((s) => [
    s.key,
    [formatCount(s.trials), s.trials] as [string, number],
    view.by === null ? describeLabels(s.results[0]?.labels ?? {}) : `${s.results.length} result${s.results.length === 1 ? '' : 's'}`,
    [...new Set(s.results.map((r) => r.target))].join(', '),
    s.results.map((r) => r.id).join(', '),
  ]);
  const warnings = view.warnings.map((w) => `<p class="warn"><strong>warning:</strong> ${esc(w)}</p>`).join('\n');
  return `<header>\n<h1>Compare <span class="muted">· ${esc(what)} · baseline ${esc(view.subjects[0]?.key ?? '')} · α = ${view.alpha} per test</span></h1>\n${simpleTable([view.by ?? 'key', 'trials', view.by === null ? 'labels' : 'results', 'target', 'ids'], rows, 1)}${warnings}\n</header>`;
}

function errorsHtml(view: CompareView): string {
  const rows = view.subjects.map((s) => [s.key, [formatCount(s.requests), s.requests], [formatCount(s.errors), s.errors], [formatPercent(s.errorRate), s.errorRate]] as Array<string | [string, number | null]>);
  return sectionHtml('Requests and errors', simpleTable(['subject', 'requests', 'failed', 'error rate'], rows));
}

function shareOf(s: CompareSubject, v: string): number {
  const n = Object.values(s.versions).reduce((a, b) => a + b, 0);
  return n === 0 ? 0 : (s.versions[v] ?? 0) / n;
}

function distributionHtml(view: CompareView): string | null {
  const versions = [...new Set(view.subjects.flatMap((s) => Object.keys(s.versions)))].sort();
  if (versions.length === 0) return null;
  const rows = view.subjects.map((s) => [s.key, ...versions.map((v): [string, number] => [formatPercent(shareOf(s, v)), shareOf(s, v)])]);
  return sectionHtml('Distribution (share of successful responses)', simpleTable(['subject', ...versions], rows));
}

function localityHtml(view: CompareView): string | null {
  const withLocality = view.subjects.filter((s) => s.locality !== null);
  if (withLocality.length === 0) return null;
  const subjects = withLocality.map((s) => ({ name: s.key, shares: { 'same locality': s.locality!.sameLocality, 'same cluster': s.locality!.sameCluster, 'same network': s.locality!.sameNetwork } }));
  return sectionHtml('Locality (successful responses)', figureHtml(localityFigure('Locality per subject', subjects)));
}

function latencyHtml(view: CompareView): string {
  const rows = view.subjects.map((s) => {
    const l = s.latencyMs;
    if (l === null) return [s.key, 'n/a', '', '', '', '', ''];
    return [s.key, [formatCount(l.count), l.count], ...[l.p50, l.p90, l.p99, l.p999, l.max].map((v): [string, number] => [formatMs(v), v])] as Array<string | [string, number | null]>;
  });
  return sectionHtml('Latency', simpleTable(['subject', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'], rows));
}

const FIGURE_TITLES: Record<FailoverFigure, { title: string; unit: 'ms' | 'count'; censored: string }> = {
  recovery: { title: 'Recovery over trials', unit: 'ms', censored: 'not recovered' },
  firstFailoverSuccess: { title: 'First failover success over trials', unit: 'ms', censored: 'none' },
  errorsDuringFailover: { title: 'Errors during failover over trials', unit: 'count', censored: 'no value' },
  failback: { title: 'Failback over trials', unit: 'ms', censored: 'not failed back' },
};

/** Trials of a subject without a value of this figure (never recovered, never failed back). */
function censoredOf(s: CompareSubject, f: FailoverFigure): number {
  const fo = s.failover!;
  if (f === 'recovery') return fo.notRecovered;
  if (f === 'failback') return fo.notFailedBack;
  return Math.max(0, fo.trials - (fo.figures[f].summary?.n ?? 0));
}

function failoverHtml(view: CompareView): string | null {
  const subjects = view.subjects.filter((s) => s.failover !== null);
  if (subjects.length === 0) return null;
  const rows: Array<Array<string | [string, number | null]>> = [];
  for (const s of subjects) {
    const fo = s.failover!;
    for (const f of FAILOVER_FIGURES) {
      const d = fo.figures[f].summary;
      const unit = FIGURE_TITLES[f].unit;
      const fmt = (v: number) => (unit === 'ms' ? formatMs(v) : formatNumber(v));
      rows.push([`${s.key} · ${f}`, [formatCount(fo.trials), fo.trials], [formatCount(censoredOf(s, f)), censoredOf(s, f)], ...(d === null ? (['-', '-', '-'] as string[]) : [d.p50, d.p99, d.max].map((v): [string, number] => [fmt(v), v]))]);
    }
  }
  const figures = FAILOVER_FIGURES.filter((f) => subjects.some((s) => s.failover!.figures[f].histogram !== null)).map((f) =>
    figureHtml(
      overTrialsFigure(
        FIGURE_TITLES[f].title,
        FIGURE_TITLES[f].unit,
        FIGURE_TITLES[f].censored,
        subjects.map((s) => ({ name: s.key, histogram: s.failover!.figures[f].histogram, trials: s.failover!.trials, censored: censoredOf(s, f) })),
      ),
    ),
  );
  return sectionHtml('Failover (over trials; censored = trials without a value)', simpleTable(['subject · figure', 'trials', 'censored', 'p50', 'p99', 'max'], rows) + figures.join('\n'));
}

function shareOverlay(view: CompareView): string | null {
  const v = view.mainVersion;
  const withSeries = view.subjects.filter((s) => s.series !== null && s.series.requests.length > 0);
  if (v === null || withSeries.length === 0) return null;
  const bucketMs = Math.max(...withSeries.map((s) => s.series!.bucketMs));
  // Subjects share the coarsest bucket size (compare sums groups that way); a finer series is drawn at its own buckets.
  const lines = withSeries.map((s) => ({ name: s.key, values: sharePerBucket(s.series!)[v] ?? s.series!.requests.map(() => 0) }));
  const sameBuckets = withSeries.every((s) => s.series!.bucketMs === bucketMs);
  const title = `Share of ${v} over time`;
  return sameBuckets ? sectionHtml(title, figureHtml(ratioOverTimeFigure(title, `share of ${v}`, bucketMs, lines, view.subjects[0]!.events, 1))) : null;
}

function spectrumOverlay(view: CompareView): string | null {
  const spectra = view.subjects.filter((s) => s.latency !== null).map((s) => ({ name: s.key, points: spectrumPoints(s.latency!) }));
  if (spectra.length === 0) return null;
  return sectionHtml('Latency percentile spectrum', figureHtml(spectrumFigure('Latency percentile spectra', spectra)));
}

function significanceHtml(view: CompareView): string {
  const rows = significanceRows(view).map((r) => [r.subject, r.figure, r.test, r.pValue === null ? '-' : [formatP(r.pValue), r.pValue], r.verdict] as Array<string | [string, number | null]>);
  const note = `<p class="muted">Each test at α = ${view.alpha} on its own (no correction for multiple tests); higher latency, error rate or failover time = worse. Baseline: ${esc(view.subjects[0]?.key ?? '')}.</p>`;
  const table = simpleTable(['subject', 'figure', 'test', 'p', 'verdict'], rows, 3)
    .replace(/<td>(worse[^<]*)<\/td>/g, '<td class="bad">$1</td>')
    .replace(/<td>(better[^<]*)<\/td>/g, '<td class="ok">$1</td>');
  return sectionHtml('Significance', table + note);
}
