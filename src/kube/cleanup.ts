/**
 * `meshbench cleanup`: removes what deploy created — every object labelled
 * `app.kubernetes.io/managed-by: meshbench` (the sample namespace with its workloads, the
 * DestinationRule, the cross-network Gateway, cacerts, remote secrets, the reader account and
 * RBAC meshbench created, the observability addons) and the network label deploy put on
 * istio-system (by applying istio-system again with no labels from our field manager).
 * `--purge-istio` also runs `istioctl uninstall --purge` and deletes istio-system.
 */
import type { Clock, Progress } from '../app/ports.js';
import { EnvironmentError } from '../errors.js';
import { IstioctlError } from './errors.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, refName, refOf, type ClusterGateway } from './gateway.js';
import { connectClusters } from './index.js';
import { checkIstioctl, tail, uninstallArgs, type ProcessSpawner } from './istioctl.js';
import { ISTIO_NAMESPACE, SAMPLE_NAMESPACE } from './testbed.js';

/** Kinds deploy labels, most dependent first (namespaces last: they take their contents with them). */
const KINDS: Array<[string, string]> = [
  ['networking.istio.io/v1', 'DestinationRule'],
  ['networking.istio.io/v1beta1', 'DestinationRule'],
  ['networking.istio.io/v1', 'Gateway'],
  ['networking.istio.io/v1beta1', 'Gateway'],
  ['apps/v1', 'Deployment'],
  ['v1', 'Service'],
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'ServiceAccount'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ['v1', 'Namespace'],
];

export interface CleanupRequest {
  contexts: readonly string[];
  kubeconfig?: string;
  purgeIstio: boolean;
  istioctl: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** How long to wait for deleted namespaces to disappear; also the deadline of every API call. */
  timeoutMs: number;
  /** `--request-timeout` (ms). */
  requestTimeoutMs?: number;
}

export interface CleanupDeps {
  clock: Clock;
  jitter: () => number;
  spawnProcess: ProcessSpawner;
  progress: Progress;
  signal?: AbortSignal;
  pollMs?: number;
}

export interface CleanupResult {
  clusters: Array<{ name: string; context: string; deleted: string[]; istioPurged: boolean }>;
}

async function deleteManaged(gw: ClusterGateway): Promise<string[]> {
  const deleted: string[] = [];
  const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
  for (const [apiVersion, kind] of KINDS) {
    if (!(await gw.serves(apiVersion, kind))) continue;
    for (const obj of await gw.list(apiVersion, kind, { labelSelector: selector })) {
      const what = `${kind} ${refName(obj.metadata)}`;
      if (deleted.includes(what)) continue; // the same object listed through two API versions
      if (await gw.delete({ ...refOf(obj), apiVersion })) deleted.push(what);
    }
  }
  return deleted;
}

async function waitGone(gw: ClusterGateway, names: readonly string[], opts: { clock: Clock; timeoutMs: number; pollMs: number; signal?: AbortSignal }): Promise<void> {
  const deadline = opts.clock.now() + opts.timeoutMs;
  for (;;) {
    const left: string[] = [];
    for (const n of names) if ((await gw.get({ apiVersion: 'v1', kind: 'Namespace', name: n })) !== undefined) left.push(n);
    if (left.length === 0) return;
    if (opts.clock.now() >= deadline) {
      throw new EnvironmentError(`context '${gw.context}': namespace${left.length > 1 ? 's' : ''} ${left.join(', ')} still terminating after ${Math.round(opts.timeoutMs / 1000)} s`, {
        code: 'KUBE_NAMESPACE_STUCK',
        hint: `Look for finalizers: kubectl --context ${gw.context} get namespace ${left[0]} -o yaml`,
      });
    }
    await opts.clock.sleep(opts.pollMs, opts.signal);
  }
}

export async function cleanup(req: CleanupRequest, deps: CleanupDeps): Promise<CleanupResult> {
  const kube = connectClusters(req, { ...deps, timeoutMs: req.timeoutMs });
  const istioctl = req.purgeIstio ? await checkIstioctl(deps.spawnProcess, req.istioctl) : undefined;
  const result: CleanupResult = { clusters: [] };
  const waitOpts = { clock: deps.clock, timeoutMs: req.timeoutMs, pollMs: deps.pollMs ?? 2_000, ...(deps.signal ? { signal: deps.signal } : {}) };
  for (const c of kube.clusters) {
    const gw = c.gateway;
    const deleted = await deleteManaged(gw);
    for (const d of deleted) deps.progress.note(`${c.spec.name}: deleted ${d}`);
    let istioPurged = false;
    if (istioctl !== undefined) {
      const target = { context: c.spec.context, ...(req.kubeconfig !== undefined ? { kubeconfig: req.kubeconfig } : {}) };
      const args = uninstallArgs(target, istioctl.minor);
      deps.progress.note(`${c.spec.name}: istioctl ${args.join(' ')}`);
      const r = await deps.spawnProcess(istioctl.path, args, deps.signal !== undefined ? { signal: deps.signal } : {});
      if (r.exitCode !== 0) throw new IstioctlError(`istioctl uninstall failed in ${c.spec.name} (context '${c.spec.context}', exit ${r.exitCode}):\n${tail(r.stderr || r.stdout)}`);
      if (await gw.delete({ apiVersion: 'v1', kind: 'Namespace', name: ISTIO_NAMESPACE })) deleted.push(`Namespace ${ISTIO_NAMESPACE}`);
      istioPurged = true;
    } else if ((await gw.get({ apiVersion: 'v1', kind: 'Namespace', name: ISTIO_NAMESPACE })) !== undefined) {
      // Give up the network label deploy owns; Istio itself stays.
      await gw.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ISTIO_NAMESPACE } });
      deps.progress.note(`${c.spec.name}: removed meshbench's labels from Namespace ${ISTIO_NAMESPACE}`);
    }
    await waitGone(gw, [SAMPLE_NAMESPACE, ...(istioPurged ? [ISTIO_NAMESPACE] : [])], waitOpts);
    result.clusters.push({ name: c.spec.name, context: c.spec.context, deleted, istioPurged });
  }
  deps.progress.done();
  return result;
}
