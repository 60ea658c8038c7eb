/** The report's "Server side (Prometheus)" section: the client's counts beside Istio's, and what is flagged. Pure. */
import { crossCheck } from '../model/prometheus-check.js';
import type { Result } from '../model/result.js';
import { formatCount, formatDeltaCount } from './format.js';
import type { Style } from './style.js';
import { paragraph, renderTable, section } from './table.js';

/** Null for results without Prometheus counts (sim, imports, kube runs without a Prometheus). */
export function prometheusSection(result: Result, style: Style): string | null {
  const t = result.target;
  if (t.kind !== 'kube' || t.prometheus === undefined) return null;
  const p = t.prometheus;
  const check = crossCheck(result.summary, p);
  const rows = check.lines.map((l) => [
    l.what,
    formatCount(l.client),
    formatCount(l.prometheus),
    l.difference === 0 ? '0' : formatDeltaCount(l.difference),
    l.flagged ? style.paint('FLAGGED', 'red') : style.paint('ok', 'green'),
  ]);
  const table = renderTable(
    {
      columns: [{ header: 'requests', shrink: true }, { header: 'client', align: 'right' }, { header: 'istio_requests_total', align: 'right' }, { header: 'difference', align: 'right' }, { header: '' }],
      rows,
    },
    style,
  );
  const lines = [table];
  lines.push(paragraph(`${p.source}, reporter=source, window ${p.windowS.toFixed(1)} s, scrape interval ${p.scrapeIntervalS} s: a difference above ${formatCount(check.tolerance)} request${check.tolerance === 1 ? '' : 's'} (one scrape interval of the client's traffic) is flagged`, style, { color: 'dim' }));
  if (check.flagged) {
    lines.push(paragraph("the client's attribution and Istio's telemetry disagree by more than a scrape interval explains: responses attributed to the wrong version or cluster, or samples lost (a pod gone before its last scrape, a counter reset)", style, { color: 'red' }));
  }
  for (const n of p.notes ?? []) lines.push(paragraph(`note: ${n}`, style, { color: 'yellow' }));
  return section('Server side (Prometheus)', lines.join('\n'), style);
}
