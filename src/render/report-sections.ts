import { reachesCensored } from '../model/censored.js';
import type { Distribution, LatencySummary, PhaseSummary, Result } from '../model/result.js';
import { describeLabels, describeLoad, describeTarget, formatThresholdValue, statusLabel } from './describe.js';
import { formatCount, formatDuration, formatMs, formatNumber, formatP, formatPercent, formatTimestamp } from './format.js';
import type { Style } from './style.js';
import { keyValues, paragraph, renderTable, section, truncate, type Column } from './table.js';

/** The text sections of a report (tables and one-line summaries); charts are in report-charts.ts. */

/** Title line and the facts of the run. */
export function headerSection(result: Result, source: string, style: Style): string {
  const title = truncate(`${style.paint(result.scenario.name, 'bold')} · ${result.id}`, style.width);
  const rows: Array<[string, string]> = [];
  rows.push(['target', describeTarget(result.target, result.trials, { mesh: true })]);
  rows.push(['labels', describeLabels(result.labels)]);
  const trials = `${formatCount(result.trials)} trial${result.trials === 1 ? '' : 's'}`;
  rows.push(['run', `${formatTimestamp(result.startedAt)} · ${trials} · meshbench ${result.tool.version}`]);
  rows.push(['load', describeLoad(result.summary.load)]);
  const cut = result.interrupted;
  if (cut !== undefined) {
    const kept =
      cut.measuredToMs !== undefined
        ? `kept the trial up to ${formatDuration(cut.measuredToMs)} (requests in flight at the stop left out)`
        : `kept ${formatCount(cut.trialsKept)} of ${formatCount(cut.trialsRequested)} trials`;
    rows.push(['interrupted', style.paint(`${kept}; stopped in trial ${formatCount(cut.stoppedAtTrial + 1)} at ${formatDuration(cut.stoppedAtVirtualMs)} virtual time`, 'yellow')]);
  }
  if (source !== result.id && source !== `${result.id}.json`) rows.push(['file', source]);
  const about = result.scenario.description !== undefined ? `${paragraph(result.scenario.description, style, { color: 'dim' })}\n` : '';
  const closed =
    result.summary.load.model === 'closed'
      ? `\n${paragraph(`note: closed model (${result.target.kind === 'import' ? `${result.target.format} connections` : 'a curl loop'}): each request waits for the previous one, so latency and rates are not comparable with open-model runs`, style, { color: 'yellow' })}`
      : '';
  return `${title}\n${about}${keyValues(rows, style)}${closed}`;
}

/** Requests, failures, status codes and late starts. */
export function requestsSection(result: Result, style: Style): string {
  const s = result.summary;
  const errors = s.errors > 0 ? style.paint(`${formatCount(s.errors)} (${formatPercent(s.errorRate)})`, 'red') : '0';
  const scheduled = result.target.kind !== 'import';
  const late = !scheduled ? 'not measured (the load tool keeps no send schedule)' : s.lateStarts.count > 0 ? `${formatCount(s.lateStarts.count)} (worst ${formatMs(s.lateStarts.maxMs)})` : '0';
  const ci = s.errorRateCi95 !== undefined && s.errors > 0 ? ` · 95% CI ${formatPercent(s.errorRateCi95[0])} – ${formatPercent(s.errorRateCi95[1])}${result.trials > 1 ? ' over trials' : ''}` : '';
  const codes = Object.entries(s.statusCodes)
    .sort(([a], [b]) => statusOrder(a) - statusOrder(b))
    .map(([code, n]) => `${statusLabel(code)} ×${formatCount(n)}`)
    .join(' · ');
  const rows: Array<[string, string]> = [
    ['requests', formatCount(s.requests)],
    ['failed', `${errors}${ci}`],
    ['status codes', codes === '' ? '-' : codes],
    ...responseFlagRows(s.responseFlags),
    ['late starts', late],
  ];
  return section('Requests', keyValues(rows, style), style);
}

/** Envoy response flags the target knows (simulator): what sent the local 503s. */
const FLAG_MEANING: Record<string, string> = { UO: 'circuit-breaker overflow: 503 from the client sidecar' };

