/**
 * The parts of istiod the doctor's verification checks read, from the emulator's real state:
 *
 * - `pilot-discovery request GET /debug/syncz` (the istiod pod's `discovery` container): one
 *   SyncStatus per ready pod with an istio-proxy container (pilot/pkg/xds/debug.go Syncz), every
 *   xDS type sent and acked with the same nonce — unless a test marked the proxy as having rejected
 *   its configuration (`rejectConfig`), whose sent nonces then stay unacked, as Envoy NACKs them.
 * - `pilot-discovery request GET /debug/clusterz`: the config cluster, then per remote secret its
 *   cluster (pkg/cluster/debug.go DebugInfo) — `synced` when the secret's kubeconfig reaches a
 *   linked emulator with a token it accepts, `timeout` otherwise (pkg/kube/multicluster: a remote
 *   cluster whose informers never sync).
 * - the `istio-ca-root-cert` ConfigMap in every namespace (pilot/pkg/serviceregistry/kube/
 *   controller namespacecontroller), holding the root istiod read from `cacerts` when its pod
 *   started — or, without cacerts, its self-signed root (here: the emulator's own CA). istiod reads
 *   cacerts only at start-up, so a cacerts changed later is not in the bundle until istiod restarts.
 */
import type { KubeObject } from '../../../src/kube/gateway.js';
import { isReady } from './controller.js';
import type { ExecHandler } from './handlers.js';
import { findByKind } from './resources.js';
import type { ApiServer } from './server.js';

const rejected = new WeakMap<ApiServer, Set<string>>();

/** Makes the proxy of `pod` (`name.namespace`) NACK istiod's configuration from now on. */
export function rejectConfig(server: ApiServer, proxy: string): void {
  const s = rejected.get(server) ?? new Set<string>();
  s.add(proxy);
  rejected.set(server, s);
}

function hasProxy(p: KubeObject): boolean {
  const spec = (p['spec'] ?? {}) as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }> };
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some((c) => c.name === 'istio-proxy');
}

function syncz(server: ApiServer): unknown[] {
  const version = (((server.get('apps/v1', 'Deployment', 'istio-system', 'istiod')?.['spec'] as { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined)?.template?.spec?.containers?.[0]?.image ?? '').split(':')[1]) ?? '';
  const out: unknown[] = [];
  for (const p of server.list('v1', 'Pod')) {
    if (!hasProxy(p) || !isReady(p) || p.metadata.deletionTimestamp !== undefined) continue;
    const proxy = `${p.metadata.name}.${p.metadata.namespace ?? 'default'}`;
    const nonce = `${p.metadata.uid ?? p.metadata.name}-${p.metadata.resourceVersion ?? '1'}`;
    const acked = rejected.get(server)?.has(proxy) === true ? `${nonce}-previous` : nonce;
    const router = p.metadata.labels?.['istio'] === 'eastwestgateway';
    out.push({
      cluster_id: server.name,
      proxy,
      proxy_type: router ? 'router' : 'sidecar',
      istio_version: version,
      cluster_sent: nonce,
      cluster_acked: acked,
      listener_sent: nonce,
      listener_acked: acked,
      endpoint_sent: nonce,
      endpoint_acked: acked,
      ...(router ? {} : { route_sent: nonce, route_acked: acked }),
    });
  }
  return out;
}

function clusterz(server: ApiServer): unknown[] {
  // A secret's key names its cluster (istioctl create-remote-secret --name); the emulator's servers are named alike.
  const reachable = new Set(server.reachablePeers().map((p) => p.name));
  const out: unknown[] = [{ id: server.name, secretName: '', syncStatus: 'synced' }];
  for (const s of server.list('v1', 'Secret', 'istio-system', 'istio/multiCluster=true')) {
    for (const key of Object.keys((s['data'] ?? {}) as Record<string, string>)) {
      out.push({ id: key, secretName: `istio-system/${s.metadata.name}`, syncStatus: reachable.has(key) ? 'synced' : 'timeout' });
    }
  }
  return out;
}

/** `pilot-discovery request GET <path>` in the istiod pod. */
export const pilotDiscovery: ExecHandler = ({ server, container, argv, stdout, stderr }) => {
  if (container !== 'discovery') {
    stderr('exec: "pilot-discovery": executable file not found in $PATH');
    return 127;
  }
  const [, sub, method, path] = argv;
  if (sub !== 'request' || method === undefined || path === undefined) {
    stderr('Error: requires at least 2 arg(s), only received 0\n');
    return 1;
  }
  const p = path.replace(/^\/+/, '').split('?')[0];
  if (p === 'debug/syncz') stdout(JSON.stringify(syncz(server)));
  else if (p === 'debug/clusterz') stdout(JSON.stringify(clusterz(server)));
  else {
    stderr(`emulator: pilot-discovery request ${method} ${path} is not emulated\n`);
    return 1;
  }
  return 0;
};

/** Keeps `istio-ca-root-cert` in every namespace, as istiod's namespace controller does. */
export function emulateIstiodRootCert(server: ApiServer): void {
  const configMaps = findByKind('v1', 'ConfigMap');
  const istiodPods = new Set<string>();
  let root: string | undefined;
  let writing = false;
  const write = (ns: string) => {
    if (root === undefined || configMaps === undefined) return;
    writing = true;
    try {
      server.store.put(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-ca-root-cert', namespace: ns, labels: { 'istio.io/config': 'true' } }, data: { 'root-cert.pem': root } }, new Date().toISOString());
    } finally {
      writing = false;
    }
  };
  const prev = server.store.onChange;
  server.store.onChange = (def, obj, deleted) => {
    prev(def, obj, deleted);
    if (writing || deleted) return;
    if (obj.kind === 'Pod' && obj.metadata.namespace === 'istio-system' && obj.metadata.labels?.['app'] === 'istiod' && !istiodPods.has(obj.metadata.name)) {
      istiodPods.add(obj.metadata.name);
      // A starting istiod reads cacerts once (pilot/pkg/bootstrap/istio_ca.go); without it, it makes its own root.
      const cacerts = server.get('v1', 'Secret', 'istio-system', 'cacerts');
      const pem = (cacerts?.['data'] as Record<string, string> | undefined)?.['root-cert.pem'];
      root = pem !== undefined ? Buffer.from(pem, 'base64').toString('utf8') : server.caPem;
      for (const n of server.list('v1', 'Namespace')) write(n.metadata.name);
    } else if (obj.kind === 'Namespace' && obj.metadata.deletionTimestamp === undefined) {
      write(obj.metadata.name);
    }
  };
}
