/**
 * The k6-operator TestRun (issue 13 item 2): valid against the operator's CRD (v1.3.0, the oldest
 * release supported; its fields written out in k6-testrun-schema.ts, the Kubernetes types it embeds
 * checked by Kubernetes' own schemas), and run by the emulator's operator stand-in along the
 * operator's own code path. The seed's TestRun (`initializer: {metadata}` only) gets an
 * initializer without the script's environment, whose `k6 archive` throws "MESHBENCH_URL is not
 * set" and ends the TestRun in stage error; meshbench's TestRun gives the initializer the
 * runners' image and env and goes on to runners and the starter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register, validate } from '@kubernetes-models/validate';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { K6_CONTAINER, K6_OPERATOR_ARGUMENTS, K6_SYSTEM_TAGS, k6Plan } from '../../../src/kube/run/k6-objects.js';
import type { Scenario } from '../../../src/model/scenario.js';
import { k6TestScenario } from './k6-scenario.js';
import { parseOperatorCli } from '../../support/apiserver/k6-operator.js';
import { VirtualClock } from '../../support/traffic-clock.js';
import { schemaProblems } from '../schema.js';
import { startTestBed, type TestBed } from './bed.js';
import { embeddedPodProblems, TESTRUN_SCHEMA_V1_3 } from './k6-testrun-schema.js';

const scenario: Scenario = k6TestScenario({ kind: 'open', ratePerS: 20, durationUs: 2_000_000 });
const script = readFileSync(join(process.cwd(), 'scenarios', 'k6', 'meshbench.ts'), 'utf8');
const base = { scenario, url: 'http://helloworld.sample:5000/hello', namespace: 'sample', name: 'meshbench-k6-abc123-0', runId: 'abc123', image: 'grafana/k6:1.4.2', script, nativeSidecar: true };

const SCHEMA_ID = 'k6.io.v1alpha1.TestRun.v1.3.0';
register(SCHEMA_ID, TESTRUN_SCHEMA_V1_3);

/** Problems of a TestRun: the CRD's own fields (strict), then the Kubernetes types it embeds, in the pods the operator builds. */
function testRunProblems(obj: unknown): string {
  try {
    validate(SCHEMA_ID, obj);
  } catch (e) {
    return (e as Error).message;
  }
  const spec = (obj as { spec: Record<string, Record<string, unknown> | undefined> }).spec;
  for (const role of ['initializer', 'starter', 'runner']) {
    const problems = embeddedPodProblems(spec[role], role === 'runner' ? spec['ports'] : undefined);
    if (problems !== '') return `spec.${role}: ${problems}`;
  }
  return '';
}

/** The seed's TestRun: runner settings, and an initializer with metadata only. */
function seedTestRun(): KubeObject {
  const tr = structuredClone(k6Plan({ ...base, parallelism: 2 }).runner);
  const spec = tr['spec'] as Record<string, unknown>;
  spec['initializer'] = { metadata: { labels: { 'sidecar.istio.io/inject': 'false' } } };
  delete spec['cleanup'];
  return tr;
}

describe('the TestRun against the k6-operator CRD schema (v1.3.0)', () => {
  it('is valid, with and without runner affinity, for 1 and 3 runners', () => {
    for (const parallelism of [1, 3]) {
      for (const clientPodLabels of [undefined, { app: 'sleep' }]) {
        const tr = k6Plan({ ...base, parallelism, ...(clientPodLabels !== undefined ? { clientPodLabels } : {}) }).runner;
        expect(testRunProblems(tr)).toBe('');
      }
    }
  });

  it('the validator fails on what the operator would not take: an unknown field, a wrong type, a cleanup it has no value for', () => {
    const tr = k6Plan({ ...base, parallelism: 2 }).runner;
    const spec = tr['spec'] as Record<string, unknown>;
    expect(testRunProblems({ ...tr, spec: { ...spec, runner: { ...(spec['runner'] as object), nodeName: 'n1' } } })).toMatch(/additional properties|nodeName/i);
    expect(testRunProblems({ ...tr, spec: { ...spec, parallelism: '2' } })).toMatch(/integer/);
    expect(testRunProblems({ ...tr, spec: { ...spec, cleanup: 'always' } })).toMatch(/allowed values|enum/i);
    // An embedded Kubernetes type with a wrong shape: the pod the operator builds would be refused.
    expect(testRunProblems({ ...tr, spec: { ...spec, runner: { ...(spec['runner'] as object), env: [{ value: 'x' }] } } })).toMatch(/spec\.runner: .*name/);
    expect(testRunProblems({ ...tr, spec: { ...spec, runner: { ...(spec['runner'] as object), resources: { requests: { cpu: true } } } } })).toMatch(/spec\.runner:/);
  });

  it('the Job variant is a valid batch/v1 Job with the runner affinity and resources', () => {
    const job = k6Plan({ ...base, clientPodLabels: { app: 'sleep' } }).runner;
    expect(schemaProblems(job)).toEqual([]);
  });

  it('its arguments are flags only, as the operator\'s ParseCLI requires, and archive keeps --system-tags', () => {
    expect(parseOperatorCli(K6_OPERATOR_ARGUMENTS.split(' '))).toEqual({ archiveArgs: ['--system-tags', K6_SYSTEM_TAGS] });
    // A word after a flag is that flag's value (lastArgV); one before any flag is an error.
    expect(parseOperatorCli(['script.ts', '--quiet'])).toEqual({ error: 'encountered an invalid value for k6 CLI argument: `script.ts`' });
  });
});

