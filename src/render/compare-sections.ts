import { reachesCensored, type DistributionStat } from '../model/censored.js';
import type { Distribution, LatencySummary } from '../model/result.js';
import { FAILOVER_FIGURES, type CompareSubject, type CompareView, type FailoverFigure, type Verdict } from './compare-view.js';
import { describeLabels } from './describe.js';
import { formatCount, formatDeltaCount, formatDeltaMs, formatDeltaPp, formatDuration, formatMs, formatNumber, formatP, formatPercent } from './format.js';
import type { Style } from './style.js';
import { paragraph, renderTable, section, type Column } from './table.js';

/** The tables of `meshbench compare`: one row per subject, a Δ row under each non-baseline subject. */

const TEST_NAMES = { 'mann-whitney': 'Mann-Whitney', 'chi-square': 'χ²', fisher: 'Fisher exact' } as const;

/**
 * `same (p=0.41, trials)`, `worse (p<0.001, trials)` (red), `better (…)` (green), `differs (…)`
 * (yellow); a descriptive request-level result as `no verdict: Fisher exact p=0.125 over requests
 * (…why)` (dim); or why there is no test.
 */
export function formatVerdict(v: Verdict, style: Style): string {
  if (v.kind === 'baseline') return style.paint('baseline', 'dim');
  if (v.kind === 'no-test') {
    if (v.descriptive === true && v.pValue !== null && v.test !== null) {
      return style.paint(`no verdict (${TEST_NAMES[v.test]} ${formatP(v.pValue)}, requests)*`, 'dim');
    }
    return style.paint(v.note ?? 'no test', 'dim');
  }
  const unit = v.unit === 'trials' ? `, ${v.method === 'exact' ? 'exact, ' : ''}trials` : '';
  const text = `${v.kind} (${formatP(v.pValue ?? 1)}${unit})`;
  if (v.kind === 'worse') return style.paint(text, 'red');
  if (v.kind === 'better') return style.paint(text, 'green');
  if (v.kind === 'differs') return style.paint(text, 'yellow');
  return text;
}

const BASELINE: Verdict = { kind: 'baseline', test: null, pValue: null };

function deltaLabel(style: Style): string {
  return style.paint('  Δ', 'dim');
}

/** Header: what is compared, the baseline, alpha; then one line per subject. */
export function compareHeader(view: CompareView, style: Style): string {
  const n = view.subjects.reduce((a, s) => a + s.results.length, 0);
  const base = view.subjects[0]!;
  const what = view.by !== null ? `${n} results in ${view.subjects.length} groups by ${view.by}` : `${n} results`;
  const title = `${style.paint('Compare', 'bold')} · ${what} · baseline ${base.key} · α = ${view.alpha} per test`;
  const rows = view.subjects.map((s) => {
    const ids = s.results.map((r) => r.id).join(', ');
    const targets = [...new Set(s.results.map((r) => r.target))].join(', ');
    const labels = view.by === null ? describeLabels(s.results[0]!.labels) : `${s.results.length} result${s.results.length === 1 ? '' : 's'}`;
    return [s.key, formatCount(s.trials), labels, targets, ids];
  });
  const table = renderTable(
    { columns: [{ header: view.by ?? 'key' }, { header: 'trials', align: 'right' }, { header: view.by === null ? 'labels' : 'results', shrink: true }, { header: 'target', shrink: true, optional: true }, { header: 'ids', shrink: true }], rows },
    style,
  );
  const warnings = view.warnings.map((w) => paragraph(`${style.paint('warning:', 'yellow')} ${w}`, style, { indent: 0 }));
  return [paragraph(title, style, { indent: 0 }), table, ...warnings].join('\n');
}

function verdictFor(view: CompareView, i: number, pick: (c: CompareView['comparisons'][number]) => Verdict): Verdict {
  return i === 0 ? BASELINE : pick(view.comparisons[i - 1]!);
}

/** The footnote of a table with a descriptive (request-level) result, or '' when it has none. */
function descriptiveFootnote(view: CompareView, pick: (c: CompareView['comparisons'][number]) => Verdict, style: Style): string {
  const notes = [...new Set(view.comparisons.map(pick).filter((v) => v.descriptive === true).map((v) => v.note ?? ''))];
  if (notes.length === 0) return '';
  return `\n${paragraph(`* ${notes.join('; ')}: a request-level test assumes independent requests, which a fault's burst of failures breaks; this p-value describes, it does not decide`, style, { color: 'dim' })}`;
}

