/**
 * The k6-operator stand-in (grafana/k6-operator v1.3–v1.6, read at v1.6.0): a TestRun goes
 * through the operator's stages, one step per emulator tick (the operator's requeues), making the
 * objects the operator makes (internal/controller/testrun_controller.go, `reconcile`):
 *
 * - `""` → `initialization`: `TestRunSpec.Validate` (every element of `Argv()` a flag, as
 *   pkg/types/k6cli.go `ParseCLI` requires, else stage `error`), then the initializer Job
 *   `<name>-initializer` as pkg/resources/jobs/initializer.go `NewInitializerJob` builds it —
 *   **the runner spec copied in only when `spec.initializer` is absent**; image, env and volumes
 *   from `spec.initializer` otherwise (default image grafana/k6:latest) — and its pod.
 * - the initializer pod runs (for a second of the traffic clock) `k6 archive` + `k6 inspect --execution-requirements` on the script
 *   from the ConfigMap mounted at /test, with only the initializer's env (`-e NAME="${NAME}"`,
 *   newInitializerCommand): the script's init context runs, so a variable its top level requires
 *   that the initializer lacks fails it with k6's error, as k6 would, and the pod fails.
 * - `initialization` → `initialized` or `error` (k6_initialize.go `RunValidations`: a failed
 *   initializer pod; `maxVUs` from the inspect JSON below `parallelism`: "number of instances >
 *   number of VUs").
 * - `initialized` → `created`: runner Jobs `<name>-<i>` and Services `<name>-service-<i>`
 *   (runner.go `NewRunnerJob`: `k6 run --quiet <segment> <Argv> <script> --address=0.0.0.0:6565
 *   --paused --tag instance_id=<i> --tag testrun_name=<name>`, labels app=k6/k6_cr/runner, the
 *   runner's image, env, resources, affinity — replaced by the anti-affinity when `separate`);
 *   the emulator's Job controller (k6-runner.ts) makes their pods, placed by its scheduler.
 * - `created` → `started` once every runner pod is Running (k6_start.go `StartJobs`): the starter
 *   Job `<name>-starter`, whose curl resumes each paused runner (`PATCH /v1/status`).
 * - `started` → `stopped` → `finished` once no runner Job is active (k6_finish.go `FinishJobs`:
 *   a failed runner still counts as finished).
 * - `error` / `finished` with `cleanup: post`: the TestRun is deleted, and its Jobs, Services and
 *   pods with it (owner references, background garbage collection).
 */
import type { KubeObject } from '../../../src/kube/gateway.js';
import type { TrafficClock } from '../traffic-clock.js';
import type { K6Emulation } from './k6-runner.js';
import { rfc3339 } from './k6-runner.js';
import { findByKind, type ResourceDef } from './resources.js';
import type { ApiServer } from './server.js';

const def = (apiVersion: string, kind: string): ResourceDef => findByKind(apiVersion, kind) as ResourceDef;
const PODS = def('v1', 'Pod');
const JOBS = def('batch/v1', 'Job');
const SERVICES = def('v1', 'Service');
const TESTRUNS = def('k6.io/v1alpha1', 'TestRun');

/** How long the initializer's k6 archive + inspect run (traffic-clock ms): a second, as on a warm node. */
const INITIALIZER_MS = 1000;

/** `initializerMissingK6Message` (pkg/resources/jobs/initializer.go). */
const MISSING_K6 = 'level=error msg="k6 executable not found in PATH; initializer image must contain k6"';

interface EnvVar {
  name: string;
  value?: string;
}

