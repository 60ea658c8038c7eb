/**
 * `meshbench deploy`: the seed tutorial's Exercises 1–4 and 6 (and 8 with --observability)
 * against real clusters, in the tutorial's order, idempotent (server-side apply everywhere), then a
 * wait for every rollout. `--dry-run` prints the objects and makes no API call at all.
 */
import { resolve } from 'node:path';
import type { Clock, Progress } from '../../app/ports.js';
import { UsageError } from '../../errors.js';
import { istiodVersion } from '../images.js';
import { createKubeGateway, type ConnectedCluster } from '../index.js';
import { checkIstioctl, type IstioctlInfo, type ProcessSpawner } from '../istioctl.js';
import { dryRunServers, loadKubeconfig } from '../kubeconfig.js';
import { loadTemplates } from '../manifests.js';
import {
  EASTWEST_GATEWAY,
  ISTIO_NAMESPACE,
  clusterSpecs,
  destinationRules,
  exposeServices,
  helloworld,
  istioNamespace,
  observability,
  sampleNamespace,
  sleepObjects,
  workloadDeployments,
} from '../testbed.js';
import { waitForRollouts, type RolloutTarget } from '../wait-rollout.js';
import { applyAll } from './apply.js';
import { applyCacerts } from './cacerts-step.js';
import { planDocuments, renderDryRun } from './dry-run.js';
import { installIstio } from './istio-step.js';
import { applyRemoteSecrets } from './remote-secrets-step.js';

