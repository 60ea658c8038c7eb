/**
 * Parser for Envoy's admin `/clusters` text output (`pilot-agent request GET clusters` in an
 * istio-proxy container). Host lines have the shape
 * `<cluster>::<address>::<field>::<value>`, e.g.
 * `outbound|5000||helloworld.sample.svc.cluster.local::10.244.1.5:5000::health_flags::healthy`;
 * cluster-level lines (`::observability_name::`, `::default_priority::...`) are skipped. The health
 * flags string is Envoy's `HostUtility::healthFlagsToString`: `healthy`, or `/`-joined flags such
 * as `/failed_outlier_check/failed_eds_health`. Pure.
 */

export interface EnvoyHost {
  /** `ip:port` (IPv6 as `[addr]:port`). */
  address: string;
  /** Health flags; empty when the host is healthy. */
  healthFlags: string[];
  healthy: boolean;
  /** Envoy priority (0 = most preferred); 0 when not printed. */
  priority: number;
  weight?: number;
  region?: string;
  zone?: string;
  subZone?: string;
}

export interface EnvoyCluster {
  name: string;
  hosts: EnvoyHost[];
}

const HOST_LINE = /^(.+?)::(\[[0-9a-fA-F:.%]+\]:\d+|[^:\s[\]]+:\d+)::([a-z_]+)::(.*)$/;

/** `outbound|<port>||<fqdn>`, the name Istio gives a service's outbound cluster. */
export function outboundClusterName(port: number, host: string): string {
  return `outbound|${port}||${host}`;
}

/** All clusters that have at least one host line, keyed by name, hosts in output order. */
export function parseEnvoyClusters(text: string): Map<string, EnvoyCluster> {
  const clusters = new Map<string, EnvoyCluster>();
  const hosts = new Map<string, EnvoyHost>();
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const m = HOST_LINE.exec(line);
    if (!m) continue;
    const [, cluster, address, field, value] = m as unknown as [string, string, string, string, string];
    let c = clusters.get(cluster);
    if (c === undefined) {
      c = { name: cluster, hosts: [] };
      clusters.set(cluster, c);
    }
    const key = `${cluster}\u0000${address}`;
    let h = hosts.get(key);
    if (h === undefined) {
      h = { address, healthFlags: [], healthy: true, priority: 0 };
      hosts.set(key, h);
      c.hosts.push(h);
    }
    switch (field) {
      case 'health_flags':
        h.healthFlags = value === 'healthy' ? [] : value.split('/').filter((f) => f !== '');
        h.healthy = value === 'healthy';
        break;
      case 'priority':
        h.priority = Number(value) || 0;
        break;
      case 'weight':
        h.weight = Number(value);
        break;
      case 'region':
        h.region = value;
        break;
      case 'zone':
        h.zone = value;
        break;
      case 'sub_zone':
        h.subZone = value;
        break;
      default:
        break;
    }
  }
  return clusters;
}

/** Hosts of one cluster (empty when the proxy has no such cluster or it has no endpoints). */
export function clusterHosts(text: string, clusterName: string): EnvoyHost[] {
  return parseEnvoyClusters(text).get(clusterName)?.hosts ?? [];
}

/** `10.1.2.3:5000` → `10.1.2.3`; `[fd00::1]:5000` → `fd00::1`. */
export function hostIp(address: string): string {
  const m = /^\[(.+)\]:\d+$/.exec(address);
  if (m) return m[1] as string;
  return address.slice(0, address.lastIndexOf(':'));
}