interface PodSpecPart {
  disabled?: boolean;
  image?: string;
  env?: EnvVar[];
  affinity?: unknown;
  resources?: unknown;
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

interface TestRunSpec {
  parallelism?: number;
  separate?: boolean;
  arguments?: string;
  args?: string[];
  quiet?: string;
  paused?: string;
  cleanup?: string;
  script?: { configMap?: { name?: string; file?: string } };
  initializer?: PodSpecPart;
  starter?: PodSpecPart;
  runner?: PodSpecPart;
}

/** `TestRunSpec.Argv`: `args` when given, else `arguments` split on whitespace (strings.Fields). */
function argvOf(spec: TestRunSpec): string[] {
  return spec.args !== undefined && spec.args.length > 0 ? [...spec.args] : (spec.arguments ?? '').split(/\s+/).filter((a) => a !== '');
}

/**
 * `types.ParseCLI`: the arguments fit for `k6 archive` (dropping --out and its values, --linger,
 * --no-usage-report, --verbose, --log-output …), or the error for a word that is no flag's value.
 */
export function parseOperatorCli(argv: readonly string[]): { archiveArgs: string[] } | { error: string } {
  const archiveArgs: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i] as string;
    if (!a.startsWith('-')) return { error: `encountered an invalid value for k6 CLI argument: \`${a}\`` };
    let end = i + 1;
    while (end < argv.length && !(argv[end] as string).startsWith('-')) end++;
    const skip = a === '-o' || a === '--out' || a === '-l' || a === '--linger' || a === '--no-usage-report' || a === '--verbose' || a === '-v' || a.startsWith('--log-output') || a.startsWith('--user-agent');
    if (!skip) archiveArgs.push(...argv.slice(i, end));
    i = end;
  }
  return { archiveArgs };
}