let bed: TestBed | undefined;
let clock = new VirtualClock();
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** Runs the emulator's controllers for `n` ticks, 600 ms of traffic clock apart (the initializer takes 1 s). */
function ticks(b: TestBed, n: number): void {
  for (let i = 0; i < n; i++) {
    clock.advance(600);
    b.c1.controller.reconcile(true);
  }
}

function stage(b: TestBed, name: string): string | undefined {
  return (b.c1.get('k6.io/v1alpha1', 'TestRun', 'sample', name)?.['status'] as { stage?: string } | undefined)?.stage;
}

describe('the operator stand-in follows the operator\'s code path', () => {
  it("the seed's TestRun: the initializer lacks the script's environment, k6 archive throws, the TestRun ends in stage error", async () => {
    clock = new VirtualClock();
    bed = await startTestBed({ clock });
    const plan = k6Plan({ ...base, parallelism: 2 });
    bed.c1.put(plan.configMap);
    bed.c1.put(seedTestRun());
    ticks(bed, 6);
    expect(stage(bed, base.name)).toBe('error');
    const init = bed.c1.pods('sample', `job-name=${base.name}-initializer`)[0] as KubeObject;
    expect((init['status'] as { phase: string }).phase).toBe('Failed');
    // The operator's initializer runs grafana/k6:latest (no image given) with no env at all.
    const c = (init['spec'] as { containers: Array<{ image: string; env: unknown[]; command: string[] }> }).containers[0];
    expect(c?.image).toBe('grafana/k6:latest');
    expect(c?.env).toEqual([]);
    expect(bed.c1.logs.read('sample', init.metadata.name, K6_CONTAINER).join('\n')).toContain('environment variable MESHBENCH_URL is not set');
    expect(bed.c1.pods('sample', `k6_cr=${base.name},runner=true`)).toEqual([]);
  });

  it("meshbench's TestRun: initializer with the runners' image and env, then runner Jobs as the operator builds them, the starter, and cleanup", async () => {
    clock = new VirtualClock();
    bed = await startTestBed({ clock });
    const plan = k6Plan({ ...base, parallelism: 2, clientPodLabels: { app: 'sleep' } });
    bed.c1.put(plan.configMap);
    bed.c1.put(plan.runner);
    ticks(bed, 8);
    expect(stage(bed, base.name)).toBe('started');
    const init = bed.c1.pods('sample', `job-name=${base.name}-initializer`)[0] as KubeObject;
    const ic = (init['spec'] as { containers: Array<{ image: string; command: string[] }> }).containers[0];
    expect(ic?.image).toBe('grafana/k6:1.4.2');
    // newInitializerCommand: each env entry as -e NAME="${NAME}", the archive args from ParseCLI.
    expect(ic?.command[2]).toContain('-e MESHBENCH_URL="${MESHBENCH_URL}"');
    expect(ic?.command[2]).toContain(`--system-tags ${K6_SYSTEM_TAGS}`);
    expect(init.metadata.labels).toMatchObject({ app: 'k6', k6_cr: base.name, 'sidecar.istio.io/inject': 'false' });
    expect(JSON.parse(bed.c1.logs.read('sample', init.metadata.name, K6_CONTAINER)[0] ?? '{}')).toEqual({ maxVUs: 200, totalDuration: '2000ms' });
    const job = bed.c1.get('batch/v1', 'Job', 'sample', `${base.name}-2`) as KubeObject;
    const rc = (job['spec'] as { template: { spec: { containers: Array<{ command: string[]; image: string }>; affinity?: unknown } } }).template.spec;
    expect(rc.containers[0]?.command).toEqual([
      'k6', 'run', '--quiet', '--execution-segment=1/2:1', '--execution-segment-sequence=0,1/2,1',
      '--system-tags', K6_SYSTEM_TAGS, '--out', 'json=/dev/stdout', '/test/meshbench.ts',
      '--address=0.0.0.0:6565', '--paused', '--tag', 'instance_id=2', '--tag', `testrun_name=${base.name}`,
    ]);
    expect(rc.affinity).toEqual((plan.runner['spec'] as { runner: { affinity: unknown } }).runner.affinity);
    expect(bed.c1.get('v1', 'Service', 'sample', `${base.name}-service-1`)).toBeDefined();
    expect(bed.c1.get('batch/v1', 'Job', 'sample', `${base.name}-starter`)).toBeDefined();
    // cleanup: post — deleting (here: the test) the TestRun takes Jobs, Services and pods with it.
    bed.c1.remove('k6.io/v1alpha1', 'TestRun', 'sample', base.name);
    ticks(bed, 1);
    expect(bed.c1.list('batch/v1', 'Job', 'sample', `k6_cr=${base.name}`)).toEqual([]);
    expect(bed.c1.pods('sample', `k6_cr=${base.name}`)).toEqual([]);
  });

  it('parallelism above the script\'s VUs is refused by the operator (number of instances > number of VUs)', async () => {
    clock = new VirtualClock();
    bed = await startTestBed({ clock });
    const closed: Scenario = { ...scenario, load: { kind: 'closed', concurrency: 1, durationUs: 2_000_000, thinkTimeUs: 0 } };
    const plan = k6Plan({ ...base, scenario: closed, parallelism: 2 });
    bed.c1.put(plan.configMap);
    bed.c1.put(plan.runner);
    ticks(bed, 6);
    // cleanup: post has deleted it already, or it is still in stage error.
    expect([undefined, 'error']).toContain(stage(bed, base.name));
    expect(bed.c1.pods('sample', `k6_cr=${base.name},runner=true`)).toEqual([]);
  });
});
