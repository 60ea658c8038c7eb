/**
 * What `exec` runs in the emulator: a registry of handlers keyed by argv[0] (basename), so later
 * work can add `sh`, a fuller `curl`, ... Two built-ins:
 *
 * - `pilot-agent request GET clusters` (istio-proxy container only): Envoy's `/clusters` text as
 *   the pod's proxy would have it — local ready endpoints of every Service, plus, for every remote
 *   secret whose kubeconfig reaches a linked emulator with a valid token, that cluster's endpoints:
 *   directly on the same network, else one entry per locality at the remote east-west gateway's
 *   address:15443 with the endpoint count as weight (split-horizon EDS, mesh-behaviour.md §6).
 *   With a DestinationRule that has outlierDetection, priorities follow locality (0 same zone,
 *   1 same region, 2 other region); without one, everything is priority 0.
 * - `curl ... http://<address>:15021/healthz/ready`: 200 when that address is a linked cluster's
 *   east-west gateway with a ready pod, else curl's "Failed to connect" (exit 7).
 */
import type { KubeObject } from '../../../src/kube/gateway.js';
import { isReady } from './controller.js';
import { envoyStatsText } from './envoy-admin.js';
import { withHelloworld } from './helloworld-curl.js';
import { pilotDiscovery } from './istiod-debug.js';
import type { ApiServer } from './server.js';

export interface ExecContext {
  server: ApiServer;
  pod: KubeObject;
  container: string;
  argv: readonly string[];
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  signal: AbortSignal;
}

/** Returns the exit code. */
export type ExecHandler = (ctx: ExecContext) => number | Promise<number>;

export class ExecRegistry {
  private readonly handlers = new Map<string, ExecHandler>();
  private readonly containers: Array<{ matches: (pod: KubeObject, container: string) => boolean; handler: ExecHandler }> = [];

  /**
   * Runs every command exec'd into the matching containers with `handler`, before any handler by
   * name (real-shell.ts: a real busybox shell for the client's application container).
   */
  registerContainer(matches: (pod: KubeObject, container: string) => boolean, handler: ExecHandler): void {
    this.containers.push({ matches, handler });
  }

  /** The handler for this command in this container. */
  resolve(argv0: string, pod: KubeObject, container: string): ExecHandler | undefined {
    return this.containers.find((c) => c.matches(pod, container))?.handler ?? this.get(argv0);
  }

  /** Register (or replace) the handler for an executable name. */
  register(argv0: string, handler: ExecHandler): void {
    this.handlers.set(argv0, handler);
  }

  unregister(argv0: string): void {
    this.handlers.delete(argv0);
  }

  get(argv0: string): ExecHandler | undefined {
    return this.handlers.get(argv0.slice(argv0.lastIndexOf('/') + 1));
  }
}

interface Host {
  address: string;
  weight: number;
  region: string;
  zone: string;
  subzone: string;
}

function localityOf(server: ApiServer, pod: KubeObject): { region: string; zone: string; subzone: string } {
  const nodeName = (pod['spec'] as { nodeName?: string }).nodeName ?? '';
  const node = server.get('v1', 'Node', undefined, nodeName);
  const l = node?.metadata.labels ?? {};
  return { region: l['topology.kubernetes.io/region'] ?? '', zone: l['topology.kubernetes.io/zone'] ?? '', subzone: l['topology.istio.io/subzone'] ?? '' };
}

function ports(svc: KubeObject): Array<{ port: number; targetPort: number }> {
  const ps = ((svc['spec'] as { ports?: Array<{ port: number; targetPort?: number | string }> }).ports ?? []);
  return ps.map((p) => ({ port: p.port, targetPort: typeof p.targetPort === 'number' ? p.targetPort : p.port }));
}

function directHosts(server: ApiServer, svc: KubeObject, targetPort: number): Host[] {
  return server.controller.endpointsOf(svc).map((p) => ({
    address: `${(p['status'] as { podIP: string }).podIP}:${targetPort}`,
    weight: 1,
    ...localityOf(server, p),
  }));
}