/** Requests, failures and error rate with the χ² verdict. */
export function errorsTable(view: CompareView, style: Style): string {
  const base = view.subjects[0]!;
  const rows: string[][] = [];
  view.subjects.forEach((s, i) => {
    rows.push([s.key, formatCount(s.requests), formatCount(s.errors), formatPercent(s.errorRate), formatVerdict(verdictFor(view, i, (c) => c.errors), style)]);
    if (i > 0 && base.requests > 0 && s.requests > 0) rows.push([deltaLabel(style), '', formatDeltaCount(s.errors - base.errors), formatDeltaPp(s.errorRate - base.errorRate), '']);
  });
  const columns: Column[] = [{ header: 'subject' }, { header: 'requests', align: 'right' }, { header: 'failed', align: 'right' }, { header: 'error rate', align: 'right' }, { header: 'test on per-trial error rates' }];
  return section('Requests and errors', renderTable({ columns, rows }, style) + descriptiveFootnote(view, (c) => c.errors, style), style);
}

/** Share per version with the χ² verdict on the split. */
export function distributionTable(view: CompareView, style: Style): string | null {
  const versions = [...new Set(view.subjects.flatMap((s) => Object.keys(s.versions)))].sort();
  if (versions.length === 0) return null;
  const share = (s: CompareSubject, v: string) => {
    const n = Object.values(s.versions).reduce((a, b) => a + b, 0);
    return n === 0 ? 0 : (s.versions[v] ?? 0) / n;
  };
  const base = view.subjects[0]!;
  const versioned = (s: CompareSubject) => Object.values(s.versions).some((n) => n > 0);
  const rows: string[][] = [];
  view.subjects.forEach((s, i) => {
    rows.push([s.key, ...versions.map((v) => (versioned(s) ? formatPercent(share(s, v)) : '-')), formatVerdict(verdictFor(view, i, (c) => c.distribution), style)]);
    // A delta needs a measured baseline: none against a baseline (or subject) without versioned responses.
    if (i > 0 && versioned(base) && versioned(s)) rows.push([deltaLabel(style), ...versions.map((v) => formatDeltaPp(share(s, v) - share(base, v))), '']);
  });
  const columns: Column[] = [{ header: 'subject' }, ...versions.map((v) => ({ header: v, align: 'right' as const })), { header: 'test on per-trial shares' }];
  return section('Distribution (share of successful responses)', renderTable({ columns, rows }, style) + descriptiveFootnote(view, (c) => c.distribution, style), style);
}

/** Locality shares (no counts are stored per locality, so no test). */
export function localityTable(view: CompareView, style: Style): string | null {
  if (view.subjects.every((s) => s.locality === null)) return null;
  const base = view.subjects[0]!.locality;
  const keys = ['sameLocality', 'sameCluster', 'sameNetwork'] as const;
  const rows: string[][] = [];
  view.subjects.forEach((s, i) => {
    const l = s.locality;
    rows.push([s.key, ...keys.map((k) => (l === null ? 'n/a' : formatPercent(l[k])))]);
    if (i > 0 && l !== null && base !== null) rows.push([deltaLabel(style), ...keys.map((k) => formatDeltaPp(l[k] - base[k]))]);
  });
  const columns: Column[] = [{ header: 'subject' }, { header: 'same locality', align: 'right' }, { header: 'same cluster', align: 'right' }, { header: 'same network', align: 'right' }];
  return section('Locality (successful responses; shares only, no test)', renderTable({ columns, rows }, style), style);
}

const LATENCY_KEYS: Array<[keyof LatencySummary, string]> = [['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'], ['p999', 'p99.9'], ['max', 'max']];

/** Latency percentiles with the Mann-Whitney verdict and its effect size. */
export function latencyTable(view: CompareView, style: Style): string {
  const base = view.subjects[0]!.latencyMs;
  const rows: string[][] = [];
  view.subjects.forEach((s, i) => {
    const l = s.latencyMs;
    const v = verdictFor(view, i, (c) => c.latency);
    const ps = v.probabilityOfSuperiority !== undefined ? v.probabilityOfSuperiority.toFixed(2) : '-';
    rows.push([s.key, ...LATENCY_KEYS.map(([k]) => (l === null ? 'n/a' : formatMs(l[k]))), ps, formatVerdict(v, style)]);
    if (i > 0 && l !== null && base !== null) rows.push([deltaLabel(style), ...LATENCY_KEYS.map(([k]) => formatDeltaMs(l[k] - base[k])), '', '']);
  });
  // Narrow terminals lose P(slower), max, p99.9 and p90 (in that order) before anything is cut.
  const columns: Column[] = [
    { header: 'subject', shrink: true },
    ...LATENCY_KEYS.map(([k, h]) => ({ header: h, align: 'right' as const, optional: k !== 'p50' && k !== 'p99' })),
    { header: 'P(slower)', align: 'right', optional: true },
    { header: 'test on per-trial medians (successes)' },
  ];
  const body = `${renderTable({ columns, rows }, style)}${descriptiveFootnote(view, (c) => c.latency, style)}\n${paragraph('P(slower): chance that a trial of the subject has a slower median successful request than one of the baseline (a request, for a request-level result; 0.5 = no shift)', style, { color: 'dim' })}`;
  return section('Latency (from the scheduled send time)', body, style);
}

