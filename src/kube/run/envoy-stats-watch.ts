/**
 * Envoy statistics of the client sidecar as run events: the trial reads them before and after each
 * timeline action and every few seconds (`pilot-agent request GET stats?filter=…` for the target
 * cluster, and `clusters` for hosts per priority, in the sleep pod's istio-proxy) and records what
 * changed since the previous reading — ejections, returned hosts, retries, membership changes — at
 * the reading's time. An event is as precise as the readings around it.
 */
import type { RunEvent } from '../../model/sample.js';
import { clusterHosts } from '../doctor/envoy-clusters.js';
import { parseClusterStats, statsEvents, statsFilter, type PriorityMembership, type StatsReading } from '../envoy-stats/stats.js';
import type { ProxyTarget } from './endpoint-watch.js';
import { isDeadlineError } from './deadline.js';

/** How often the trial reads the proxy's statistics besides around actions. */
export const ENVOY_STATS_EVERY_MS = 2_000;

async function pilotAgentGet(t: ProxyTarget, path: string, signal?: AbortSignal): Promise<string | undefined> {
  const r = await t.gateway.exec({
    namespace: t.namespace,
    pod: t.pod,
    container: 'istio-proxy',
    argv: ['pilot-agent', 'request', 'GET', path],
    timeoutMs: 10_000,
    ...(signal !== undefined ? { signal } : {}),
  });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** One reading; undefined when the proxy cannot be read (best effort, like the endpoint watch). */
export async function readEnvoyStats(t: ProxyTarget, signal?: AbortSignal): Promise<StatsReading | undefined> {
  try {
    const text = await pilotAgentGet(t, `stats?filter=${encodeURIComponent(statsFilter(t.cluster))}`, signal);
    const stats = text !== undefined ? parseClusterStats(text, t.cluster) : undefined;
    if (stats === undefined) return undefined;
    const clusters = await pilotAgentGet(t, 'clusters', signal);
    if (clusters === undefined) return { stats };
    const priorities: PriorityMembership = {};
    for (const h of clusterHosts(clusters, t.cluster)) {
      const p = (priorities[h.priority] ??= { healthy: 0, total: 0 });
      p.total++;
      if (h.healthy) p.healthy++;
    }
    return { stats, priorities };
  } catch (err) {
    if (signal?.aborted === true || isDeadlineError(err)) throw err; // the run's --timeout ends the trial
    return undefined;
  }
}

/** Readings of one trial; each `sample` returns the events since the previous readable one. */
export class EnvoyStatsWatch {
  private last: StatsReading | undefined;
  readonly everyMs: number;

  constructor(
    private readonly target: ProxyTarget,
    opts: { everyMs?: number } = {},
  ) {
    this.everyMs = opts.everyMs ?? ENVOY_STATS_EVERY_MS;
  }

  async sample(atMs: number, signal?: AbortSignal): Promise<RunEvent[]> {
    const next = await readEnvoyStats(this.target, signal);
    if (next === undefined) return [];
    const prev = this.last;
    this.last = next;
    return prev === undefined ? [] : statsEvents(prev, next, atMs, `client proxy ${this.target.pod}`);
  }
}