/** Hosts of `svc` (namespace/name) in a remote cluster, as the client in `local` sees them. */
function remoteHosts(local: ApiServer, remote: ApiServer, ns: string, name: string, targetPort: number): Host[] {
  const svc = remote.get('v1', 'Service', ns, name);
  if (svc === undefined) return [];
  const direct = directHosts(remote, svc, targetPort);
  if (direct.length === 0) return [];
  if (remote.network() === local.network()) return direct;
  const gw = remote.get('v1', 'Service', 'istio-system', 'istio-eastwestgateway');
  const ip = (gw?.['status'] as { loadBalancer?: { ingress?: Array<{ ip?: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.ip;
  if (gw === undefined || ip === undefined || remote.controller.endpointsOf(gw).length === 0) return [];
  const byLocality = new Map<string, Host>();
  for (const h of direct) {
    const k = `${h.region}/${h.zone}/${h.subzone}`;
    const g = byLocality.get(k) ?? { address: `${ip}:15443`, weight: 0, region: h.region, zone: h.zone, subzone: h.subzone };
    g.weight += 1;
    byLocality.set(k, g);
  }
  return [...byLocality.values()];
}

function hasOutlierDetection(server: ApiServer, fqdn: string, shortName: string): boolean {
  return server.list('networking.istio.io/v1', 'DestinationRule').some((dr) => {
    const spec = (dr['spec'] ?? {}) as { host?: string; trafficPolicy?: { outlierDetection?: unknown } };
    return (spec.host === fqdn || spec.host === shortName) && spec.trafficPolicy?.outlierDetection !== undefined;
  });
}

function priority(client: { region: string; zone: string }, h: Host, localityAware: boolean): number {
  if (!localityAware) return 0;
  if (h.region === client.region && h.zone === client.zone) return 0;
  return h.region === client.region ? 1 : 2;
}

/** Envoy admin `/clusters` text of `pod`'s sidecar. */
export function envoyClustersText(server: ApiServer, pod: KubeObject): string {
  const client = localityOf(server, pod);
  const lines: string[] = [
    'BlackHoleCluster::observability_name::BlackHoleCluster',
    'xds-grpc::observability_name::xds-grpc',
    'xds-grpc::10.96.0.12:15012::health_flags::healthy',
  ];
  for (const svc of server.list('v1', 'Service')) {
    const ns = svc.metadata.namespace ?? 'default';
    const fqdn = `${svc.metadata.name}.${ns}.svc.cluster.local`;
    const localityAware = hasOutlierDetection(server, fqdn, svc.metadata.name);
    for (const p of ports(svc)) {
      const name = `outbound|${p.port}||${fqdn}`;
      lines.push(
        `${name}::observability_name::${name}`,
        `${name}::default_priority::max_connections::4294967295`,
        `${name}::default_priority::max_requests::4294967295`,
        `${name}::added_via_api::true`,
        `${name}::eds_service_name::${name}`,
      );
      const hosts = [...directHosts(server, svc, p.targetPort)];
      for (const peer of server.reachablePeers()) hosts.push(...remoteHosts(server, peer, ns, svc.metadata.name, p.targetPort));
      for (const h of hosts) {
        const at = `${name}::${h.address}`;
        for (const stat of ['cx_active', 'cx_connect_fail', 'cx_total', 'rq_active', 'rq_error', 'rq_success', 'rq_timeout', 'rq_total']) lines.push(`${at}::${stat}::0`);
        lines.push(
          `${at}::hostname::`,
          `${at}::health_flags::${server.hostHealth.get(h.address) ?? 'healthy'}`,
          `${at}::weight::${h.weight}`,
          `${at}::region::${h.region}`,
          `${at}::zone::${h.zone}`,
          `${at}::sub_zone::${h.subzone}`,
          `${at}::canary::false`,
          `${at}::priority::${priority(client, h, localityAware)}`,
          `${at}::success_rate::-1.0`,
          `${at}::local_origin_success_rate::-1.0`,
        );
      }
    }
  }
  return lines.join('\n') + '\n';
}

const pilotAgent: ExecHandler = ({ server, pod, container, argv, stdout, stderr }) => {
  if (container !== 'istio-proxy') {
    stderr('exec: "pilot-agent": executable file not found in $PATH');
    return 127;
  }
  const [, sub, method, path] = argv;
  if (sub !== 'request' || method !== 'GET' || path === undefined) {
    stderr('Usage: pilot-agent request <method> <path> [<body>]\n');
    return 1;
  }
  const [route = '', query = ''] = path.replace(/^\//, '').split('?');
  if (route === 'stats') {
    stdout(envoyStatsText(server, pod, new URLSearchParams(query).get('filter') ?? undefined));
    return 0;
  }
  if (route !== 'clusters') {
    stderr(`emulator: pilot-agent request GET ${path} is not emulated\n`);
    return 1;
  }
  stdout(envoyClustersText(server, pod));
  return 0;
};

const curl: ExecHandler = ({ server, argv, stdout, stderr }) => {
  const url = argv.find((a) => /^https?:\/\//.test(a));
  const wIndex = argv.indexOf('-w');
  const format = wIndex >= 0 ? argv[wIndex + 1] : undefined;
  if (url === undefined) {
    stderr('curl: no URL specified\n');
    return 2;
  }
  const u = new URL(url);
  const gateway = [server, ...server.linkedPeers()].map((s) => s.eastWestGateway()).find((g) => g !== undefined && g.ip === u.hostname);
  if (gateway === undefined || u.port !== '15021' || u.pathname !== '/healthz/ready' || !gateway.ready) {
    stderr(`curl: (7) Failed to connect to ${u.hostname} port ${u.port || 80}: Connection refused\n`);
    if (format !== undefined) stdout(format.replace('%{http_code}', '000'));
    return 7;
  }
  if (format !== undefined) stdout(format.replace('%{http_code}', '200'));
  return 0;
};

/** A registry with the built-in handlers. */
export function defaultExecRegistry(): ExecRegistry {
  const r = new ExecRegistry();
  r.register('pilot-agent', pilotAgent);
  r.register('curl', withHelloworld(curl));
  r.register('pilot-discovery', pilotDiscovery);
  return r;
}

export { isReady };
