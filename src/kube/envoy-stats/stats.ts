/**
 * The client sidecar's Envoy statistics for the target cluster, and the events their changes make.
 * Pure.
 *
 * Envoy's admin `/stats` prints `cluster.<name>.<stat>: <value>` (source/server/admin/stats_handler.cc,
 * text format); the names are Envoy's cluster statistics (docs: cluster_manager/cluster_stats,
 * "Outlier detection statistics"): `outlier_detection.ejections_enforced_total` and
 * `ejections_enforced_<cause>`, the `ejections_active` gauge, `upstream_rq_retry`,
 * `upstream_cx_connect_fail`, `upstream_rq_pending_overflow`, `membership_healthy`/`membership_total`.
 * Events carry the simulator's names (src/sim/engine/observer.ts): `ejected`, `unejected`,
 * `eds-update`; retries, which the simulator does not report as events, are `retries`.
 */
import type { RunEvent } from '../../model/sample.js';

/** The counters and gauges meshbench reads. */
export interface ClusterStats {
  ejectionsEnforced: number;
  ejectionsActive: number;
  /** `ejections_enforced_<cause>` → count (consecutive_5xx, consecutive_gateway_failure, success_rate, …). */
  ejectionCauses: Record<string, number>;
  retries: number;
  connectFailures: number;
  pendingOverflows: number;
  membershipHealthy: number;
  membershipTotal: number;
}

/** Hosts per priority as the proxy holds them (from `/clusters`): healthy and total. */
export type PriorityMembership = Record<number, { healthy: number; total: number }>;

/** One reading of the proxy. */
export interface StatsReading {
  stats: ClusterStats;
  priorities?: PriorityMembership;
}

const CAUSE_PREFIX = 'outlier_detection.ejections_enforced_';

/** The `/stats?filter=` regular expression (RE2) selecting one cluster's statistics. */
export function statsFilter(cluster: string): string {
  return `^cluster\\.${cluster.replace(/[.|\\^$*+?()[\]{}]/g, (c) => `\\${c}`)}\\.`;
}

/**
 * Reads `cluster`'s statistics from `/stats` text; undefined when the text has none of them (the
 * proxy does not know the cluster). Histogram lines (`P0(…)`) and other clusters are ignored.
 */
export function parseClusterStats(text: string, cluster: string): ClusterStats | undefined {
  const prefix = `cluster.${cluster}.`;
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const colon = line.lastIndexOf(': ');
    if (colon < 0) continue;
    const v = Number(line.slice(colon + 2).trim());
    if (Number.isFinite(v)) values.set(line.slice(prefix.length, colon), v);
  }
  if (values.size === 0) return undefined;
  const causes: Record<string, number> = {};
  for (const [k, v] of values) {
    if (k.startsWith(CAUSE_PREFIX) && k !== `${CAUSE_PREFIX}total`) causes[k.slice(CAUSE_PREFIX.length)] = v;
  }
  const get = (k: string) => values.get(k) ?? 0;
  return {
    ejectionsEnforced: get('outlier_detection.ejections_enforced_total'),
    ejectionsActive: get('outlier_detection.ejections_active'),
    ejectionCauses: causes,
    retries: get('upstream_rq_retry'),
    connectFailures: get('upstream_cx_connect_fail'),
    pendingOverflows: get('upstream_rq_pending_overflow'),
    membershipHealthy: get('membership_healthy'),
    membershipTotal: get('membership_total'),
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function describePriorities(p: PriorityMembership | undefined): string {
  if (p === undefined) return '';
  const keys = Object.keys(p).map(Number).sort((a, b) => a - b);
  return keys.length === 0 ? '' : ` (${keys.map((k) => `priority ${k}: ${p[k]?.healthy ?? 0}/${p[k]?.total ?? 0}`).join(', ')})`;
}

/**
 * The events between two readings at `atMs`: new ejections (with their causes), returned hosts,
 * retries and connection failures, and a membership change — healthy/total or a per-priority split.
 * A counter that went down (the proxy restarted) yields nothing for that counter.
 */
export function statsEvents(prev: StatsReading, next: StatsReading, atMs: number, label: string): RunEvent[] {
  const a = prev.stats;
  const b = next.stats;
  const out: RunEvent[] = [];
  const ejected = b.ejectionsEnforced - a.ejectionsEnforced;
  if (ejected > 0) {
    const causes = Object.entries(b.ejectionCauses)
      .map(([k, v]) => [k, v - (a.ejectionCauses[k] ?? 0)] as const)
      .filter(([, d]) => d > 0)
      .map(([k, d]) => `${k} +${d}`);
    out.push({ name: 'ejected', atMs, action: `${label}: outlier detection ejected ${plural(ejected, 'host')}${causes.length > 0 ? ` (${causes.join(', ')})` : ''}; ${b.ejectionsActive} ejected now` });
  }
  // Hosts that came back: fewer ejected now than before plus those newly ejected.
  const returned = a.ejectionsActive + Math.max(0, ejected) - b.ejectionsActive;
  if (returned > 0) {
    out.push({ name: 'unejected', atMs, action: `${label}: outlier detection returned ${plural(returned, 'host')}; ${b.ejectionsActive} ejected now` });
  }
  const retries = b.retries - a.retries;
  const fails = b.connectFailures - a.connectFailures;
  const overflows = b.pendingOverflows - a.pendingOverflows;
  if (retries > 0 || fails > 0 || overflows > 0) {
    const parts = [retries > 0 ? `+${plural(retries, 'retry', 'retries')}` : '', fails > 0 ? `+${plural(fails, 'connect failure')}` : '', overflows > 0 ? `+${plural(overflows, 'pending overflow')}` : ''].filter((x) => x !== '');
    out.push({ name: 'retries', atMs, action: `${label}: ${parts.join(', ')} since the previous reading` });
  }
  const membershipChanged = a.membershipHealthy !== b.membershipHealthy || a.membershipTotal !== b.membershipTotal || JSON.stringify(prev.priorities ?? {}) !== JSON.stringify(next.priorities ?? {});
  if (membershipChanged) {
    out.push({ name: 'eds-update', atMs, action: `${label}: ${a.membershipHealthy}/${a.membershipTotal} → ${b.membershipHealthy}/${b.membershipTotal} healthy hosts${describePriorities(next.priorities)}` });
  }
  return out;
}