export interface DeployRequest {
  contexts: readonly string[];
  kubeconfig?: string;
  /** istioctl executable (a path or a name on PATH). */
  istioctl: string;
  skipIstio: boolean;
  certsDir?: string;
  dryRun: boolean;
  observability: boolean;
  /** Overrides manifests/08-locality-lb.yaml. */
  destinationRuleFile?: string;
  /** API server address for a cluster's remote secret, by cluster name (istioctl `--server`). */
  remoteServers?: Readonly<Record<string, string>>;
  /** For all rollouts together, and the deadline of every API call of the deploy. */
  timeoutMs: number;
  /** Per-request limit (ms; default DEFAULT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** The package's manifests/ directory. */
  manifestsDir: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface DeployDeps {
  clock: Clock;
  jitter: () => number;
  spawnProcess: ProcessSpawner;
  progress: Progress;
  /** Validity start of generated certificates. */
  now: () => Date;
  signal?: AbortSignal;
  /** Parent of the temporary directories (default: the OS temp dir). */
  tmpRoot?: string;
  /** Key size of generated certificates (default 4096, as the Makefile). */
  keySizeBits?: number;
  /** Poll interval of the rollout and token waits. */
  pollMs?: number;
}

export interface DeployResult {
  dryRunYaml?: string;
  clusters: Array<{ name: string; context: string; network: string; istio?: string }>;
  istioctl?: IstioctlInfo;
  /** Where the cacerts came from (undefined when existing secrets were kept). */
  certs?: { dir: string; generated: boolean };
  warnings: string[];
}

export async function deploy(req: DeployRequest, deps: DeployDeps): Promise<DeployResult> {
  if (req.contexts.length < 2) {
    throw new UsageError('deploy needs at least two contexts (--context c1 --context c2), one per cluster');
  }
  const drFile = req.destinationRuleFile !== undefined ? resolve(req.cwd, req.destinationRuleFile) : undefined;
  const templates = await loadTemplates(req.manifestsDir, drFile);
  const specs = clusterSpecs(req.contexts);
  const loc = { ...(req.kubeconfig !== undefined ? { file: req.kubeconfig } : {}), env: req.env, cwd: req.cwd };
  const summary = specs.map((s) => ({ name: s.name, context: s.context, network: s.network }));
  const unknown = Object.keys(req.remoteServers ?? {}).filter((n) => !specs.some((s) => s.name === n));
  if (unknown.length > 0) throw new UsageError(`--remote-server names ${unknown.join(', ')}, which is not one of the clusters (${specs.map((s) => s.name).join(', ')})`);
  if (req.dryRun) {
    const servers = dryRunServers(req.contexts, loc); // names the servers; no request is made, no kubeconfig needed
    const docs = planDocuments({
      clusters: specs.map((spec, i) => ({ spec, server: req.remoteServers?.[spec.name] ?? servers[i] ?? '' })),
      templates,
      skipIstio: req.skipIstio,
      observability: req.observability,
      istioctlPath: req.istioctl,
      ...(req.certsDir !== undefined ? { certsDir: resolve(req.cwd, req.certsDir) } : {}),
    });
    return { dryRunYaml: renderDryRun(docs), clusters: summary, warnings: [] };
  }

  const warnings: string[] = [];
  const { progress, clock } = deps;
  const kube = createKubeGateway({
    ...loc,
    contexts: req.contexts,
    clock,
    jitter: deps.jitter,
    onRetry: (m) => progress.note(m),
    ...(deps.signal ? { signal: deps.signal } : {}),
    timeoutMs: req.timeoutMs,
    ...(req.requestTimeoutMs !== undefined ? { requestTimeoutMs: req.requestTimeoutMs } : {}),
  });
  const clusters = kube.clusters;
  // Check the tool before changing anything.
  const istioctl = req.skipIstio ? undefined : await checkIstioctl(deps.spawnProcess, req.istioctl);
  const pollMs = deps.pollMs ?? 2_000;

  progress.note('Exercise 1: namespaces, network labels and cacerts');
  for (const c of clusters) await applyAll(c.gateway, c.spec, [istioNamespace(c.spec)], progress);
  const certs = await applyCacerts(clusters, {
    now: deps.now(),
    progress,
    ...(req.certsDir !== undefined ? { certsDir: resolve(req.cwd, req.certsDir) } : {}),
    ...(deps.tmpRoot !== undefined ? { tmpRoot: deps.tmpRoot } : {}),
    ...(deps.keySizeBits !== undefined ? { keySizeBits: deps.keySizeBits } : {}),
  });

  progress.note(req.skipIstio ? 'Exercise 2: skipped (--skip-istio); checking istiod' : 'Exercise 2: Istio control planes and east-west gateways');
  if (istioctl !== undefined) {
    await installIstio(clusters, templates, {
      istioctl,
      spawnProcess: deps.spawnProcess,
      progress,
      ...(req.kubeconfig !== undefined ? { kubeconfig: resolve(req.cwd, req.kubeconfig) } : {}),
      ...(deps.tmpRoot !== undefined ? { tmpRoot: deps.tmpRoot } : {}),
      ...(deps.signal !== undefined ? { signal: deps.signal } : {}),
    });
  }
  // Injection needs a running istiod before the sample workloads are created.
  const waitOpts = { clock, timeoutMs: req.timeoutMs, intervalMs: pollMs, progress, ...(deps.signal ? { signal: deps.signal } : {}) };
  const istioTargets: RolloutTarget[] = [];
  for (const c of clusters) {
    istioTargets.push({ gateway: c.gateway, cluster: c.spec.name, namespace: ISTIO_NAMESPACE, name: 'istiod' });
    const ew = await c.gateway.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ISTIO_NAMESPACE, name: EASTWEST_GATEWAY });
    if (ew !== undefined || istioctl !== undefined) istioTargets.push({ gateway: c.gateway, cluster: c.spec.name, namespace: ISTIO_NAMESPACE, name: EASTWEST_GATEWAY });
    else warnings.push(`${c.spec.name}: no east-west gateway (${ISTIO_NAMESPACE}/${EASTWEST_GATEWAY}); cross-network traffic cannot flow until one is installed`);
  }
  await waitForRollouts(istioTargets, waitOpts);

  progress.note('Exercise 3: exposed services and remote secrets');
  for (const c of clusters) await applyAll(c.gateway, c.spec, exposeServices(templates), progress);
  await applyRemoteSecrets(clusters, {
    clock,
    progress,
    tokenWaitMs: 30_000,
    warnings,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(req.remoteServers !== undefined ? { servers: req.remoteServers } : {}),
  });

  progress.note(`Exercise 4${req.observability ? ', 6 and 8' : ' and 6'}: sample workloads, DestinationRule${req.observability ? ', observability' : ''}`);
  for (const c of clusters) {
    const objs = [sampleNamespace(), ...helloworld(templates, c.spec), ...(c.spec.index === 0 ? sleepObjects(templates) : []), ...destinationRules(templates)];
    if (req.observability) objs.push(...observability(templates));
    await applyAll(c.gateway, c.spec, objs, progress);
  }
  await waitForRollouts(
    clusters.flatMap((c: ConnectedCluster) =>
      workloadDeployments(c.spec, req.observability).map((d) => ({ gateway: c.gateway, cluster: c.spec.name, ...d })),
    ),
    waitOpts,
  );
  progress.done();

  const result: DeployResult = { clusters: [], warnings };
  for (const c of clusters) {
    const version = istiodVersion(await c.gateway.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ISTIO_NAMESPACE, name: 'istiod' }));
    result.clusters.push({ name: c.spec.name, context: c.spec.context, network: c.spec.network, ...(version !== undefined ? { istio: version } : {}) });
  }
  if (istioctl !== undefined) result.istioctl = istioctl;
  if (certs.dir !== undefined) result.certs = { dir: certs.dir, generated: certs.generated };
  return result;
}
