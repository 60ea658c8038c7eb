/**
 * `meshbench doctor`: the seed's Verification and Troubleshooting steps as checks with fixes.
 * A check that cannot run because of an environment error (auth, unreachable, ...) fails with that
 * error's message and hint; the other checks still run. Read-only: nothing is changed.
 */
import type { Clock, Progress } from '../../app/ports.js';
import { ToolError } from '../../errors.js';
import { connectClusters, type ConnectedCluster } from '../index.js';
import { checkEastWestGateway, checkInjection, checkIstiod, checkNetworkLabel, checkWorkloads } from './cluster-checks.js';
import type { ProcessSpawner } from '../istioctl.js';
import { checkIstioctlAnalyze } from './analyze-check.js';
import { checkCrossNetworkGateway, checkTrustBundles } from './bundle-checks.js';
import { checkDestinationRule } from './destination-rule-check.js';
import { checkEndToEnd } from './e2e-check.js';
import { checkProxyStatus, checkRemoteClusters } from './istiod-checks.js';
import { checkRemoteSecrets, checkRootCerts } from './mesh-checks.js';
import { checkEndpoints, checkGatewayReachability, findSleepPod, type ClusterFacts } from './traffic-checks.js';
import { summarize, type CheckResult, type DoctorReport } from './types.js';

export interface DoctorRequest {
  contexts: readonly string[];
  kubeconfig?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** `--request-timeout` (ms). */
  requestTimeoutMs?: number;
  /** `--timeout`: no API call starts or is waited for after this long (ms). */
  timeoutMs?: number;
}

export interface DoctorDeps {
  clock: Clock;
  jitter: () => number;
  progress: Progress;
  signal?: AbortSignal;
  /** Runs istioctl for `istioctl analyze` (skipped when absent or istioctl is not installed). */
  spawnProcess?: ProcessSpawner;
  /** istioctl's path (default `istioctl`). */
  istioctl?: string;
}

function failed(id: string, cluster: string | undefined, err: unknown): CheckResult {
  if (!(err instanceof ToolError)) throw err;
  return { id, ...(cluster !== undefined ? { cluster } : {}), status: 'fail', message: err.message, ...(err.hint !== undefined ? { fix: err.hint } : {}) };
}

async function guard<T>(id: string, cluster: string | undefined, checks: CheckResult[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    checks.push(failed(id, cluster, err));
    return undefined;
  }
}

