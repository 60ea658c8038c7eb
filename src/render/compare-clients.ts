import { reachesCensored } from '../model/censored.js';
import { formatVerdict } from './compare-sections.js';
import type { ClientComparison, CompareSubject, CompareView, SubjectComparison, Verdict } from './compare-view.js';
import { formatCount, formatMs, formatPercent } from './format.js';
import type { Style } from './style.js';
import { paragraph, renderTable, section, type Column } from './table.js';

/**
 * `compare` of runs with several clients: one table per client — its error rate, split, locality
 * and failover figures per subject, each with the verdict of the same test the overall tables use,
 * on that client's per-trial figures. Absent for single-client runs (their output is unchanged).
 */

const NONE: Verdict = { kind: 'no-test', test: null, pValue: null, note: 'not measured' };
const BASELINE: Verdict = { kind: 'baseline', test: null, pValue: null };

/** One row per figure and subject: the value and the verdict against the baseline. */
function clientTable(c: ClientComparison, style: Style): string {
  const versions = [...new Set(c.subjects.flatMap((s) => Object.keys(s.versions)))].sort();
  const rows: string[][] = [];
  const figure = (name: string, value: (s: CompareSubject) => string, pick: ((x: SubjectComparison) => Verdict | undefined) | null) => {
    c.subjects.forEach((s, i) => {
      const cmp = i === 0 ? undefined : c.comparisons[i - 1];
      const verdict = pick === null ? '' : cmp === undefined ? formatVerdict(BASELINE, style) : formatVerdict(pick(cmp) ?? NONE, style);
      rows.push([i === 0 ? name : '', s.key, value(s), verdict]);
    });
  };
  figure('requests', (s) => `${formatCount(s.requests)} in ${formatCount(s.trials)} trial${s.trials === 1 ? '' : 's'}`, null);
  figure('error rate', (s) => formatPercent(s.errorRate), (x) => x.errors);
  figure(
    'split',
    (s) => {
      const ok = Object.values(s.versions).reduce((a, b) => a + b, 0);
      return versions.map((v) => `${v} ${formatPercent(ok === 0 ? 0 : (s.versions[v] ?? 0) / ok)}`).join(' · ') || '-';
    },
    (x) => x.distribution,
  );
  figure('same cluster', (s) => (s.locality === null ? '-' : formatPercent(s.locality.sameCluster)), null);
  if (c.subjects.some((s) => s.failover !== null)) {
    figure(
      'recovery p50',
      (s) => {
        const f = s.failover;
        const rec = f?.figures.recovery.summary ?? null;
        return f === null ? 'not affected' : reachesCensored(rec, f.notRecovered, 'p50') ? 'not recovered' : rec === null ? '-' : formatMs(rec.p50);
      },
      (x) => x.failover?.recovery,
    );
    figure(
      'failover errors p50',
      (s) => {
        const d = s.failover?.figures.errorsDuringFailover.summary ?? null;
        return s.failover === null ? 'not affected' : d === null ? '-' : formatCount(Math.round(d.p50));
      },
      (x) => x.failover?.errorsDuringFailover,
    );
  }
  const columns: Column[] = [{ header: 'figure', shrink: true }, { header: 'subject', shrink: true }, { header: 'value', shrink: true, minWidth: 12 }, { header: 'verdict' }];
  return section(`Client ${c.name}`, renderTable({ columns, rows }, style), style);
}

/** The per-client tables, or null. */
export function clientsCompare(view: CompareView, style: Style): string | null {
  if (view.clients === undefined || view.clients.length === 0) return null;
  const note = paragraph('each client on its own: its requests, split relative to it and its own failover, tested over its per-trial figures ("not affected": no failover figures for that client)', style, { color: 'dim' });
  return `${view.clients.map((c) => clientTable(c, style)).join('\n\n')}\n${note}`;
}
