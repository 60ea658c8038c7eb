/**
 * The Kubernetes objects of a k6 run, built from the scenario (pure): a ConfigMap holding the
 * script (`scenarios/k6/meshbench.ts`, run by k6 as TypeScript), and either a Job (one runner) or a
 * k6-operator `TestRun` (`--parallelism N`: N runners, each running its execution segment).
 *
 * The runners must end although Istio injects a sidecar. Where Kubernetes has native sidecars
 * (≥ 1.29) the pod is annotated `sidecar.istio.io/nativeSidecar: "true"`: istio-proxy then runs as
 * an init container with restartPolicy Always, starts before k6 and is stopped by the kubelet once
 * k6 exits, so the Job completes with no help from the script. On older clusters the script's
 * `teardown()` POSTs to pilot-agent's `/quitquitquit` (env `MESHBENCH_QUIT_SIDECAR=true`), and
 * `holdApplicationUntilProxyStarts` keeps k6 from sending before the proxy is up.
 *
 * Runners (the Job's pod, the TestRun's runners) ask for CPU and memory and prefer the client
 * workload's zone and node (runner-placement.ts): the client the measures describe is the pod
 * that sends.
 */
import type { Scenario } from '../../model/scenario.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, type KubeObject } from '../gateway.js';
import { runnerAffinity, runnerResources } from './runner-placement.js';

/** Container name of k6 in its pod (the k6-operator uses the same). */
export const K6_CONTAINER = 'k6';
/** Key of the script in the ConfigMap, and its file name under /scripts. */
export const K6_SCRIPT_FILE = 'meshbench.ts';
/** Label carrying the run id on every object a run creates. */
export const RUN_LABEL = 'meshbench.dev/run';

/** What to create for one trial's k6 run. */
export interface K6Plan {
  configMap: KubeObject;
  /** The Job or the TestRun. */
  runner: KubeObject;
  /** Label selector of the runner pods. */
  podSelector: string;
  /** How many runner pods to follow. */
  pods: number;
}

/** Inputs of `k6Plan`. */
export interface K6PlanInput {
  scenario: Scenario;
  url: string;
  namespace: string;
  /** Object name (DNS-1123 label, ≤ 52 characters so Kubernetes' pod suffixes fit). */
  name: string;
  runId: string;
  image: string;
  script: string;
  /** undefined: one Job; N: a TestRun with N runners. */
  parallelism?: number;
  /** Kubernetes ≥ 1.29: native sidecar; else the script quits the sidecar itself. */
  nativeSidecar: boolean;
  /**
   * Labels of the client workload's pods (its Deployment's selector): the runners get affinity to
   * them (runner-placement.ts). Undefined: no affinity.
   */
  clientPodLabels?: Readonly<Record<string, string>>;
}

/** `60s` → k6's `60000ms` (k6 durations accept ms). */
function k6Duration(us: number): string {
  return `${Math.max(1, Math.round(us / 1000))}ms`;
}

/** The script's environment: every scenario value goes in as data, never as script text. */
export function k6Env(s: Scenario, url: string, quitSidecar: boolean): Array<{ name: string; value: string }> {
  const load = s.load;
  const timeoutMs = Math.round(s.request.timeoutUs / 1000);
  const env: Record<string, string> = {
    MESHBENCH_URL: url,
    MESHBENCH_DURATION: k6Duration(load.durationUs),
    MESHBENCH_TIMEOUT: `${Math.max(1, timeoutMs)}ms`,
    MESHBENCH_QUIT_SIDECAR: quitSidecar ? 'true' : 'false',
  };
  if (load.kind === 'open') {
    // Enough VUs that the arrival rate holds even when requests take the whole timeout.
    const pre = Math.min(1000, Math.max(10, Math.ceil(load.ratePerS / 10)));
    env['MESHBENCH_EXECUTOR'] = 'constant-arrival-rate';
    env['MESHBENCH_RATE'] = String(load.ratePerS);
    env['MESHBENCH_PREALLOCATED_VUS'] = String(pre);
    env['MESHBENCH_MAX_VUS'] = String(Math.min(5000, Math.max(pre, Math.ceil((load.ratePerS * timeoutMs) / 1000))));
  } else {
    env['MESHBENCH_EXECUTOR'] = 'constant-vus';
    env['MESHBENCH_VUS'] = String(load.concurrency);
    env['MESHBENCH_THINK_TIME_S'] = String(load.thinkTimeUs / 1e6);
  }
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name] as string }));
}

