/**
 * `run --target kube --dry-run=client`: every object a run would create and every command it
 * would exec, built by the same functions the run uses (k6Plan, curlLoopPlan, the pod clocks,
 * the proxy reads), without contacting a cluster — like `kubectl apply --dry-run=client -o yaml`.
 * What only the cluster can say is shown as a placeholder (`<a ready pod of sample/sleep>`) or
 * assumed and said so in the header: the client pod's clock (curl ≥ 8.16, the pinned sleep image),
 * native sidecars (Kubernetes ≥ 1.29), the client Deployment's selector (`app: <workload>`, the
 * test bed's), the DestinationRule version the cluster serves.
 */
import { stringify } from 'yaml';
import type { Mesh } from '../../model/mesh.js';
import type { Scenario } from '../../model/scenario.js';
import type { KubeObject } from '../gateway.js';
import { curlLoopPlan } from './curl-load.js';
import { copyOutArgvs } from './curl-recover.js';
import { proxyClusterName } from './endpoint-watch.js';
import { statsFilter } from '../envoy-stats/stats.js';
import { K6_ARGS, K6_CONTAINER, K6_OPERATOR_ARGUMENTS, k6ObjectName, k6Plan } from './k6-objects.js';
import { CLOCK_PREFERENCE, POD_CLOCKS } from './pod-clock.js';
import { requestUrl } from './preflight.js';

/** One command the run would exec in a pod (or a pod the operator creates would run). */
export interface DryRunCommand {
  purpose: string;
  /** False for the k6 process itself: the pod runs it, nothing execs it. */
  exec?: false;
  context: string;
  namespace: string;
  pod: string;
  container: string;
  argv: string[];
}

/** Everything a run would create and run. */
export interface DryRunPlan {
  header: string[];
  objects: KubeObject[];
  commands: DryRunCommand[];
}

/** Inputs: the scenario as it would run, the load options, the rule manifests it names. */
export interface DryRunInput {
  scenario: Scenario;
  mesh: Mesh;
  contexts: readonly string[];
  load: 'k6' | 'curl';
  k6Image: string;
  k6Script: string;
  parallelism?: number;
  trials: number;
  runId: string;
  /** The scenario's DestinationRule manifest (undefined: the run deletes the service's rules instead). */
  rule?: KubeObject;
  /** Manifests of `applyDestinationRule` timeline actions, in timeline order. */
  timelineRules: KubeObject[];
}

