/**
 * When did the client proxy notice? After each timeline action the driver polls the client pod's
 * istio-proxy (`pilot-agent request GET clusters`, Envoy's /clusters) and compares the service's
 * hosts — address, health flags, priority — with a snapshot taken just before the action. The first
 * poll that differs gives an observation event: the time the proxy stopped (or started) seeing an
 * endpoint, to within the poll interval plus one exec round trip.
 */
import { clusterHosts, outboundClusterName } from '../doctor/envoy-clusters.js';
import type { ClusterGateway } from '../gateway.js';
import { isDeadlineError } from './deadline.js';

/** The client pod whose istio-proxy is polled, and the proxy cluster of the service. */
export interface ProxyTarget {
  gateway: ClusterGateway;
  namespace: string;
  pod: string;
  /** `outbound|5000||helloworld.sample.svc.cluster.local`. */
  cluster: string;
}

/** The proxy cluster name of the scenario's service. */
export function proxyClusterName(service: string, namespace: string, port: number): string {
  return outboundClusterName(port, `${service}.${namespace}.svc.cluster.local`);
}

/** The service's hosts as the proxy holds them, in a comparable form, and how many are healthy. */
export interface ProxySnapshot {
  key: string;
  healthy: number;
  total: number;
}

/** Reads the proxy's hosts; undefined when the exec fails (the watch is best effort). */
export async function proxySnapshot(t: ProxyTarget, signal?: AbortSignal): Promise<ProxySnapshot | undefined> {
  try {
    const r = await t.gateway.exec({
      namespace: t.namespace,
      pod: t.pod,
      container: 'istio-proxy',
      argv: ['pilot-agent', 'request', 'GET', 'clusters'],
      timeoutMs: 10_000,
      ...(signal !== undefined ? { signal } : {}),
    });
    if (r.exitCode !== 0) return undefined;
    const hosts = clusterHosts(r.stdout, t.cluster)
      .map((h) => `${h.address} ${h.healthy ? 'healthy' : h.healthFlags.join('/')} p${h.priority}`)
      .sort();
    return { key: hosts.join('\n'), healthy: hosts.filter((h) => h.includes(' healthy ')).length, total: hosts.length };
  } catch (err) {
    if (signal?.aborted || isDeadlineError(err)) throw err; // the run's --timeout ends the trial
    return undefined;
  }
}

/** One action being watched. */
export interface Watch {
  /** Event name of the action. */
  name: string;
  before: ProxySnapshot;
  /** Driver ms of the action's acceptance. */
  actionAtMs: number;
  /** Stop watching after this (driver ms). */
  untilMs: number;
}