/**
 * k6's default system tags (grafana/k6 `metrics.DefaultSystemTagSet`, what `--system-tags` replaces
 * when given) plus `vu` and `iter`,
 * which k6 writes as point metadata: with them each `helloworld_responses` point pairs with the
 * request of its own VU iteration (without them overlapping VUs pair wrongly).
 */
export const K6_SYSTEM_TAGS = 'proto,subproto,status,method,url,name,group,check,error,error_code,tls_version,scenario,service,expected_response,vu,iter';

/**
 * k6 arguments: JSON points on stdout, which the driver streams from the pod log. Only flags both
 * k6 1.x and 2.x accept: 2.0 removed `--no-summary` (grafana/k6#5729); the script's
 * `handleSummary` replaces the summary instead (and prints the request count).
 */
export const K6_ARGS = ['run', '--quiet', '--system-tags', K6_SYSTEM_TAGS, '--out', 'json=/dev/stdout', `/scripts/${K6_SCRIPT_FILE}`];

/**
 * The TestRun's `arguments`: the same flags without `run`, the script and `--quiet`. The operator
 * builds the runner's command itself (k6-operator pkg/resources/jobs/runner.go, NewRunnerJob):
 * `k6 run`, `--quiet` unless `spec.quiet: "false"`, the execution segment of the runner, these
 * arguments split on whitespace (`TestRunSpec.Argv`, strings.Fields), the script, then
 * `--address=0.0.0.0:6565 --paused --tag instance_id=N --tag testrun_name=NAME`. Every element is
 * a flag, as `types.ParseCLI` requires (a positional word is "an invalid value for k6 CLI
 * argument" and the TestRun goes to stage error). The initializer's `k6 archive` gets the subset
 * ParseCLI keeps: `--system-tags …` (`--out` is dropped there).
 */
export const K6_OPERATOR_ARGUMENTS = ['--system-tags', K6_SYSTEM_TAGS, '--out', 'json=/dev/stdout'].join(' ');

/** The k6 image meshbench pins (k6 ≥ 0.57 runs the TypeScript script). */
export const DEFAULT_K6_IMAGE = 'grafana/k6:1.4.2';

/** The tag `name` of meshbench's own requests in the script (never counted as load). */
export const K6_CONTROL_NAME = 'meshbench-control';

/** Prefix of the script's `handleSummary` line. */
export const K6_SUMMARY_PREFIX = 'MESHBENCH_SUMMARY ';

/** The VUs k6 creates at start (constant-vus: all of them; arrival rate: the preallocated ones). */
function initialVus(env: ReadonlyArray<{ name: string; value: string }>): number {
  const v = env.find((e) => e.name === 'MESHBENCH_VUS' || e.name === 'MESHBENCH_PREALLOCATED_VUS')?.value;
  return v !== undefined ? Number(v) : 1;
}

/**
 * The most VUs the script can have, as `k6 inspect --execution-requirements` reports `maxVUs`: the
 * k6-operator refuses a TestRun whose parallelism exceeds it ("number of instances > number of
 * VUs", k6-operator internal/controller/k6_initialize.go, RunValidations), so meshbench checks
 * it before creating anything.
 */
export function k6MaxVus(s: Scenario): number {
  const env = k6Env(s, '', false);
  const v = env.find((e) => e.name === 'MESHBENCH_VUS' || e.name === 'MESHBENCH_MAX_VUS')?.value;
  return Number(v ?? '1');
}

