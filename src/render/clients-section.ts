import { reachesCensored } from '../model/censored.js';
import type { ClientResult, Distribution, Summary } from '../model/result.js';
import { formatCount, formatMs, formatPercent } from './format.js';
import type { Style } from './style.js';
import { paragraph, renderTable, section, type Column } from './table.js';

/**
 * The per-client table of a run with several clients (`report`): each client's requests, errors,
 * split per version, locality relative to that client, and its own failover figures. Absent for a
 * single-client run, whose report is unchanged.
 */

/** `v1 83.1% · v2 16.9%`, versions sorted. */
export function versionShares(s: Summary): string {
  const versions = Object.keys(s.distribution).sort();
  return versions.length === 0 ? '-' : versions.map((v) => `${v} ${formatPercent(s.distribution[v]!.share)}`).join(' · ');
}

/** One failover figure over trials: the value (one trial) or `p50 / p99`; censored percentiles read `missing`. */
export function failoverCell(d: Distribution | null, censored: number, trials: number, missing: string, unit: 'ms' | 'count'): string {
  const f = (v: number) => (unit === 'ms' ? formatMs(v) : formatCount(Math.round(v)));
  const at = (stat: 'p50' | 'p99') => (d === null || reachesCensored(d, censored, stat) ? missing : f(d[stat]));
  if (d === null && censored === 0) return missing;
  return trials > 1 ? `${at('p50')} / ${at('p99')}` : at('p50');
}

/** Column headers of the per-client table (terminal and HTML). */
export function clientColumns(trials: number): string[] {
  return ['client', 'requests', 'failed', 'versions', 'same cluster', 'same locality', trials > 1 ? 'recovery p50 / p99' : 'recovery', 'failover errors', trials > 1 ? 'failback p50 / p99' : 'failback'];
}

/** One client's cells, formatted, in `clientColumns` order. */
export function clientRow(c: ClientResult): string[] {
  const s = c.summary;
  const errors = s.errors > 0 ? `${formatCount(s.errors)} (${formatPercent(s.errorRate)})` : '0';
  const l = s.locality;
  const f = s.failover;
  const failover =
    f === undefined
      ? ['not affected', '', '']
      : [
          failoverCell(f.recoveryMs, f.notRecovered, f.trials, 'not recovered', 'ms'),
          failoverCell(f.errorsDuringFailover, 0, f.trials, '-', 'count'),
          failoverCell(f.failbackMs, f.notFailedBack, f.trials, f.restore === undefined ? 'no restore' : 'not failed back', 'ms'),
        ];
  return [c.name, formatCount(s.requests), errors, versionShares(s), l === null ? '-' : formatPercent(l.sameCluster), l === null ? '-' : formatPercent(l.sameLocality), ...failover];
}

export const CLIENTS_NOTE =
  'each client is its own sidecar with its own EDS view, outlier detector and load; the pods are shared. "not affected": the policy gives this client no traffic to the faulted workload. Threshold a client with e.g. distribution.v2.share{client=NAME} > 0.99.';

export function clientsTitle(n: number): string {
  return `Clients (${formatCount(n)}; every figure relative to that client)`;
}

/** The per-client table, or null with one client. */
export function clientsSection(clients: readonly ClientResult[] | undefined, trials: number, style: Style): string | null {
  if (clients === undefined || clients.length < 2) return null;
  const fit: Array<Omit<Column, 'header'>> = [
    {},
    { align: 'right' },
    { align: 'right' },
    { shrink: true, minWidth: 12 },
    { align: 'right', optional: true, priority: 1 },
    { align: 'right', optional: true },
    { align: 'right' },
    { align: 'right', optional: true, priority: 2 },
    { align: 'right', optional: true, priority: 1 },
  ];
  const columns: Column[] = clientColumns(trials).map((header, i) => ({ header, ...fit[i] }));
  const table = renderTable({ columns, rows: clients.map(clientRow) }, style);
  const note = paragraph(CLIENTS_NOTE, style, { color: 'dim' });
  return section(clientsTitle(clients.length), `${table}\n${note}`, style);
}