function responseFlagRows(flags: Record<string, number> | undefined): Array<[string, string]> {
  const entries = Object.entries(flags ?? {});
  if (entries.length === 0) return [];
  return [['response flags', entries.map(([f, n]) => `${f} ×${formatCount(n)}${FLAG_MEANING[f] !== undefined ? ` (${FLAG_MEANING[f]})` : ''}`).join(' · ')]];
}

/** Connection errors (`0`) after the HTTP codes. */
function statusOrder(code: string): number {
  return code === '0' ? 1000 : Number(code);
}

/** Responses per version with Wilson intervals, the predicted split and the chi-square verdict. */
export function distributionSection(result: Result, alpha: number, style: Style): string {
  const s = result.summary;
  const versions = Object.keys(s.distribution).sort();
  if (versions.length === 0) return section('Distribution', '  no successful response carried a version', style);
  const test = s.distributionTest;
  const expectedOverall = test !== undefined && test.phase === 'all' ? test.expected : undefined;
  const expectedOf = (v: string) => s.distribution[v]?.expectedShare ?? expectedOverall?.[v];
  const hasExpected = versions.some((v) => expectedOf(v) !== undefined);
  const rows = versions.map((v) => {
    const d = s.distribution[v]!;
    const expected = expectedOf(v);
    const cells = [v, formatCount(d.count), formatPercent(d.share), `${formatPercent(d.ci95[0])} – ${formatPercent(d.ci95[1])}`];
    return hasExpected ? [...cells, expected === undefined ? '-' : formatPercent(expected)] : cells;
  });
  const columns: Column[] = [{ header: 'version', shrink: true }, { header: 'responses', align: 'right' }, { header: 'share', align: 'right' }, { header: '95% CI', align: 'right' }];
  if (hasExpected) columns.push({ header: 'predicted', align: 'right', optional: true });
  const table = renderTable({ columns, rows }, style);
  const lines = [table];
  if (test !== undefined) {
    const keys = [...new Set([...Object.keys(test.expected), ...versions])].sort();
    if (test.phase !== 'all') {
      const phase = s.phases.find((p) => p.name === test.phase);
      const observed = phase !== undefined ? keys.map((v) => `${v} ${formatPercent(phase.distribution[v]?.share ?? 0)}`).join(' · ') : 'n/a';
      lines.push(paragraph(`tested on phase "${test.phase}": observed ${observed}; predicted ${keys.map((v) => `${v} ${formatPercent(test.expected[v] ?? 0)}`).join(' · ')}`, style));
    }
    const consistent = test.pValue >= alpha;
    const verdict = consistent ? style.paint('consistent with the predicted split', 'green') : style.paint('differs from the predicted split', 'red');
    const chi = Number.isFinite(test.chiSquare) ? formatNumber(test.chiSquare) : '∞ (a version predicted to get nothing answered)';
    lines.push(paragraph(`χ² = ${chi}, df ${test.df}, ${formatP(test.pValue)}: ${verdict} (α = ${alpha})`, style));
    if (test.pooled !== undefined) lines.push(paragraph(pooledNote(test.pooled), style));
  }
  return section('Distribution (successful responses per version)', lines.join('\n'), style);
}

/**
 * Why some versions were tested as one category: behind one east-west gateway a connection stays
 * on one pod (istio#32208), so their split is per connection, not per request.
 */
export function pooledNote(pooled: ReadonlyArray<readonly string[]>): string {
  return `tested as one: ${pooled.map((p) => p.join('+')).join(', ')} (behind one east-west gateway the split is per connection, not per request: meshbench explain shows what to expect per trial)`;
}

/** Locality shares of successful responses. */
export function localitySection(result: Result, style: Style): string {
  const l = result.summary.locality;
  if (l === null) return section('Locality', '  not measured (responses carry no cluster or locality)', style);
  const byCluster = Object.entries(l.byCluster)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, x]) => `${c} ${formatPercent(x)}`)
    .join(' · ');
  const rows: Array<[string, string]> = [
    ['same locality', formatPercent(l.sameLocality)],
    ['same cluster', formatPercent(l.sameCluster)],
    ['same network', formatPercent(l.sameNetwork)],
    ['by cluster', byCluster],
  ];
  const body = keyValues(rows, style);
  const relative = result.clients !== undefined ? "relative to each request's own client" : 'relative to the client';
  return section(`Locality (successful responses, ${relative})`, body, style);
}