/** Name of a trial's k6 objects (≤ 52 characters: `meshbench-k6-` + 6 hex + trial). */
export function k6ObjectName(runId: string, trial: number): string {
  return `meshbench-k6-${runId}-${trial}`;
}

/** The objects for one trial's k6 run. */
export function k6Plan(i: K6PlanInput): K6Plan {
  const labels = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_LABEL]: i.runId, app: 'meshbench-k6' };
  const annotations: Record<string, string> = i.nativeSidecar
    ? { 'sidecar.istio.io/nativeSidecar': 'true' }
    : { 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}' };
  const env = k6Env(i.scenario, i.url, !i.nativeSidecar);
  const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: i.name, namespace: i.namespace, labels }, data: { [K6_SCRIPT_FILE]: i.script } };
  const deadlineS = Math.ceil((i.scenario.load.durationUs + i.scenario.request.timeoutUs) / 1e6) + 600;
  const resources = runnerResources(initialVus(env));
  const affinity = i.clientPodLabels !== undefined ? { affinity: runnerAffinity(i.clientPodLabels) } : {};
  if (i.parallelism === undefined) {
    const runner: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: i.name, namespace: i.namespace, labels },
      spec: {
        backoffLimit: 0,
        // Bounded even if meshbench dies and nobody restores: the pod is killed after this.
        activeDeadlineSeconds: deadlineS,
        ttlSecondsAfterFinished: 3600,
        template: {
          metadata: { labels, annotations },
          spec: {
            restartPolicy: 'Never',
            ...affinity,
            containers: [{ name: K6_CONTAINER, image: i.image, args: K6_ARGS, env, resources, volumeMounts: [{ name: 'script', mountPath: '/scripts', readOnly: true }] }],
            volumes: [{ name: 'script', configMap: { name: i.name } }],
          },
        },
      },
    };
    return { configMap, runner, podSelector: `job-name=${i.name}`, pods: 1 };
  }
  // The initializer and starter only run k6 archive/inspect and curl against the runners: no
  // sidecar, which without native sidecars would keep their Jobs from ever completing.
  const noSidecar = { ...labels, 'sidecar.istio.io/inject': 'false' };
  const runner: KubeObject = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: i.name, namespace: i.namespace, labels },
    spec: {
      parallelism: i.parallelism,
      // Mounted at /test in every k6 pod, the initializer's included (pkg/types/script.go, Volume/VolumeMount).
      script: { configMap: { name: i.name, file: K6_SCRIPT_FILE } },
      arguments: K6_OPERATOR_ARGUMENTS,
      // The operator deletes the TestRun (and, through owner references, its Jobs and pods) once
      // it is finished or failed (internal/controller/testrun_controller.go, stages "error" and
      // "finished"): nothing is left if meshbench dies before it restores.
      cleanup: 'post',
      // `separate: true` would replace the runners' affinity with the operator's own anti-affinity
      // (runner.go: `job.Spec.Template.Spec.Affinity = newAntiAffinity()`), losing the placement
      // with the client; it stays off (its default).
      runner: { image: i.image, env, resources, ...affinity, metadata: { labels, annotations } },
      // Given explicitly, so the operator does not copy the runner here (initializer.go,
      // NewInitializerJob: `if Initializer == nil { Initializer = Runner.DeepCopy() }`), which would
      // give it a sidecar. What `k6 archive` and `k6 inspect` need to evaluate the script's init
      // context: the same image (the TypeScript script needs k6 ≥ 0.57; the default is
      // grafana/k6:latest) and the same env — newInitializerCommand passes each `initializer.env`
      // entry to `k6 archive` as `-e NAME="${NAME}"`; without them the script throws
      // "environment variable MESHBENCH_URL is not set" and the TestRun ends in stage error.
      initializer: { image: i.image, env, resources: runnerResources(1), metadata: { labels: noSidecar } },
      starter: { metadata: { labels: noSidecar } },
    },
  };
  return { configMap, runner, podSelector: `k6_cr=${i.name},runner=true`, pods: i.parallelism };
}
