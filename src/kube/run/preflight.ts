/**
 * Everything checked before a kube run changes anything: the scenario uses only actions a real
 * cluster can perform (exit 3 otherwise, naming the timeline entry), and the test bed is ready —
 * the doctor checks that matter for a run (istiod ready, injection on the namespaces, the mesh's
 * workloads and the client rolled out with sidecars at the replicas the mesh expects), plus what
 * the chosen load and the timeline need (the k6-operator CRD, the east-west gateway Deployment,
 * the DestinationRule CRD). Every failed check is listed with its fix (exit 4). Read-only.
 */
import { EnvironmentError, InvalidInputError, ToolError, type Problem } from '../../errors.js';
import { isDns1123Label } from '../../model/dns.js';
import { SIM_ONLY_ACTIONS, type Scenario } from '../../model/scenario.js';
import { checkIstiod } from '../doctor/cluster-checks.js';
import type { KubeObject } from '../gateway.js';
import { hasIstioProxy, isPodReady } from '../images.js';
import { rolloutStatus } from '../rollout-status.js';
import { EASTWEST_GATEWAY, INJECTION_LABEL, ISTIO_NAMESPACE, NETWORK_LABEL } from '../testbed.js';
import { clusterNamed, namespaceOf, type RunCluster } from './clusters.js';

/** networking.istio.io versions of DestinationRule, newest first. */
export const DESTINATION_RULE_VERSIONS = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];
/** The k6-operator's resource. */
export const TESTRUN_API = { apiVersion: 'k6.io/v1alpha1', kind: 'TestRun' };

/**
 * Refuses a scenario whose timeline uses simulator-only actions (fail, heal, delay), naming each
 * entry, or that names several clients, before anything is connected to.
 * @throws InvalidInputError (exit 3)
 */
export function refuseSimOnlyActions(s: Scenario): void {
  const problems: Problem[] = [];
  s.timeline.forEach((e, i) => {
    if (!SIM_ONLY_ACTIONS.has(e.action.kind)) return;
    problems.push({
      file: s.source,
      path: `spec.timeline[${i}].${e.action.kind}`,
      message: `timeline entry ${i + 1}${e.name !== undefined ? ` (${e.name})` : ''}: "${e.action.kind}" is simulator-only; a real cluster cannot make pods ${e.action.kind === 'delay' ? 'slower' : 'answer a chosen status'}`,
      hint: 'Run this scenario with --target sim, or use scale, deletePods, gatewayDown/gatewayUp or applyDestinationRule on kube.',
    });
  });
  // Several clients are simulator-only too: the kube driver sends from one client pod.
  if (s.clients !== undefined && s.clients.length > 1) {
    problems.push({
      file: s.source,
      path: 'spec.clients',
      message: `${s.clients.length} clients: a kube run sends from one client pod`,
      hint: 'Run this scenario with --target sim, or give it one client ("client: {cluster, workload}") for kube.',
    });
  }
  if (problems.length > 0) throw new InvalidInputError(problems, { hint: 'Nothing was changed in the clusters.' });
}

/** Path of an HTTP request: no spaces, quotes, control characters or shell-looking oddities. */
const PATH_RE = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/**
 * The names that end up in the load generator's arguments must be what they claim to be (they are
 * passed as arguments, never spliced into a script, but a bad value is still a bad request).
 * @throws InvalidInputError (exit 3)
 */
export function checkRequestNames(s: Scenario): void {
  const problems: Problem[] = [];
  const r = s.request;
  if (!isDns1123Label(r.service)) problems.push({ file: s.source, path: 'spec.request.service', message: `"${r.service}" is not a DNS-1123 label` });
  if (!isDns1123Label(r.namespace)) problems.push({ file: s.source, path: 'spec.request.namespace', message: `"${r.namespace}" is not a DNS-1123 label` });
  if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) problems.push({ file: s.source, path: 'spec.request.port', message: `${r.port} is not a TCP port` });
  if (!PATH_RE.test(r.path)) problems.push({ file: s.source, path: 'spec.request.path', message: `"${r.path}" is not a plain URL path (letters, digits and /._~!$&'()*+,;=:@%- only)` });
  if (!isDns1123Label(s.client.workload)) problems.push({ file: s.source, path: 'spec.client.workload', message: `"${s.client.workload}" is not a DNS-1123 label` });
  if (problems.length > 0) throw new InvalidInputError(problems);
}

/** The URL the load generator requests (`http://<service>.<namespace>:<port><path>`). */
export function requestUrl(s: Scenario): string {
  return `http://${s.request.service}.${s.request.namespace}:${s.request.port}${s.request.path}`;
}

/** What preflight learnt, for the run and the result. */
export interface PreflightFacts {
  /** istiod image tag per cluster (absent when unknown). */
  istio: Record<string, string>;
  /** API server gitVersion per cluster. */
  kubernetes: Record<string, string>;
  /** topology.istio.io/network of istio-system per cluster ('' when unlabelled). */
  networks: Record<string, string>;
  /** A ready pod of the client workload, with a sidecar. */
  clientPod: string;
  /** The client Deployment's pod selector (the k6 runners' affinity selects these pods). */
  clientPodLabels?: Record<string, string>;
  /** The DestinationRule apiVersion the client cluster serves (first of v1, v1beta1, v1alpha3). */
  destinationRuleApi?: string;
}