/** `newLabels` plus the user's labels that do not override them (runner.go, initializer.go). */
function labelsOf(name: string, extra: Record<string, string>, user: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { app: 'k6', k6_cr: name, ...extra };
  for (const [k, v] of Object.entries(user ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

/** The script as ParseScript reads it: a ConfigMap mounted at /test (default file test.js). */
function scriptOf(spec: TestRunSpec): { configMap: string; file: string; path: string } | undefined {
  const cm = spec.script?.configMap;
  if (cm?.name === undefined || cm.name === '') return undefined;
  const file = cm.file ?? 'test.js';
  return { configMap: cm.name, file, path: `/test/${file}` };
}

/**
 * What `k6 archive` + `k6 inspect` make of the script in the initializer: the script's top-level
 * required variables (`const X = env('NAME')` without a fallback, as scenarios/k6/meshbench.ts
 * reads them) must be in the initializer's env, else k6 prints the exception its init context
 * threw; `maxVUs` of the inspect JSON is the script's VU bound (MESHBENCH_VUS for constant-vus,
 * MESHBENCH_MAX_VUS for the arrival rate, with the script's own fallbacks).
 */
function runArchive(script: string, scriptPath: string, env: Record<string, string>): { ok: true; maxVus: number } | { ok: false; lines: string[] } {
  for (const m of script.matchAll(/^const \w+ = env\('([A-Z0-9_]+)'\);$/gm)) {
    const name = m[1] as string;
    if (env[name] === undefined || env[name] === '') {
      return { ok: false, lines: [`level=error msg="Error: meshbench.ts: environment variable ${name} is not set\\n\\tat env (file://${scriptPath})" hint="script exception"`] };
    }
  }
  const fallback = (name: string): string | undefined => new RegExp(`(?:env|positive)\\('${name}', '([^']*)'\\)`).exec(script)?.[1];
  const read = (name: string): number => Number(env[name] ?? fallback(name) ?? '1');
  const vus = (env['MESHBENCH_EXECUTOR'] ?? fallback('MESHBENCH_EXECUTOR')) === 'constant-vus' ? read('MESHBENCH_VUS') : read('MESHBENCH_MAX_VUS');
  return { ok: true, maxVus: vus };
}

/** Installs the operator stand-in on one emulator (the runner pods come from k6-runner.ts's Job controller). */
export function emulateK6Operator(server: ApiServer, k6: K6Emulation, clock: TrafficClock): void {
  const now = () => new Date().toISOString();
  const stamp = () => `time="${rfc3339(clock.epochMsAt(clock.now()))}"`;
  const known = new Set<string>();
  /** When each initializer pod started running (traffic-clock ms). */
  const initializerStart = new Map<string, number>();

  const setStage = (tr: KubeObject, stage: string) => {
    const cur = server.get('k6.io/v1alpha1', 'TestRun', tr.metadata.namespace, tr.metadata.name);
    if (cur !== undefined) server.store.put(TESTRUNS, { ...cur, status: { ...(cur['status'] as object), stage } }, now());
  };
  const owner = (tr: KubeObject) => [{ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', name: tr.metadata.name, uid: tr.metadata.uid, controller: true }];

  const createInitializer = (tr: KubeObject, spec: TestRunSpec, archiveArgs: string[]) => {
    const ns = tr.metadata.namespace as string;
    const name = tr.metadata.name;
    // NewInitializerJob: `if Initializer == nil { Initializer = Runner.DeepCopy() }`.
    const init = spec.initializer ?? structuredClone(spec.runner ?? {});
    const script = scriptOf(spec);
    const jobName = `${name}-initializer`;
    const labels = labelsOf(name, {}, init.metadata?.labels);
    const env = init.env ?? [];
    const envFlags = env.map((e) => ` -e ${e.name}="\${${e.name}}"`).join('');
    const archive = `/tmp/${script?.file ?? 'test.js'}.archived.tar`;
    const command = ['sh', '-c', `k6 archive ${script?.path ?? ''}${envFlags} -O ${archive} ${archiveArgs.join(' ')} && k6 inspect --execution-requirements ${archive}`];
    const podSpec = {
      restartPolicy: 'Never',
      ...(init.affinity !== undefined ? { affinity: init.affinity } : {}),
      containers: [{ name: 'k6', image: init.image ?? 'grafana/k6:latest', command, env, ...(init.resources !== undefined ? { resources: init.resources } : {}), volumeMounts: [{ name: 'k6-test-volume', mountPath: '/test', readOnly: true }] }],
      volumes: script !== undefined ? [{ name: 'k6-test-volume', configMap: { name: script.configMap } }] : [],
    };
    const annotations = init.metadata?.annotations ?? {};
    server.store.put(JOBS, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: jobName, namespace: ns, labels, annotations, ownerReferences: owner(tr) }, spec: { backoffLimit: 0, template: { metadata: { labels, annotations }, spec: podSpec } } }, now());
    const nodes = server.list('v1', 'Node');
    server.store.put(
      PODS,
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${jobName}-x0001`, namespace: ns, labels: { ...labels, 'job-name': jobName }, annotations }, spec: { ...podSpec, nodeName: nodes[0]?.metadata.name }, status: { phase: 'Pending' } },
      now(),
    );
  };

  /** The kubelet runs the initializer's shell program: archive and inspect, or their errors. */
  const runInitializer = (tr: KubeObject, spec: TestRunSpec, pod: KubeObject) => {
    const ns = tr.metadata.namespace as string;
    const c = ((pod['spec'] as { containers: Array<{ image?: string; env?: EnvVar[] }> }).containers[0] ?? {}) as { image?: string; env?: EnvVar[] };
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));
    const script = scriptOf(spec);
    const cm = script !== undefined ? server.get('v1', 'ConfigMap', ns, script.configMap) : undefined;
    const text = (cm?.['data'] as Record<string, string> | undefined)?.[script?.file ?? ''];
    let outcome: { ok: true; maxVus: number } | { ok: false; lines: string[] };
    if (!/k6/.test(c.image ?? '')) outcome = { ok: false, lines: [MISSING_K6] };
    else if (text === undefined) outcome = { ok: false, lines: [`level=error msg="The moduleSpecifier \\"${script?.path ?? ''}\\" couldn't be found on local disk."`] };
    else outcome = runArchive(text, script?.path ?? '', env);
    const log = (l: string) => server.logs.write(ns, pod.metadata.name, 'k6', l);
    if (outcome.ok) log(JSON.stringify({ maxVUs: outcome.maxVus, totalDuration: env['MESHBENCH_DURATION'] ?? '' }));
    else for (const l of outcome.lines) log(`${stamp()} ${l}`);
    server.logs.end(ns, pod.metadata.name, 'k6');
    server.store.put(PODS, { ...pod, status: { phase: outcome.ok ? 'Succeeded' : 'Failed', containerStatuses: [{ name: 'k6', ready: false, state: { terminated: { exitCode: outcome.ok ? 0 : 1 } } }] } }, now());
  };

  const createRunners = (tr: KubeObject, spec: TestRunSpec, argv: string[]) => {
    const ns = tr.metadata.namespace as string;
    const name = tr.metadata.name;
    const n = spec.parallelism ?? 1;
    const script = scriptOf(spec);
    const r = spec.runner ?? {};
    for (let i = 1; i <= n; i++) {
      const command = ['k6', 'run'];
      if (spec.quiet === undefined || spec.quiet === 'true') command.push('--quiet');
      if (n > 1) {
        const part = (k: number) => (k === 0 ? '0' : k === n ? '1' : `${k}/${n}`);
        const seq = ['0', ...Array.from({ length: n - 1 }, (_, k) => `${k + 1}/${n}`), '1'].join(',');
        command.push(`--execution-segment=${part(i - 1)}:${part(i)}`, `--execution-segment-sequence=${seq}`);
      }
      command.push(...argv, script?.path ?? '', '--address=0.0.0.0:6565');
      if (spec.paused === undefined || spec.paused === 'true') command.push('--paused');
      command.push('--tag', `instance_id=${i}`, '--tag', `testrun_name=${name}`);
      const labels = labelsOf(name, { runner: 'true' }, r.metadata?.labels);
      const annotations = r.metadata?.annotations ?? {};
      const affinity = spec.separate === true
        ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['k6'] }, { key: 'runner', operator: 'In', values: ['true'] }] }, topologyKey: 'kubernetes.io/hostname' }] } }
        : r.affinity;
      const podSpec = {
        hostname: `${name}-${i}`,
        restartPolicy: 'Never',
        ...(affinity !== undefined ? { affinity } : {}),
        containers: [{ name: 'k6', image: r.image ?? 'grafana/k6:latest', command, env: r.env ?? [], ...(r.resources !== undefined ? { resources: r.resources } : {}), ports: [{ containerPort: 6565 }], volumeMounts: [{ name: 'k6-test-volume', mountPath: '/test', readOnly: true }] }],
        volumes: script !== undefined ? [{ name: 'k6-test-volume', configMap: { name: script.configMap } }] : [],
      };
      server.store.put(JOBS, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${name}-${i}`, namespace: ns, labels, annotations, ownerReferences: owner(tr) }, spec: { backoffLimit: 0, template: { metadata: { labels, annotations }, spec: podSpec } } }, now());
      server.store.put(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-service-${i}`, namespace: ns, labels, annotations, ownerReferences: owner(tr) }, spec: { ports: [{ name: 'http-api', port: 6565, protocol: 'TCP' }], selector: { 'job-name': `${name}-${i}` } } }, now());
    }
  };

  const collectGarbage = (ns: string, name: string) => {
    for (const j of server.store.list(JOBS, ns, `k6_cr=${name}`)) server.store.remove(JOBS, ns, j.metadata.name);
    for (const svc of server.store.list(SERVICES, ns, `k6_cr=${name}`)) server.store.remove(SERVICES, ns, svc.metadata.name);
    // Runner pods go with their Jobs (k6-runner.ts); the initializer and starter pods here.
    for (const p of server.store.list(PODS, ns, `k6_cr=${name},!runner`)) server.store.remove(PODS, ns, p.metadata.name);
  };

  server.controller.extraControllers.push(() => {
    const live = new Set<string>();
    for (const tr of server.store.list(TESTRUNS)) {
      const ns = tr.metadata.namespace as string;
      const name = tr.metadata.name;
      live.add(`${ns}/${name}`);
      known.add(`${ns}/${name}`);
      const spec = (tr['spec'] ?? {}) as TestRunSpec;
      const stage = (tr['status'] as { stage?: string } | undefined)?.stage ?? '';
      if ((spec.parallelism ?? 0) < 1) continue; // "parallelism of TestRun cannot be less than 1": no reconcile
      const argv = argvOf(spec);
      const cli = parseOperatorCli(argv);
      switch (stage) {
        case '':
          if ('error' in cli) setStage(tr, 'error');
          else if (spec.initializer?.disabled === true) setStage(tr, 'initialized');
          else {
            setStage(tr, 'initialization');
            createInitializer(tr, spec, cli.archiveArgs);
          }
          break;
        case 'initialization': {
          const pod = server.store.list(PODS, ns, `job-name=${name}-initializer`)[0];
          const phase = (pod?.['status'] as { phase?: string } | undefined)?.phase;
          if (pod === undefined) break;
          if (phase === 'Pending') {
            server.store.put(PODS, { ...pod, status: { phase: 'Running', containerStatuses: [{ name: 'k6', ready: true, state: { running: {} } }] } }, now());
            initializerStart.set(`${ns}/${name}`, clock.now());
          } else if (phase === 'Running' && clock.now() - (initializerStart.get(`${ns}/${name}`) ?? 0) >= INITIALIZER_MS) runInitializer(tr, spec, pod);
          else if (phase === 'Failed') setStage(tr, 'error');
          else if (phase === 'Succeeded') {
            const inspect = JSON.parse(server.logs.read(ns, pod.metadata.name, 'k6').join('\n')) as { maxVUs: number };
            setStage(tr, inspect.maxVUs < (spec.parallelism ?? 1) ? 'error' : 'initialized');
          }
          break;
        }
        case 'initialized':
          createRunners(tr, spec, argv);
          setStage(tr, 'created');
          break;
        case 'created': {
          const pods = server.store.list(PODS, ns, `app=k6,k6_cr=${name},runner=true`);
          if (pods.filter((p) => (p['status'] as { phase?: string } | undefined)?.phase === 'Running').length !== spec.parallelism) break;
          const labels = labelsOf(name, {}, spec.starter?.metadata?.labels);
          server.store.put(JOBS, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${name}-starter`, namespace: ns, labels, ownerReferences: owner(tr) }, spec: { backoffLimit: 0, template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'k6-curl', image: spec.starter?.image ?? 'ghcr.io/grafana/k6-operator:latest-starter' }] } } }, status: { succeeded: 1 } }, now());
          // The starter's `curl -X PATCH http://<service>:6565/v1/status -d '{"data":{"attributes":{"paused":false},…}}'`.
          k6.resume(ns, pods.map((p) => p.metadata.name));
          setStage(tr, 'started');
          break;
        }
        case 'started': {
          const jobs = server.store.list(JOBS, ns, `app=k6,k6_cr=${name},runner=true`);
          const finished = jobs.filter((j) => ((j['status'] as { active?: number } | undefined)?.active ?? 0) === 0).length;
          if (finished >= (spec.parallelism ?? 1)) setStage(tr, 'stopped');
          break;
        }
        case 'stopped':
          setStage(tr, 'finished');
          break;
        case 'error':
        case 'finished':
          if (spec.cleanup === 'post') server.store.remove(TESTRUNS, ns, name);
          break;
      }
    }
    // A deleted TestRun takes what it owns with it.
    for (const key of [...known]) {
      if (live.has(key)) continue;
      known.delete(key);
      const [ns, name] = key.split('/') as [string, string];
      collectGarbage(ns, name);
    }
  });
}