function phaseLabel(p: PhaseSummary): string {
  return `${p.name} ${p.fromMs === 0 ? '0s' : formatDuration(p.fromMs)}–${p.toMs === null ? 'end' : formatDuration(p.toMs)}`;
}

function latencyRow(label: string, l: LatencySummary): string[] {
  return [label, formatCount(l.count), formatMs(l.p50), formatMs(l.p90), formatMs(l.p99), formatMs(l.p999), formatMs(l.max), formatMs(l.mean)];
}

/** Latency percentiles overall, per version and per phase. */
export function latencySection(result: Result, style: Style): string {
  const s = result.summary;
  const rows = [latencyRow('all', s.latencyMs)];
  for (const v of Object.keys(s.latencyByVersionMs).sort()) rows.push(latencyRow(`version ${v}`, s.latencyByVersionMs[v]!));
  if (s.phases.length > 1) for (const p of s.phases) rows.push(latencyRow(`phase ${phaseLabel(p)}`, p.latencyMs));
  const columns = [
    { header: 'requests', shrink: true },
    { header: 'count', align: 'right' as const },
    ...['p50', 'p90', 'p99', 'p99.9', 'max'].map((h) => ({ header: h, align: 'right' as const })),
    { header: 'mean', align: 'right' as const, optional: true },
  ];
  const notes: string[] = [];
  const b = s.latencyBuckets;
  if (b !== undefined) {
    notes.push(
      b.exact !== null
        ? `percentiles are only as fine as ${b.tool}'s buckets; count ${formatCount(b.exact.count)}, min ${formatMs(b.exact.minMs)}, max and mean as the file states them`
        : `percentiles, max and mean are only as fine as ${b.tool}'s buckets`,
    );
  }
  if ((s.clampedLatencies ?? 0) > 0) notes.push(`${formatCount(s.clampedLatencies!)} values outside 1 µs … 1 h were clamped into the histogram's range`);
  const title = result.target.kind === 'import' ? 'Latency (from the actual send: the load tool keeps no schedule)' : 'Latency (from the scheduled send time)';
  const body = [renderTable({ columns, rows }, style), ...notes.map((n) => paragraph(n, style, { color: 'dim' }))].join('\n');
  return section(title, body, style);
}

/**
 * Cells of one failover figure. `censored` trials (never recovered / failed back) rank above every
 * value: a percentile that reaches them reads `missing` instead of a time (docs/measures.md).
 */
function figureCells(d: Distribution | null, multi: boolean, unit: 'ms' | 'count', missing: string, censored = 0): string[] {
  const f = (v: number) => (unit === 'ms' ? formatMs(v) : Number.isInteger(v) ? formatCount(v) : formatNumber(v));
  const cell = (stat: 'p50' | 'p90' | 'p99' | 'max') => (d === null || reachesCensored(d, censored, stat) ? missing : f(d[stat]));
  const n = (d?.n ?? 0) + censored;
  if (d === null && censored === 0) return multi ? [missing, '', '', '', ''] : [missing];
  return multi ? [formatCount(n), cell('p50'), cell('p90'), cell('p99'), cell('max')] : [cell('p50')];
}

/** What the failback cell says without a time: no restore in the scenario, or none within a one-trial run, or `censored`. */
function failbackMissing(result: Result, f: NonNullable<Result['summary']['failover']>, censored: string): string {
  if (f.restore === undefined) return 'no restore';
  if (f.trials === 1 && f.failbackMs === null && f.notFailedBack === 0) return result.interrupted?.measuredToMs !== undefined ? 'not measured: interrupted' : 'no restore event';
  return censored;
}