export async function doctor(req: DoctorRequest, deps: DoctorDeps): Promise<DoctorReport> {
  const kube = connectClusters(req, { ...deps, ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}) });
  const checks: CheckResult[] = [];
  const report: DoctorReport = { clusters: [], checks, summary: { pass: 0, warn: 0, fail: 0, skip: 0 } };
  const reachable: ConnectedCluster[] = [];
  const facts: ClusterFacts[] = [];
  const versions = new Map<string, string>();

  for (const c of kube.clusters) {
    const name = c.spec.name;
    deps.progress.update(`checking ${name} (context ${c.spec.context})`);
    const entry: DoctorReport['clusters'][number] = { name, context: c.spec.context, server: c.gateway.server, network: '' };
    report.clusters.push(entry);
    const ok = await guard('api', name, checks, async () => {
      await c.gateway.list('v1', 'Namespace');
      checks.push({ id: 'api', cluster: name, status: 'pass', message: `API server ${c.gateway.server} answers` });
      return true;
    });
    if (ok !== true) continue;
    reachable.push(c);
    const istiod = await guard('istiod', name, checks, () => checkIstiod(c));
    if (istiod !== undefined) {
      checks.push(istiod.result);
      if (istiod.version !== undefined) {
        versions.set(name, istiod.version);
        entry.istio = istiod.version;
      }
    }
    const net = await guard('network-label', name, checks, () => checkNetworkLabel(c));
    if (net !== undefined) checks.push(net.result);
    entry.network = net?.network ?? '';
    const ew = await guard('eastwest-gateway', name, checks, () => checkEastWestGateway(c, entry.network));
    if (ew !== undefined) checks.push(ew.result);
    const xgw = await guard('cross-network-gateway', name, checks, () => checkCrossNetworkGateway(c));
    if (xgw !== undefined) checks.push(xgw);
    facts.push({ cluster: c, network: entry.network, ...(ew?.address !== undefined ? { gatewayAddress: ew.address } : {}) });
    const inj = await guard('injection', name, checks, () => checkInjection(c));
    if (inj !== undefined) checks.push(inj);
    const wl = await guard('workload', name, checks, () => checkWorkloads(c));
    if (wl !== undefined) checks.push(...wl);
  }

  const minors = new Set([...versions.values()].map((v) => v.split('.').slice(0, 2).join('.')));
  if (minors.size > 1) {
    checks.push({
      id: 'istio-versions',
      status: 'warn',
      message: `the clusters run different Istio versions: ${[...versions].map(([n, v]) => `${n} ${v}`).join(', ')}`,
      fix: 'Multi-primary meshes should run the same minor version (upgrade one cluster at a time, then align).',
    });
  }

  deps.progress.update('checking certificates and remote secrets');
  const roots = await guard('root-cert', undefined, checks, () => checkRootCerts(reachable));
  if (roots !== undefined) checks.push(...roots);
  const remotes = await guard('remote-secret', undefined, checks, () => checkRemoteSecrets(reachable, deps));
  if (remotes !== undefined) checks.push(...remotes);
  const bundles = await guard('trust-bundle', undefined, checks, () => checkTrustBundles(reachable));
  if (bundles !== undefined) checks.push(...bundles);

  deps.progress.update('asking istiod (proxy-status, remote-clusters)');
  for (const c of reachable) {
    const ps = await guard('proxy-status', c.spec.name, checks, () => checkProxyStatus(c));
    if (ps !== undefined) checks.push(ps);
    const rc = await guard('remote-clusters', c.spec.name, checks, () => checkRemoteClusters(c, kube.clusters));
    if (rc !== undefined) checks.push(rc);
  }
  const spawn = deps.spawnProcess;
  if (spawn !== undefined) {
    deps.progress.update('istioctl analyze');
    for (const c of reachable) {
      const found = await guard('istioctl-analyze', c.spec.name, checks, () => checkIstioctlAnalyze(c, spawn, deps.istioctl));
      if (found === undefined) {
        if (!checks.some((x) => x.id === 'istioctl-analyze')) checks.push({ id: 'istioctl-analyze', status: 'skip', message: 'istioctl not found; istioctl analyze not run' });
        break;
      }
      checks.push(found);
    }
  }

  const client = kube.clusters[0];
  if (client !== undefined && reachable.includes(client) && facts[0]?.cluster === client) {
    deps.progress.update('checking endpoints from the sleep pod');
    const sleepPod = await guard('endpoints', client.spec.name, checks, () => findSleepPod(client));
    if (sleepPod === undefined) {
      if (!checks.some((x) => x.id === 'endpoints')) {
        checks.push({ id: 'endpoints', cluster: client.spec.name, status: 'skip', message: 'no ready sleep pod with a sidecar in sample; endpoints not checked' });
      }
    } else {
      const ep = await guard('endpoints', client.spec.name, checks, () => checkEndpoints(facts, sleepPod));
      if (ep !== undefined) checks.push(ep.result);
      const reach = await guard('eastwest-reachable', undefined, checks, () => checkGatewayReachability(facts, sleepPod));
      if (reach !== undefined) checks.push(...reach);
      const dr = await guard('destination-rule', client.spec.name, checks, () => checkDestinationRule(client, versions.get(client.spec.name), ep?.hostCount ?? 0));
      if (dr !== undefined) checks.push(...dr);
      const e2e = await guard('end-to-end', client.spec.name, checks, () => checkEndToEnd(client, sleepPod));
      if (e2e !== undefined) checks.push(e2e);
    }
  }
  deps.progress.done();
  report.summary = summarize(checks);
  return report;
}
