/**
 * What the tutorial's verification section asks istiod: `istioctl proxy-status` (every proxy
 * SYNCED) and `istioctl remote-clusters` (every other cluster `synced`). Both read istiod's debug
 * endpoints; meshbench runs `pilot-discovery request GET /debug/…` in the istiod pod's `discovery`
 * container — pilot/cmd/pilot-discovery/app/request.go sends it to 127.0.0.1:15014, where the
 * debug handlers need no token (pilot/pkg/xds/debug.go allows localhost), which a request through
 * the API server's service proxy would not be.
 */
import { isPodReady } from '../images.js';
import type { ConnectedCluster } from '../index.js';
import { ISTIO_NAMESPACE } from '../testbed.js';
import type { CheckResult } from './types.js';

const EXEC_TIMEOUT_MS = 20_000;

/** One entry of `/debug/syncz` (pilot/pkg/xds/debug.go SyncStatus): nonces sent and acked per xDS type. */
export interface SyncStatus {
  cluster_id?: string;
  proxy?: string;
  proxy_type?: string;
  istio_version?: string;
  cluster_sent?: string;
  cluster_acked?: string;
  listener_sent?: string;
  listener_acked?: string;
  route_sent?: string;
  route_acked?: string;
  endpoint_sent?: string;
  endpoint_acked?: string;
}

/** One entry of `/debug/clusterz` (pkg/cluster/debug.go DebugInfo). */
export interface RemoteClusterStatus {
  id: string;
  secretName: string;
  /** pkg/kube/multicluster: `syncing`, `synced`, `timeout`, `closed`. */
  syncStatus: string;
}

export type XdsStatus = 'SYNCED' | 'NOT SENT' | 'STALE';

/** istioctl/pkg/writer/pilot/status.go xdsStatus: nothing sent, the sent nonce acked, or not (yet). */
export function xdsStatus(sent: string | undefined, acked: string | undefined): XdsStatus {
  if (sent === undefined || sent === '') return 'NOT SENT';
  return sent === acked ? 'SYNCED' : 'STALE';
}

const XDS_TYPES = [
  ['CDS', 'cluster'],
  ['LDS', 'listener'],
  ['EDS', 'endpoint'],
  ['RDS', 'route'],
] as const;

/** The types of a proxy that are STALE (sent, not acked). */
export function staleTypes(s: SyncStatus): string[] {
  const rec = s as Record<string, string | undefined>;
  return XDS_TYPES.filter(([, k]) => xdsStatus(rec[`${k}_sent`], rec[`${k}_acked`]) === 'STALE').map(([t]) => t);
}

/** Runs `pilot-discovery request GET <path>` in a ready istiod pod; undefined when there is none. */
async function istiodDebug(c: ConnectedCluster, path: string): Promise<{ pod: string; body: unknown } | { pod: string; error: string } | undefined> {
  const pods = await c.gateway.list('v1', 'Pod', { namespace: ISTIO_NAMESPACE, labelSelector: 'app=istiod' });
  const pod = pods.find(isPodReady)?.metadata.name;
  if (pod === undefined) return undefined;
  const r = await c.gateway.exec({ namespace: ISTIO_NAMESPACE, pod, container: 'discovery', argv: ['pilot-discovery', 'request', 'GET', path], timeoutMs: EXEC_TIMEOUT_MS });
  if (r.exitCode !== 0) return { pod, error: `pilot-discovery request GET ${path} failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n')[0] ?? ''}` };
  try {
    return { pod, body: JSON.parse(r.stdout) as unknown };
  } catch {
    return { pod, error: `pilot-discovery request GET ${path} answered no JSON` };
  }
}

/**
 * A debug endpoint's JSON list, or the check's result when it cannot be read (no istiod pod: skip;
 * the request failed: fail with istiod's log as the fix).
 */
async function debugList<T>(c: ConnectedCluster, base: { id: string; cluster: string }, path: string, what: string): Promise<{ pod: string; list: T[] } | CheckResult> {
  const got = await istiodDebug(c, path);
  if (got === undefined) return { ...base, status: 'skip', message: `no ready istiod pod; ${what} not checked` };
  if ('error' in got) return { ...base, status: 'fail', message: got.error, fix: `kubectl --context ${c.spec.context} -n ${ISTIO_NAMESPACE} logs ${got.pod} -c discovery` };
  return { pod: got.pod, list: Array.isArray(got.body) ? (got.body as T[]) : [] };
}

/** `istioctl proxy-status` for one cluster's istiod: every connected proxy's CDS/LDS/EDS/RDS acked. */
export async function checkProxyStatus(c: ConnectedCluster): Promise<CheckResult> {
  const base = { id: 'proxy-status', cluster: c.spec.name };
  const ctx = c.spec.context;
  const got = await debugList<SyncStatus>(c, base, '/debug/syncz', 'proxy status');
  if ('status' in got) return got;
  const list = got.list;
  if (list.length === 0) {
    return { ...base, status: 'warn', message: `no proxy is connected to istiod (${got.pod})`, fix: `Check sidecar injection and restart the workloads: kubectl --context ${ctx} -n sample rollout restart deployment` };
  }
  const stale = list.map((s) => ({ s, types: staleTypes(s) })).filter((x) => x.types.length > 0);
  if (stale.length > 0) {
    return {
      ...base,
      status: 'fail',
      message: `${stale.length} of ${list.length} proxies are STALE (istiod sent configuration they have not acknowledged)`,
      details: stale.map((x) => `${x.s.proxy ?? '(unnamed)'}: ${x.types.join(', ')} STALE`),
      fix: `istioctl --context ${ctx} proxy-status; look for rejected configuration in the proxy's log (kubectl logs <pod> -c istio-proxy | grep -i rejected) and in istiod's; restarting the pod reconnects it`,
    };
  }
  return { ...base, status: 'pass', message: `${list.length} prox${list.length === 1 ? 'y' : 'ies'} SYNCED with istiod (${got.pod})` };
}

/** `istioctl remote-clusters` for one cluster's istiod: every other cluster of the mesh listed and `synced`. */
export async function checkRemoteClusters(c: ConnectedCluster, all: readonly ConnectedCluster[]): Promise<CheckResult> {
  const base = { id: 'remote-clusters', cluster: c.spec.name };
  const ctx = c.spec.context;
  const got = await debugList<RemoteClusterStatus>(c, base, '/debug/clusterz', 'remote clusters');
  if ('status' in got) return got;
  const list = got.list;
  const problems: string[] = [];
  for (const other of all) {
    if (other === c) continue;
    const st = list.find((x) => x.id === other.spec.name);
    if (st === undefined) problems.push(`${other.spec.name}: not a remote cluster of this istiod`);
    else if (st.syncStatus !== 'synced') problems.push(`${other.spec.name}: ${st.syncStatus} (secret ${st.secretName})`);
  }
  if (problems.length > 0) {
    return {
      ...base,
      status: 'fail',
      message: `istiod does not read every other cluster's endpoints: ${problems.join('; ')}`,
      details: list.map((x) => `${x.id}  ${x.secretName}  ${x.syncStatus}`),
      fix: `istioctl --context ${ctx} remote-clusters; a cluster missing needs its remote secret (see remote-secret above); one stuck in syncing/timeout cannot reach that API server with the secret's address and token: kubectl --context ${ctx} -n ${ISTIO_NAMESPACE} logs deploy/istiod | grep -i "remote cluster"`,
    };
  }
  const others = list.filter((x) => x.id !== c.spec.name);
  return { ...base, status: 'pass', message: others.length === 0 ? 'no remote cluster needed' : `${others.map((x) => x.id).join(', ')} synced` };
}
