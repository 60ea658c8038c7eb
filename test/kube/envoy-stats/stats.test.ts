/** Envoy /stats text → the target cluster's counters → events named as the simulator names them. */
import { describe, expect, it } from 'vitest';
import { parseClusterStats, statsEvents, statsFilter, type ClusterStats } from '../../../src/kube/envoy-stats/stats.js';

const C = 'outbound|5000||helloworld.sample.svc.cluster.local';

function text(values: Record<string, number>): string {
  return [
    'cluster.outbound|80||other.svc.cluster.local.upstream_rq_retry: 99',
    ...Object.entries(values).map(([k, v]) => `cluster.${C}.${k}: ${v}`),
    `cluster.${C}.upstream_rq_time: P0(nan,1.0) P25(nan,1.05)`,
  ].join('\n');
}

function stats(over: Partial<ClusterStats> = {}): ClusterStats {
  return { ejectionsEnforced: 0, ejectionsActive: 0, ejectionCauses: {}, retries: 0, connectFailures: 0, pendingOverflows: 0, membershipHealthy: 2, membershipTotal: 2, ...over };
}

describe('Envoy cluster stats', () => {
  it('reads the target cluster only, with ejection causes', () => {
    const s = parseClusterStats(
      text({
        'outlier_detection.ejections_enforced_total': 3,
        'outlier_detection.ejections_enforced_consecutive_5xx': 2,
        'outlier_detection.ejections_enforced_consecutive_gateway_failure': 1,
        'outlier_detection.ejections_active': 1,
        upstream_rq_retry: 7,
        upstream_cx_connect_fail: 4,
        upstream_rq_pending_overflow: 1,
        membership_healthy: 1,
        membership_total: 2,
      }),
      C,
    );
    expect(s).toEqual({
      ejectionsEnforced: 3,
      ejectionsActive: 1,
      ejectionCauses: { consecutive_5xx: 2, consecutive_gateway_failure: 1 },
      retries: 7,
      connectFailures: 4,
      pendingOverflows: 1,
      membershipHealthy: 1,
      membershipTotal: 2,
    });
    expect(parseClusterStats(text({}), 'outbound|1||nothing')).toBeUndefined();
  });

  it('filters by an anchored, escaped regular expression', () => {
    const re = new RegExp(statsFilter(C));
    expect(re.test(`cluster.${C}.upstream_rq_retry`)).toBe(true);
    expect(re.test('cluster.outbound|5000||helloworldXsample.svc.cluster.local.upstream_rq_retry')).toBe(false);
    expect(re.test(`xcluster.${C}.upstream_rq_retry`)).toBe(false);
  });

  it('turns changes into ejected / unejected / retries / eds-update events', () => {
    const a = { stats: stats(), priorities: { 0: { healthy: 2, total: 2 } } };
    const b = { stats: stats({ ejectionsEnforced: 1, ejectionsActive: 1, ejectionCauses: { consecutive_5xx: 1 }, retries: 3, connectFailures: 2, membershipHealthy: 1 }), priorities: { 0: { healthy: 1, total: 2 } } };
    expect(statsEvents(a, b, 1500, 'client proxy sleep-1')).toEqual([
      { name: 'ejected', atMs: 1500, action: 'client proxy sleep-1: outlier detection ejected 1 host (consecutive_5xx +1); 1 ejected now' },
      { name: 'retries', atMs: 1500, action: 'client proxy sleep-1: +3 retries, +2 connect failures since the previous reading' },
      { name: 'eds-update', atMs: 1500, action: 'client proxy sleep-1: 2/2 → 1/2 healthy hosts (priority 0: 1/2)' },
    ]);
    const c = { stats: { ...b.stats, ejectionsActive: 0, membershipHealthy: 2 }, priorities: { 0: { healthy: 2, total: 2 } } };
    expect(statsEvents(b, c, 3000, 'p').map((e) => [e.name, e.action])).toEqual([
      ['unejected', 'p: outlier detection returned 1 host; 0 ejected now'],
      ['eds-update', 'p: 1/2 → 2/2 healthy hosts (priority 0: 2/2)'],
    ]);
    // Ejected and returned between two readings: both, the counter tells.
    const d = { stats: { ...c.stats, ejectionsEnforced: 2 } , priorities: c.priorities };
    expect(statsEvents(c, d, 5000, 'p').map((e) => e.name)).toEqual(['ejected', 'unejected']);
    // A restarted proxy (counters reset) is not an event; nothing changed is nothing.
    expect(statsEvents(d, { stats: stats(), priorities: c.priorities }, 6000, 'p')).toEqual([]);
  });
});
