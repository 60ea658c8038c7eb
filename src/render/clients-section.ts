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

function clientRow(c: ClientResult): string[] {
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

/** The per-client table, or null with one client. */
export function clientsSection(clients: readonly ClientResult[] | undefined, trials: number, style: Style): string | null {
  if (clients === undefined || clients.length < 2) return null;
  const columns: Column[] = [
    { header: 'client' },
    { header: 'requests', align: 'right' },
    { header: 'failed', align: 'right' },
    { header: 'versions', shrink: true, minWidth: 12 },
    { header: 'same cluster', align: 'right', optional: true, priority: 1 },
    { header: 'same locality', align: 'right', optional: true },
    { header: trials > 1 ? 'recovery p50 / p99' : 'recovery', align: 'right' },
    { header: 'failover errors', align: 'right', optional: true, priority: 2 },
    { header: trials > 1 ? 'failback p50 / p99' : 'failback', align: 'right', optional: true, priority: 1 },
  ];
  const table = renderTable({ columns, rows: clients.map(clientRow) }, style);
  const note = paragraph(
    'each client is its own sidecar with its own EDS view, outlier detector and load; the pods are shared. "not affected": the policy gives this client no traffic to the faulted workload. Threshold a client with e.g. distribution.v2.share{client=NAME} > 0.99.',
    style,
    { color: 'dim' },
  );
  return section(`Clients (${formatCount(clients.length)}; every figure relative to that client)`, `${table}\n${note}`, style);
}