/** What the run will need besides the test bed. */
export interface PreflightOptions {
  load: 'k6' | 'curl';
  /** k6 runners through the k6-operator (TestRun); undefined = one Job. */
  parallelism?: number;
}

interface Failure {
  cluster: string;
  message: string;
  fix?: string;
}

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };

/** A Deployment's `spec.selector.matchLabels`. */
export function matchLabelsOf(dep: KubeObject): Record<string, string> {
  return { ...((dep['spec'] as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels ?? {}) };
}

function selectorOf(dep: KubeObject): string {
  const m = matchLabelsOf(dep);
  return Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Ready pods of a Deployment (selector from the Deployment itself). */
export async function readyPodsOf(c: RunCluster, namespace: string, dep: KubeObject): Promise<KubeObject[]> {
  const pods = await c.gateway.list('v1', 'Pod', { namespace, labelSelector: selectorOf(dep) });
  return pods.filter(isPodReady).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

async function checkDeployment(c: RunCluster, namespace: string, name: string, wantReplicas: number, failures: Failure[], seen?: (dep: KubeObject) => void): Promise<KubeObject[]> {
  const ctx = c.context;
  const dep = await c.gateway.get({ ...DEPLOYMENT, namespace, name });
  if (dep !== undefined) seen?.(dep);
  if (dep === undefined) {
    failures.push({ cluster: c.name, message: `no Deployment ${namespace}/${name}`, fix: 'Deploy the test bed: meshbench deploy --context ... (or check the mesh file you passed with --mesh).' });
    return [];
  }
  const replicas = (dep['spec'] as { replicas?: number } | undefined)?.replicas ?? 1;
  if (replicas !== wantReplicas) {
    failures.push({
      cluster: c.name,
      message: `${namespace}/${name} has ${replicas} replica(s); the mesh expects ${wantReplicas}`,
      fix: `kubectl --context ${ctx} -n ${namespace} scale deployment/${name} --replicas=${wantReplicas} (or meshbench restore, if an interrupted run left it so)`,
    });
    return [];
  }
  const st = rolloutStatus(dep);
  const pods = await readyPodsOf(c, namespace, dep);
  if (st.state !== 'done' || (wantReplicas > 0 && pods.length === 0)) {
    failures.push({ cluster: c.name, message: `${namespace}/${name} is not ready: ${st.message}`, fix: `kubectl --context ${ctx} -n ${namespace} describe pods -l ${selectorOf(dep)}` });
    return [];
  }
  const without = pods.filter((p) => !hasIstioProxy(p));
  if (without.length > 0) {
    failures.push({
      cluster: c.name,
      message: `${namespace}/${name}: ${without.length} pod(s) have no istio-proxy sidecar`,
      fix: `kubectl --context ${ctx} label namespace ${namespace} ${INJECTION_LABEL}=enabled --overwrite && kubectl --context ${ctx} -n ${namespace} rollout restart deployment/${name}`,
    });
    return [];
  }
  return pods;
}

async function checkInjection(c: RunCluster, namespace: string, failures: Failure[]): Promise<void> {
  const ns = await c.gateway.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  const labels = ns?.metadata.labels ?? {};
  if (ns === undefined) failures.push({ cluster: c.name, message: `no namespace ${namespace}`, fix: 'Deploy the test bed: meshbench deploy --context ...' });
  else if (labels[INJECTION_LABEL] !== 'enabled' && labels['istio.io/rev'] === undefined) {
    failures.push({ cluster: c.name, message: `namespace ${namespace} is not labelled for sidecar injection`, fix: `kubectl --context ${c.context} label namespace ${namespace} ${INJECTION_LABEL}=enabled --overwrite` });
  }
}

/** The API server's version, else the first node's kubelet version. */
async function kubernetesVersion(c: RunCluster): Promise<string | undefined> {
  if (c.gateway.serverVersion !== undefined) return c.gateway.serverVersion();
  const nodes = await c.gateway.list('v1', 'Node');
  return (nodes[0]?.['status'] as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion;
}

async function checkCluster(c: RunCluster, index: number, s: Scenario, facts: PreflightFacts, failures: Failure[]): Promise<void> {
  const istiod = await checkIstiod({ spec: { index, name: c.name, network: c.mesh.network, context: c.context }, gateway: c.gateway });
  if (istiod.version !== undefined) facts.istio[c.name] = istiod.version;
  if (istiod.result.status !== 'pass') failures.push({ cluster: c.name, message: istiod.result.message, ...(istiod.result.fix !== undefined ? { fix: istiod.result.fix } : {}) });
  const k8s = await kubernetesVersion(c);
  if (k8s !== undefined) facts.kubernetes[c.name] = k8s;
  const ns = await c.gateway.get({ apiVersion: 'v1', kind: 'Namespace', name: ISTIO_NAMESPACE });
  facts.networks[c.name] = ns?.metadata.labels?.[NETWORK_LABEL] ?? '';
  const namespaces = [...new Set(c.mesh.workloads.map((w) => w.namespace))].sort();
  for (const n of namespaces) await checkInjection(c, n, failures);
  for (const w of c.mesh.workloads) {
    const isClient = c.name === s.client.cluster && w.name === s.client.workload;
    const pods = await checkDeployment(c, w.namespace, w.name, w.client ? Math.max(1, w.replicas) : w.replicas, failures, isClient ? (dep) => (facts.clientPodLabels = matchLabelsOf(dep)) : undefined);
    if (isClient && pods[0] !== undefined) facts.clientPod = pods[0].metadata.name;
  }
  const gatewayActions = s.timeline.some((e) => (e.action.kind === 'gatewayDown' || e.action.kind === 'gatewayUp') && e.action.cluster === c.name);
  if (gatewayActions && (await c.gateway.get({ ...DEPLOYMENT, namespace: ISTIO_NAMESPACE, name: EASTWEST_GATEWAY })) === undefined) {
    failures.push({ cluster: c.name, message: `the timeline takes the east-west gateway down, but there is no Deployment ${ISTIO_NAMESPACE}/${EASTWEST_GATEWAY}`, fix: 'Install the east-west gateway (meshbench deploy), or remove gatewayDown/gatewayUp from the scenario.' });
  }
  // A scaled or pod-deleted Deployment the mesh does not list would be restored, but not checked first.
  for (const e of s.timeline) {
    const a = e.action;
    if ((a.kind === 'scale' || a.kind === 'deletePods') && a.cluster === c.name && !c.mesh.workloads.some((w) => w.name === a.deployment)) {
      const dep = await c.gateway.get({ ...DEPLOYMENT, namespace: namespaceOf(c, a.deployment, s), name: a.deployment });
      if (dep === undefined) failures.push({ cluster: c.name, message: `the timeline acts on Deployment ${a.deployment}, which does not exist in ${namespaceOf(c, a.deployment, s)}` });
    }
  }
}

/**
 * Runs the checks on every cluster and collects every failure.
 * @throws EnvironmentError (exit 4) listing each failed check and its fix; connection or
 *         credential errors of a cluster are reported the same way.
 */
export async function preflight(clusters: readonly RunCluster[], s: Scenario, opts: PreflightOptions): Promise<PreflightFacts> {
  const facts: PreflightFacts = { istio: {}, kubernetes: {}, networks: {}, clientPod: '' };
  const failures: Failure[] = [];
  for (const [i, c] of clusters.entries()) {
    try {
      await checkCluster(c, i, s, facts, failures);
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      failures.push({ cluster: c.name, message: err.message, ...(err.hint !== undefined ? { fix: err.hint } : {}) });
    }
  }
  const client = clusterNamed(clusters, s.client.cluster);
  try {
    for (const v of DESTINATION_RULE_VERSIONS) {
      if (await client.gateway.serves(v, 'DestinationRule')) {
        facts.destinationRuleApi = v;
        break;
      }
    }
    const needsRules = s.destinationRule !== undefined || s.timeline.some((e) => e.action.kind === 'applyDestinationRule');
    if (needsRules && facts.destinationRuleApi === undefined) {
      failures.push({ cluster: client.name, message: 'the cluster serves no networking.istio.io DestinationRule version', fix: 'Install Istio (its CRDs) in that cluster: meshbench deploy --context ...' });
    }
    if (opts.load === 'k6' && opts.parallelism !== undefined && !(await client.gateway.serves(TESTRUN_API.apiVersion, TESTRUN_API.kind))) {
      failures.push({
        cluster: client.name,
        message: '--parallelism needs the k6-operator, but the cluster does not serve k6.io/v1alpha1 TestRun',
        fix: 'Install the k6-operator (https://grafana.com/docs/k6/latest/set-up/set-up-distributed-k6/install-k6-operator/), or run without --parallelism (one k6 Job).',
      });
    }
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    failures.push({ cluster: client.name, message: err.message, ...(err.hint !== undefined ? { fix: err.hint } : {}) });
  }
  if (facts.clientPod === '' && !failures.some((f) => f.cluster === client.name)) {
    failures.push({ cluster: client.name, message: `no ready pod of the client ${s.client.workload} with a sidecar` });
  }
  if (failures.length > 0) {
    const lines = failures.map((f) => `  - ${f.cluster}: ${f.message}${f.fix !== undefined ? `\n      fix: ${f.fix}` : ''}`);
    throw new EnvironmentError(`the clusters are not ready for this run; nothing was changed:\n${lines.join('\n')}`, {
      code: 'KUBE_PREFLIGHT',
      hint: 'Fix the problems above and run again; meshbench doctor --context ... checks the whole test bed.',
    });
  }
  return facts;
}
