import type { Result } from '../model/result.js';
import { describeLabels, shortTarget } from './describe.js';
import { formatCount, formatMs, formatPercent, formatTimestamp } from './format.js';
import type { Style } from './style.js';
import { renderTable, type Column } from './table.js';

/** One stored result as `meshbench list` shows it. */
export interface ListRow {
  id: string;
  path: string;
  scenario: string;
  startedAt: string;
  /** `sim istio 1.24 seed 7`, `kube c1,c2 istio 1.24.2`, `import k6`. */
  target: string;
  labels: Record<string, string>;
  trials: number;
  requests: number;
  errorRate: number;
  p99Ms: number;
  /** Median recovery over trials, when the run measured failover and traffic recovered. */
  recoveryP50Ms: number | null;
  /** Thresholds passed / total. */
  thresholds: { passed: number; total: number };
}

/** The list row of a result. */
export function listRow(path: string, result: Result): ListRow {
  const s = result.summary;
  return {
    id: result.id,
    path,
    scenario: result.scenario.name,
    startedAt: result.startedAt,
    target: shortTarget(result.target, result.trials),
    labels: result.labels,
    trials: result.trials,
    requests: s.requests,
    errorRate: s.errorRate,
    p99Ms: s.latencyMs.p99,
    recoveryP50Ms: s.failover?.recoveryMs?.p50 ?? null,
    thresholds: { passed: result.thresholds.filter((t) => t.ok).length, total: result.thresholds.length },
  };
}

/**
 * The table of `meshbench list`, newest first as given. Ids never shrink (they are what users
 * copy) and the thresholds verdict is never dropped; labels and target are the first to go on a
 * narrow terminal.
 */
export function renderList(rows: readonly ListRow[], style: Style): string {
  if (rows.length === 0) return '';
  const columns: Column[] = [
    { header: 'id' },
    { header: 'started (UTC)', optional: true, priority: 1 },
    { header: 'target', shrink: true, minWidth: 12, optional: true, priority: 4 },
    { header: 'labels', shrink: true, minWidth: 10, optional: true, priority: 2 },
    { header: 'requests', align: 'right' },
    { header: 'errors', align: 'right' },
    { header: 'p99', align: 'right' },
    { header: 'recovery p50', align: 'right', optional: true, priority: 5 },
    // The verdict is why people run `list`: never dropped, the other columns give way first.
    { header: 'thresholds', align: 'right' },
  ];
  const cells = rows.map((r) => [
    r.id,
    formatTimestamp(r.startedAt).replace(/ UTC$/, ''),
    r.target,
    describeLabels(r.labels),
    formatCount(r.requests),
    formatPercent(r.errorRate),
    formatMs(r.p99Ms),
    r.recoveryP50Ms === null ? '-' : formatMs(r.recoveryP50Ms),
    r.thresholds.total === 0 ? '-' : thresholdCell(r.thresholds, style),
  ]);
  return `${renderTable({ columns, rows: cells, indent: 0 }, style)}\n`;
}

function thresholdCell(t: { passed: number; total: number }, style: Style): string {
  const text = `${t.passed}/${t.total}`;
  return t.passed === t.total ? style.paint(text, 'green') : style.paint(`${text} FAIL`, 'red');
}
