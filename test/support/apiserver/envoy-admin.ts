/**
 * `pilot-agent request GET stats[?filter=<regex>]` in an emulated istio-proxy: Envoy's admin
 * `/stats` text for the outbound clusters, computed from the emulated proxy's state —
 *
 * - membership (`membership_total`, `membership_healthy`) from the same hosts and health flags the
 *   emulated `/clusters` shows (handlers.ts envoyClustersText);
 * - `outlier_detection.ejections_active`: hosts whose flags hold `failed_outlier_check`;
 *   `ejections_enforced_total` (and `ejections_enforced_consecutive_5xx`, the cause Istio's
 *   `consecutive5xxErrors` maps to) counts hosts that became ejected, as noticed at each read;
 * - `upstream_rq_total`, `upstream_rq_retry`, `upstream_cx_connect_fail`, `upstream_rq_5xx` from the
 *   requests the emulated client actually sent (`countEnvoyTraffic`): an answer that failed to
 *   connect counts a connect failure, one that was retried elsewhere after a connect failure (the
 *   emulator's retry path) counts both.
 */
import { clusterHosts } from '../../../src/kube/doctor/envoy-clusters.js';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { envoyClustersText } from './handlers.js';
import type { ApiServer } from './server.js';
import type { MeshTraffic, Outcome } from './traffic.js';

interface ProxyCounters {
  rqTotal: number;
  rq5xx: number;
  retries: number;
  connectFail: number;
  /** Per cluster: hosts seen ejected at the last read, and ejections counted so far. */
  ejected: Map<string, Set<string>>;
  enforced: Map<string, number>;
}

const counters = new WeakMap<ApiServer, ProxyCounters>();

function countersOf(server: ApiServer): ProxyCounters {
  let c = counters.get(server);
  if (c === undefined) {
    c = { rqTotal: 0, rq5xx: 0, retries: 0, connectFail: 0, ejected: new Map(), enforced: new Map() };
    counters.set(server, c);
  }
  return c;
}

/** `/clusters` text with the host health flags a test set in `server.hostHealth` (outlier ejections). */
function withHostHealth(server: ApiServer, text: string): string {
  return text.replace(/^(outbound\|[^:]*::)([^:]+:\d+)::health_flags::\S*$/gm, (line, prefix: string, addr: string) => {
    const flags = server.hostHealth.get(addr);
    return flags !== undefined ? `${prefix}${addr}::health_flags::${flags}` : line;
  });
}

/**
 * The client proxy of a run bed (whose `pilot-agent` is the curl loop's, answering `/clusters` from
 * the traffic's lagging view): `stats` and `clusters` answered from that view plus the outlier
 * flags in `server.hostHealth`, and the requests through `traffic` counted (the emulated load
 * generators call `outcome` once per request). Returns the unwrap function.
 */
export function emulateEnvoyStats(server: ApiServer, traffic: MeshTraffic): () => void {
  const clustersOf = server.exec.get('pilot-agent');
  if (clustersOf !== undefined) {
    server.exec.register('pilot-agent', async (ctx) => {
      const [, sub, method, path = ''] = ctx.argv;
      const [route = '', query = ''] = path.replace(/^\//, '').split('?');
      if (ctx.container !== 'istio-proxy' || sub !== 'request' || method !== 'GET' || (route !== 'stats' && route !== 'clusters')) return clustersOf(ctx);
      let text = '';
      const code = await clustersOf({ ...ctx, argv: ['pilot-agent', 'request', 'GET', 'clusters'], stdout: (t) => (text += t) });
      if (code !== 0) return code;
      const clusters = withHostHealth(server, text);
      ctx.stdout(route === 'clusters' ? clusters : statsFromClusters(server, clusters, new URLSearchParams(query).get('filter') ?? undefined));
      return 0;
    });
  }
  const original = traffic.outcome.bind(traffic);
  const lat = traffic.model.latencyMs;
  traffic.outcome = (tMs: number, seq: number): Outcome => {
    const out = original(tMs, seq);
    const c = countersOf(server);
    c.rqTotal++;
    if (out.status >= 500) c.rq5xx++;
    if (out.status === 503 && out.body.includes('connection failure')) c.connectFail++;
    // MeshTraffic's retry path: a gone remote, then a local endpoint, answered after local + error latency.
    if (out.status === 200 && out.latencyMs === lat.local + lat.error) {
      c.connectFail++;
      c.retries++;
    }
    return out;
  };
  return () => {
    traffic.outcome = original;
    if (clustersOf !== undefined) server.exec.register('pilot-agent', clustersOf);
  };
}

/** The `/stats` text of `pod`'s proxy from the default emulated `/clusters` (handlers.ts). */
export function envoyStatsText(server: ApiServer, pod: KubeObject, filter?: string): string {
  return statsFromClusters(server, envoyClustersText(server, pod), filter);
}

/**
 * `/stats` for the outbound clusters of a `/clusters` text (every cluster; `filter` applied as
 * Envoy does, a regular expression on the stat name).
 */
export function statsFromClusters(server: ApiServer, clustersText: string, filter?: string): string {
  const c = countersOf(server);
  const names = [...new Set(clustersText.split('\n').map((l) => l.split('::')[0] ?? '').filter((n) => n.startsWith('outbound|')))];
  const re = filter !== undefined ? new RegExp(filter) : undefined;
  const lines: string[] = [];
  for (const name of names) {
    const hosts = clusterHosts(clustersText, name);
    const ejectedNow = new Set(hosts.filter((h) => h.healthFlags.includes('failed_outlier_check')).map((h) => h.address));
    const before = c.ejected.get(name) ?? new Set<string>();
    const fresh = [...ejectedNow].filter((a) => !before.has(a)).length;
    c.enforced.set(name, (c.enforced.get(name) ?? 0) + fresh);
    c.ejected.set(name, ejectedNow);
    const target = name.endsWith('||helloworld.sample.svc.cluster.local');
    const stats: Array<[string, number]> = [
      ['membership_healthy', hosts.filter((h) => h.healthy).length],
      ['membership_total', hosts.length],
      ['outlier_detection.ejections_active', ejectedNow.size],
      ['outlier_detection.ejections_enforced_consecutive_5xx', c.enforced.get(name) ?? 0],
      ['outlier_detection.ejections_enforced_total', c.enforced.get(name) ?? 0],
      ['upstream_cx_connect_fail', target ? c.connectFail : 0],
      ['upstream_rq_5xx', target ? c.rq5xx : 0],
      ['upstream_rq_pending_overflow', 0],
      ['upstream_rq_retry', target ? c.retries : 0],
      ['upstream_rq_total', target ? c.rqTotal : 0],
    ];
    for (const [k, v] of stats) {
      const full = `cluster.${name}.${k}`;
      if (re === undefined || re.test(full)) lines.push(`${full}: ${v}`);
    }
  }
  return lines.sort().join('\n') + '\n';
}