const FIGURE_NAMES: Record<FailoverFigure, string> = {
  recovery: 'recovery',
  firstFailoverSuccess: 'first success',
  errorsDuringFailover: 'errors',
  failback: 'failback',
};

function figureValue(figure: FailoverFigure, v: number): string {
  return figure === 'errorsDuringFailover' ? (Number.isInteger(v) ? formatCount(v) : formatNumber(v)) : formatMs(v);
}

function figureDelta(figure: FailoverFigure, d: number): string {
  return figure === 'errorsDuringFailover' ? formatDeltaCount(d) : formatDeltaMs(d);
}

const CENSORED_TEXT: Record<FailoverFigure, string> = { recovery: 'not recovered', failback: 'not failed back', firstFailoverSuccess: '-', errorsDuringFailover: '-' };

/**
 * Trials of a subject that never recovered (or failed back): censored, ranked worst. Trials the run
 * ended too early to judge are not among them (they are "not measured", left out of the row).
 */
function censoredOf(s: CompareSubject, figure: FailoverFigure): number {
  if (s.failover === null) return 0;
  return figure === 'recovery' ? s.failover.notRecovered - (s.failover.recoveryRunEnded ?? 0) : figure === 'failback' ? s.failover.notFailedBack : 0;
}

/** Failover figures over trials per subject, with Mann-Whitney verdicts when both sides have ≥ 2 trials. */
export function failoverTable(view: CompareView, style: Style): string | null {
  if (view.subjects.every((s) => s.failover === null)) return null;
  const stats: Array<keyof Distribution> = ['p50', 'p90', 'p99', 'max'];
  const rows: string[][] = [];
  for (const figure of FAILOVER_FIGURES) {
    const base = view.subjects[0]!.failover?.figures[figure].summary ?? null;
    view.subjects.forEach((s, i) => {
      const d = s.failover?.figures[figure].summary ?? null;
      const v = verdictFor(view, i, (c) => c.failover?.[figure] ?? { kind: 'no-test', test: null, pValue: null, note: s.failover === null ? 'not measured' : 'not measured in baseline' });
      const name = i === 0 ? FIGURE_NAMES[figure] : '';
      // Censored trials rank above every value: a percentile reaching them has no time, and no delta.
      const censored = censoredOf(s, figure);
      const baseCensored = censoredOf(view.subjects[0]!, figure);
      const cell = (k: keyof Distribution & DistributionStat) => (reachesCensored(d, censored, k) ? CENSORED_TEXT[figure] : d === null ? '-' : figureValue(figure, d[k]));
      const n = (d?.n ?? 0) + censored;
      rows.push([name, s.key, n === 0 ? '-' : formatCount(n), ...stats.map((k) => cell(k as keyof Distribution & DistributionStat)), formatVerdict(v, style)]);
      if (i > 0 && d !== null && base !== null) {
        const delta = (k: keyof Distribution & DistributionStat) => (reachesCensored(d, censored, k) || reachesCensored(base, baseCensored, k) ? '' : figureDelta(figure, d[k] - base[k]));
        rows.push(['', deltaLabel(style), '', ...stats.map((k) => delta(k as keyof Distribution & DistributionStat)), '']);
      }
    });
  }
  const columns: Column[] = [
    { header: 'figure', shrink: true },
    { header: 'subject', shrink: true },
    { header: 'n', align: 'right' },
    ...stats.map((k) => ({ header: k, align: 'right' as const, optional: k === 'p90' || k === 'max' })),
    { header: 'Mann-Whitney over trials' },
  ];
  const counts = view.subjects
    .filter((s) => s.failover !== null)
    .map((s) => {
      const f = s.failover!;
      const ended = (f.recoveryRunEnded ?? 0) > 0 ? ` (${f.recoveryRunEnded} not measured: run ended)` : '';
      return `${s.key}: hitless ${f.hitless}/${f.trials}, not recovered ${f.notRecovered}${ended}, not failed back ${f.notFailedBack}, resolution ${formatDuration(f.resolutionMs)}`;
    })
    .join(' · ');
  const legend = paragraph(
    'first success: first success served outside the faulted workload; errors: failed requests between fault and restore. n and percentiles cover the trials with a value; trials that never recovered (or failed back) rank worst in the test, trials the run ended too early to judge are left out',
    style,
    { color: 'dim' },
  );
  return section('Failover (over trials)', `${renderTable({ columns, rows }, style)}\n${paragraph(counts, style)}\n${legend}`, style);
}