/** Failover figures (one value, or p50/p90/p99/max over trials) with their resolution. */
export function failoverSection(result: Result, style: Style): string | null {
  const f = result.summary.failover;
  const incomplete = result.target.kind === 'kube' ? result.target.samples?.incomplete : undefined;
  if (f === undefined && incomplete !== undefined && result.events.length > 0) return section('Failover', paragraph(`not judged: samples are missing (${incomplete})`, style), style);
  const cutMs = result.interrupted?.measuredToMs;
  const wantsFailover = (result.scenario.spec as { measure?: { failover?: unknown } } | null | undefined)?.measure?.failover !== undefined;
  if (f === undefined && cutMs !== undefined && wantsFailover) {
    return section('Failover', paragraph(`not measured: interrupted at ${formatDuration(cutMs)}, before the fault event`, style), style);
  }
  if (f === undefined) return null;
  const multi = f.trials > 1;
  const res = `±${formatDuration(f.resolutionMs)}`;
  // A trial that ended (or was interrupted) before a full window has no time and is not a
  // "not recovered": with one trial, its cell says so instead of a censored value.
  const notMeasured = result.interrupted?.measuredToMs !== undefined ? 'not measured: interrupted' : 'not measured: run ended';
  const single = (censored: string, ended: number | undefined) => (!multi && (ended ?? 0) > 0 ? notMeasured : censored);
  const rows = [
    ['recovery', ...figureCells(f.recoveryMs, multi, 'ms', single('not recovered', f.recoveryRunEnded), f.notRecovered), res],
    ['first failover success', ...figureCells(f.firstFailoverSuccessMs, multi, 'ms', 'none'), res],
    ['errors during failover', ...figureCells(f.errorsDuringFailover, multi, 'count', '-'), 'exact'],
    ['failback', ...figureCells(f.failbackMs, multi, 'ms', failbackMissing(result, f, single('not failed back', f.failbackRunEnded)), f.notFailedBack), res],
  ];
  const valueColumns = multi ? ['trials', 'p50', 'p90', 'p99', 'max'] : ['value'];
  const table = renderTable({ columns: [{ header: 'figure', shrink: true }, ...valueColumns.map((h) => ({ header: h, align: 'right' as const })), { header: 'resolution', align: 'right' }], rows }, style);
  const of = `of ${formatCount(f.trials)} trial${f.trials === 1 ? '' : 's'}`;
  const why = result.interrupted?.measuredToMs !== undefined ? 'interrupted before a full window' : 'the run ended before a full window';
  const ended = (n: number | undefined) => ((n ?? 0) > 0 ? ` (${formatCount(n!)} not measured: ${why})` : '');
  const counts = paragraph(
    `hitless ${formatCount(f.hitless)} ${of} · not recovered ${formatCount(f.notRecovered)}${ended(f.recoveryRunEnded)} · not failed back ${formatCount(f.notFailedBack)}${ended(f.failbackRunEnded)}`,
    style,
  );
  const title = `Failover (${f.fault} → ${f.restore ?? 'end of run'}${multi ? `, over ${formatCount(f.trials)} trials` : ''})`;
  return section(title, `${table}\n${counts}`, style);
}

/**
 * Thresholds with ok/FAIL (✓/✗ with colour), the observed value and why it failed, one per line;
 * a long expression or note wraps onto indented lines instead of being cut at the width.
 */
export function thresholdsSection(result: Result, style: Style): string | null {
  if (result.thresholds.length === 0) return null;
  const mark = (ok: boolean) => (style.color ? (ok ? style.paint('✓ ok', 'green') : style.paint('✗ FAIL', 'red')) : ok ? 'ok' : 'FAIL');
  const rows = result.thresholds.map((t): [string, string] => {
    const note = t.note !== undefined && t.note !== '' ? ` — ${t.note}` : '';
    return [mark(t.ok), `${t.expr}: observed ${formatThresholdValue(t.expr, t.value)}${note}`];
  });
  const passed = result.thresholds.filter((t) => t.ok).length;
  return section('Thresholds', `${keyValues(rows, style)}\n${paragraph(`${passed} of ${result.thresholds.length} passed`, style)}`, style);
}