/** The run's plan, in the order the run would act. */
export function dryRunPlan(i: DryRunInput): DryRunPlan {
  const s = i.scenario;
  const clusterIndex = i.mesh.clusters.findIndex((c) => c.name === s.client.cluster);
  const context = i.contexts[clusterIndex] ?? `<context of ${s.client.cluster}>`;
  const workload = i.mesh.clusters[clusterIndex]?.workloads.find((w) => w.name === s.client.workload);
  const namespace = workload?.namespace ?? s.request.namespace;
  const clientPod = `<a ready pod of ${namespace}/${s.client.workload}>`;
  const container = `<the application container of ${s.client.workload}>`;
  const clientPodLabels = { app: s.client.workload };
  const url = requestUrl(s);
  const header = [
    `meshbench run ${s.name} --target kube --dry-run=client: what the run would create and exec (nothing was sent to a cluster).`,
    `Client: ${s.client.cluster}/${s.client.workload} (context ${context}, namespace ${namespace}); load: ${i.load}${i.parallelism !== undefined ? ` through the k6-operator, ${i.parallelism} runners` : ''}; ${i.trials} trial(s); run id ${i.runId} (a real run draws its own).`,
    'Assumed until the run reads the cluster: the client pod has curl >= 8.16 (the pinned sleep image; else another clock, see docs/kube-run.md),',
    `Kubernetes >= 1.29 (native sidecars; older clusters get the holdApplicationUntilProxyStarts annotation and MESHBENCH_QUIT_SIDECAR=true), the client Deployment selects app=${s.client.workload},`,
    'and the DestinationRule is served as written (else the first of networking.istio.io/v1, v1beta1, v1alpha3 the cluster serves).',
  ];
  const objects: KubeObject[] = [];
  // The rule goes into its own namespace, else the service's (destination-rule.ts, syncDestinationRule).
  const inNamespace = (r: KubeObject): KubeObject => ({ ...r, metadata: { ...r.metadata, namespace: r.metadata.namespace ?? s.request.namespace } });
  if (i.rule !== undefined) objects.push(inNamespace(i.rule));
  else header.push(`No DestinationRule in the scenario: the run deletes the rules for ${s.request.service}.${s.request.namespace} in ${s.client.cluster} for its duration, and restores them after.`);
  const commands: DryRunCommand[] = [];
  const inClient = (purpose: string, argv: readonly string[], c = container): DryRunCommand => ({ purpose, context, namespace, pod: clientPod, container: c, argv: [...argv] });
  for (const k of CLOCK_PREFERENCE) commands.push(inClient(`clock probe: ${POD_CLOCKS[k].label}`, POD_CLOCKS[k].argv));
  commands.push(inClient('clock sync: the best clock read 3 times, the shortest round trip kept', POD_CLOCKS['curl-time'].argv));
  const cluster = proxyClusterName(s.request.service, s.request.namespace, s.request.port);
  // The proxy read is the sending pod's: the client pod's with curl, the first runner's with k6.
  const proxyReads = (pod: string, label: string): DryRunCommand[] => [
    { purpose: `${label}sending proxy endpoints (around each action, every 200 ms for up to 30 s)`, context, namespace, pod, container: 'istio-proxy', argv: ['pilot-agent', 'request', 'GET', 'clusters'] },
    { purpose: `${label}sending proxy statistics (every 2 s and around each action)`, context, namespace, pod, container: 'istio-proxy', argv: ['pilot-agent', 'request', 'GET', `stats?filter=${encodeURIComponent(statsFilter(cluster))}`] },
  ];
  if (i.load === 'curl') commands.push(...proxyReads(clientPod, ''));
  else if (i.trials > 1) commands.push(inClient('client proxy endpoints between trials (until it sees every endpoint again)', ['pilot-agent', 'request', 'GET', 'clusters'], 'istio-proxy'));
  for (let trial = 0; trial < i.trials; trial++) {
    const label = i.trials > 1 ? `trial ${trial + 1}: ` : '';
    if (i.load === 'curl') {
      const load = s.load;
      const plan = curlLoopPlan({
        url,
        durationMs: load.durationUs / 1000,
        requestTimeoutMs: s.request.timeoutUs / 1000,
        thinkTimeMs: load.kind === 'closed' ? load.thinkTimeUs / 1000 : 0,
        concurrency: load.kind === 'closed' ? load.concurrency : 1,
        runId: `${i.runId}-${trial}`,
        clock: POD_CLOCKS['curl-time'],
      });
      plan.argvs.forEach((argv, loop) => commands.push(inClient(`${label}curl loop ${loop}`, argv)));
      plan.outFiles.forEach((file, loop) => {
        const copy = copyOutArgvs(file);
        const when = `only when loop ${loop}'s output is cut: read back from its file once it must have ended`;
        commands.push(inClient(`${label}${when} (its size)`, copy.size), inClient(`${label}${when} (its digest)`, copy.digest), inClient(`${label}${when} (its lines)`, copy.copy));
      });
      commands.push(inClient(`${label}the loops' files removed once read`, ['rm', '-f', ...plan.outFiles]));
      commands.push(inClient(`${label}stop file, only when the run is stopped early`, ['touch', plan.stopFile]));
      continue;
    }
    const name = k6ObjectName(i.runId, trial);
    const k6 = k6Plan({ scenario: s, url, namespace, name, runId: i.runId, image: i.k6Image, script: i.k6Script, nativeSidecar: true, clientPodLabels, ...(i.parallelism !== undefined ? { parallelism: i.parallelism } : {}) });
    objects.push(k6.configMap, k6.runner);
    commands.push(...proxyReads(i.parallelism === undefined ? `<the pod of Job ${name}>` : `<the pod of Job ${name}-1>`, label));
    if (i.parallelism === undefined) {
      commands.push({ purpose: `${label}k6 in the Job's pod (the image's entrypoint is k6)`, exec: false, context, namespace, pod: `<the pod of Job ${name}>`, container: K6_CONTAINER, argv: ['k6', ...K6_ARGS] });
    } else {
      for (let r = 1; r <= i.parallelism; r++) commands.push({ purpose: `${label}k6 in runner ${r}, as the k6-operator builds it (pkg/resources/jobs/runner.go)`, exec: false, context, namespace, pod: `<the pod of Job ${name}-${r}>`, container: K6_CONTAINER, argv: operatorRunnerArgv(name, i.parallelism, r) });
    }
  }
  objects.push(...i.timelineRules.map(inNamespace));
  return { header, objects, commands };
}

/** The runner command the k6-operator makes for runner `index` of `n` (NewRunnerJob, with quiet and paused at their defaults). */
export function operatorRunnerArgv(name: string, n: number, index: number): string[] {
  const part = (k: number) => (k === 0 ? '0' : k === n ? '1' : `${k}/${n}`);
  const segment = n > 1 ? [`--execution-segment=${part(index - 1)}:${part(index)}`, `--execution-segment-sequence=${['0', ...Array.from({ length: n - 1 }, (_, k) => `${k + 1}/${n}`), '1'].join(',')}`] : [];
  return ['k6', 'run', '--quiet', ...segment, ...K6_OPERATOR_ARGUMENTS.split(' '), '/test/meshbench.ts', '--address=0.0.0.0:6565', '--paused', '--tag', `instance_id=${index}`, '--tag', `testrun_name=${name}`];
}

/** One word for a POSIX shell: bare when safe, else single-quoted. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The exec plan as one document; each command also as the kubectl line that runs it by hand. */
function execDocument(p: DryRunPlan, scenario: string): KubeObject {
  const commands = p.commands.map((c) => ({
    ...c,
    kubectl: c.exec === false
      ? c.argv.map(shellWord).join(' ')
      : `kubectl --context ${c.context} -n ${c.namespace} exec ${shellWord(c.pod)} -c ${shellWord(c.container)} -- ${c.argv.map(shellWord).join(' ')}`,
  }));
  return { apiVersion: 'meshbench.dev/v1alpha1', kind: 'ExecPlan', metadata: { name: scenario }, commands };
}

/** A YAML stream (header comments, then one document per object, the exec plan last) or a JSON `List`. */
export function renderDryRun(p: DryRunPlan, scenario: string, format: 'yaml' | 'json'): string {
  const docs = [...p.objects, execDocument(p, scenario)];
  if (format === 'json') return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items: docs }, null, 2)}\n`;
  const head = p.header.map((l) => `# ${l}`).join('\n');
  return `${head}\n${docs.map((d) => `---\n${stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('')}`;
}
