/**
 * `meshbench run --target kube` against two emulated clusters: the short failover in curl mode and
 * in k6 mode (one Job, and a TestRun with two runners) gives distribution, locality, recovery and
 * failback figures; every change is journaled and undone; simulator-only actions and unready
 * clusters are refused before any change; an API outage is retried, then reported (exit 4) after
 * restoring; Ctrl-C restores and exits 130. Time is virtual: the driver's Clock drives the pods.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/model/result.js';
import type { CliDeps } from '../../src/cli/deps.js';
import { runCli } from '../support/cli.js';
import type { ApiServer } from '../support/apiserver/server.js';
import { findByKind, type ResourceDef } from '../support/apiserver/resources.js';
import type { KubeObject } from '../../src/kube/gateway.js';
import { VirtualClock } from '../support/traffic-clock.js';
import { setReplicas, startTestBed, type BedOptions, type TestBed } from '../kube/run/bed.js';
import { recordOutputs, searched } from '../kube/run/outputs.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'kube-run');

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function setup(opts: Omit<BedOptions, 'clock'> = {}): Promise<{ b: TestBed; clock: VirtualClock }> {
  const clock = new VirtualClock();
  bed = await startTestBed({ clock, ...opts });
  return { b: bed, clock };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  result?: Result;
  journal: string;
}

function paths(): { out: string; journal: string } {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-run-kube-'));
  return { out: join(dir, 'results'), journal: join(dir, 'journal.jsonl') };
}

async function run(b: TestBed, clock: VirtualClock, scenario: string, extra: string[] = [], overrides: Partial<CliDeps> = {}, where = paths()): Promise<Run> {
  const { out, journal } = where;
  const r = await runCli(['run', join(FIXTURES, scenario), '--target', 'kube', '--context', 'c1', '--context', 'c2', '--out', out, '--journal', journal, '--no-color', ...extra], {
    env: { KUBECONFIG: b.kubeconfig },
    clock,
    ...overrides,
  });
  const files = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.json')) : [];
  const texts = [r.stdout, r.stderr, ...files.map((f) => readFileSync(join(out, f), 'utf8'))];
  if (existsSync(journal)) texts.push(readFileSync(journal, 'utf8'));
  recordOutputs(b, texts);
  const result = files[0] !== undefined ? (JSON.parse(readFileSync(join(out, files[0]), 'utf8')) as Result) : undefined;
  return { ...r, ...(result !== undefined ? { result } : {}), journal };
}

/** Requests that change something (exec and reads are not changes). */
function mutations(s: ApiServer): string[] {
  return s.requests.filter((q) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(q.method)).map((q) => `${q.method} ${q.path}`);
}

/** Reads the journal whenever a scale reaches the emulator (the journal is written before). */
function journalAtScales(s: ApiServer, path: () => string): string[] {
  const seen: string[] = [];
  s.controller.events.on('scale', () => seen.push(existsSync(path()) ? readFileSync(path(), 'utf8') : '<no journal>'));
  return seen;
}

describe('meshbench run --target kube: measures', () => {
  it('curl mode: distribution, locality, recovery and failback of the failover; the journal is written first and cleared', async () => {
    const { b, clock } = await setup();
    const where = paths();
    const atScale = journalAtScales(b.c1, () => where.journal);
    const r = await run(b, clock, 'failover-closed.yaml', ['--load', 'curl'], {}, where);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(0);
    const res = r.result as Result;
    expect(res.target).toMatchObject({ kind: 'kube', contexts: ['c1', 'c2'], load: 'curl', istio: { cluster1: '1.24.2', cluster2: '1.24.2' }, kubernetes: { cluster1: 'v1.31.0', cluster2: 'v1.31.0' } });
    // The sleep image's busybox date has no %N: the loop stamps with curl 8.16's %time{} (µs);
    // alignment is half a µs step (the virtual clock's round trip is 0).
    expect(res.target.kind === 'kube' && res.target.precision).toEqual({ timestampsMs: 0.001, alignmentMs: 0.001 });
    expect(res.target.kind === 'kube' && res.target.samples).toEqual({ received: res.summary.requests, sent: res.summary.requests });
    expect(res.labels['istio']).toBe('1.24');
    const sum = res.summary;
    // One loop, 2 ms answers + 0.5 ms between requests: 400 requests a second on v1.
    expect(sum.phases.find((p) => p.name === 'before')).toMatchObject({ requests: 800, errors: 0 });
    expect(sum.distribution['v1']?.share).toBeGreaterThan(0.9);
    // The prediction belongs to the phase before the fault it was tested on, not beside the whole run's shares.
    expect(sum.distributionTest).toMatchObject({ phase: 'before', expected: { v1: 1 } });
    expect(sum.distribution['v1']?.expectedShare).toBeUndefined();
    expect(sum.locality?.byCluster['cluster2']).toBeGreaterThan(0);
    expect(sum.locality?.sameCluster).toBeCloseTo(sum.distribution['v1']?.share ?? 0, 6);
    const f = sum.failover;
    // The client proxy routes to the dead pod for the 300 ms the endpoint change takes to reach it.
    expect(f?.recoveryMs?.p50).toBe(300);
    expect(f?.errorsDuringFailover.p50).toBe(200);
    expect(f?.firstFailoverSuccessMs?.p50).toBeGreaterThanOrEqual(300);
    expect(f?.firstFailoverSuccessMs?.p50).toBeLessThan(400);
    expect(f?.failbackMs?.p50).toBeGreaterThan(0);
    expect(f?.failbackMs?.p50).toBeLessThan(400);
    expect(sum.phases.find((p) => p.name === 'during')?.distribution['v2']?.share).toBe(1);
    expect(res.thresholds.every((t) => t.ok)).toBe(true);
    expect(res.events.map((e) => [e.name, e.atMs])).toEqual([
      ['fault', 2000],
      ['fault:proxy', 2400],
      ['restore', 4000],
      ['restore:proxy', 4400],
    ]);
    expect(res.events[0]?.action).toBe('scale cluster1/helloworld-v1 to 0');
    // The loop ran as the fixed script with the values as arguments (the duration in µs: the curl-time clock).
    expect(b.curl.started).toHaveLength(1);
    expect(b.curl.started[0]?.slice(6, 8)).toEqual(['http://helloworld.sample:5000/hello', '6000000']);
    // Journaled before each scale; then everything restored and the journal removed.
    expect(atScale).toHaveLength(2);
    expect(atScale[0]).toMatch(/"op":"scale","v":1,"context":"c1","cluster":"cluster1","namespace":"sample","name":"helloworld-v1","from":1,"to":0/);
    expect(b.v1Replicas()).toBe(1);
    expect(existsSync(r.journal)).toBe(false);
    expect(b.c1.controller.scaleEvents.map((e) => `${e.from}->${e.to}`)).toEqual(['1->0', '0->1']);
    // The DestinationRule in the cluster is the scenario's: left alone.
    expect(mutations(b.c1).filter((m) => m.includes('destinationrules'))).toEqual([]);
    expect(r.stdout).toContain('Failover (fault → restore)');
    for (const t of atScale) recordOutputs(b, [t]);
  });

  it('k6 mode (one Job): the open-model failover, streamed from the pod log through the k6 parser', async () => {
    const { b, clock } = await setup();
    const r = await run(b, clock, 'failover-open.yaml', ['--load', 'k6', '--k6-image', 'registry.local/k6:test']);
    expect(r.code, r.stderr).toBe(0);
    const res = r.result as Result;
    expect(res.target).toMatchObject({ kind: 'kube', load: 'k6', precision: { timestampsMs: 0.001, alignmentMs: 0.001 }, samples: { received: 600, sent: 600 } });
    const sum = res.summary;
    expect(sum.requests).toBe(600);
    expect(sum.load).toMatchObject({ model: 'open', ratePerS: 100, resolutionMs: 10 });
    // k6 reports a request at its end; start = end − duration lands a hair either side of 2 s.
    expect(sum.phases.find((p) => p.name === 'before')?.requests).toBeGreaterThanOrEqual(200);
    expect(sum.phases.find((p) => p.name === 'before')?.requests).toBeLessThanOrEqual(201);
    expect(sum.phases.find((p) => p.name === 'before')?.errors).toBe(0);
    expect(sum.failover?.recoveryMs?.p50).toBe(300);
    expect(sum.failover?.errorsDuringFailover.p50).toBeGreaterThanOrEqual(29);
    expect(sum.failover?.errorsDuringFailover.p50).toBeLessThanOrEqual(31);
    // v2 answers the requests of [restore, restore + 300 ms); a 1 s window (100 requests) may hold
    // one of them and still be 99% v1: the window starting at the last one, at 290 ms.
    expect(sum.failover?.failbackMs?.p50).toBe(290);
    expect(sum.phases.find((p) => p.name === 'during')?.distribution['v2']?.share).toBe(1);
    expect(sum.locality?.byCluster).toMatchObject({ cluster1: expect.any(Number), cluster2: expect.any(Number) });
    // The runner's place is kept as an observation at 0 ms (the client is the pod that sends).
    expect(res.events.map((e) => e.name)).toEqual(['placement', 'fault', 'fault:proxy', 'restore', 'restore:proxy']);
    expect(res.thresholds.find((t) => t.expr.startsWith('failover'))?.ok).toBe(true);
    // The Job ran the script from its ConfigMap with the scenario in its environment, as a native sidecar pod.
    const posts = b.c1.requests.filter((q) => q.method === 'PATCH' && /\/(jobs|configmaps)\//.test(q.path)).map((q) => q.path);
    expect(posts).toEqual(['/api/v1/namespaces/sample/configmaps/meshbench-k6-00002a-0', '/apis/batch/v1/namespaces/sample/jobs/meshbench-k6-00002a-0']);
    expect(b.k6.runners).toHaveLength(1);
    // Both are gone again, like every other change.
    expect(b.c1.get('batch/v1', 'Job', 'sample', 'meshbench-k6-00002a-0')).toBeUndefined();
    expect(b.c1.get('v1', 'ConfigMap', 'sample', 'meshbench-k6-00002a-0')).toBeUndefined();
    expect(b.v1Replicas()).toBe(1);
    expect(existsSync(r.journal)).toBe(false);
  });

  it('k6 through the k6-operator (--parallelism 2): both runners merged into one result', async () => {
    const { b, clock } = await setup();
    const r = await run(b, clock, 'failover-open.yaml', ['--load', 'k6', '--parallelism', '2']);
    expect(r.code, r.stderr).toBe(0);
    const sum = (r.result as Result).summary;
    expect(b.k6.runners).toHaveLength(2);
    expect(sum.requests).toBe(600);
    // Each runner sends every other request of the 10 ms grid; their starts differ by a few ms.
    expect(sum.failover?.recoveryMs?.p50).toBeGreaterThanOrEqual(300);
    expect(sum.failover?.recoveryMs?.p50).toBeLessThan(320);
    expect(Object.keys(sum.distribution).sort()).toEqual(['v1', 'v2']);
    expect(b.c1.list('k6.io/v1alpha1', 'TestRun', 'sample')).toEqual([]);
  });

  it('--repeat 2: two fault/restore cycles merged, events per trial', async () => {
    const { b, clock } = await setup();
    const r = await run(b, clock, 'failover-closed.yaml', ['--load', 'curl', '--repeat', '2']);
    expect(r.code, r.stderr).toBe(0);
    const res = r.result as Result;
    expect(res.trials).toBe(2);
    expect(res.summary.failover?.recoveryMs).toMatchObject({ n: 2, min: 300, max: 300 });
    expect(res.events.filter((e) => e.name === 'fault').map((e) => e.trial)).toEqual([0, 1]);
    expect(b.c1.controller.scaleEvents.map((e) => `${e.from}->${e.to}`)).toEqual(['1->0', '0->1', '1->0', '0->1']);
  });
});

describe('meshbench run --target kube: k6 as it really behaves (issue 13)', () => {
  it('k6 2.x takes the command line (2.0 removed --no-summary, grafana/k6#5729)', async () => {
    const { b, clock } = await setup();
    const r = await run(b, clock, 'spread-open.yaml', ['--load', 'k6', '--k6-image', 'grafana/k6:2.0.0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.result?.summary.requests).toBe(200);
  });

  it('pairs each response with its own request through k6\'s vu metadata, even when VUs overlap', async () => {
    const { b, clock } = await setup();
    const r = await run(b, clock, 'spread-open.yaml', ['--load', 'k6']);
    expect(r.code, r.stderr).toBe(0);
    const byVersion = (r.result as Result).summary.latencyByVersionMs;
    // v1 answers locally in 2 ms, v2 through cluster2's gateway in 62 ms: no mixing either way.
    expect(byVersion['v1']?.count).toBeGreaterThan(50);
    expect(byVersion['v2']?.count).toBeGreaterThan(50);
    expect(byVersion['v1']?.max).toBeLessThan(5);
    expect(byVersion['v2']?.p50).toBeGreaterThan(60);
  });

  it('never counts meshbench\'s own quitquitquit (clusters without native sidecars)', async () => {
    const { b, clock } = await setup({ o1: { kubernetesVersion: 'v1.28.4' } });
    const r = await run(b, clock, 'spread-open.yaml', ['--load', 'k6']);
    expect(r.code, r.stderr).toBe(0);
    const res = r.result as Result;
    expect(res.summary.requests).toBe(200);
    expect(res.summary.statusCodes).toEqual({ '200': 200 });
    expect(res.target.kind === 'kube' && res.target.samples).toEqual({ received: 200, sent: 200 });
  });
});

describe('meshbench run --target kube: the DestinationRule exactly (issue 13)', () => {
  it('during the run the rule is the scenario\'s, fields other managers added included out; afterwards exactly what was there', async () => {
    const { b, clock } = await setup();
    const def = findByKind('networking.istio.io/v1', 'DestinationRule') as ResourceDef;
    const seed = b.c1.get('networking.istio.io/v1', 'DestinationRule', 'sample', 'helloworld') as KubeObject;
    const scenarioSpec = structuredClone(seed['spec']) as { trafficPolicy: { outlierDetection: Record<string, unknown> } };
    // Someone's kubectl added an ejection limit and a connection pool to the same rule.
    const theirs = structuredClone(scenarioSpec) as typeof scenarioSpec & { trafficPolicy: { connectionPool?: unknown } };
    theirs.trafficPolicy.outlierDetection['maxEjectionPercent'] = 100;
    theirs.trafficPolicy.connectionPool = { tcp: { maxConnections: 10 } };
    b.c1.store.apply(def, { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'helloworld', namespace: 'sample' }, spec: theirs }, 'kubectl', new Date().toISOString());
    const during: unknown[] = [];
    b.c1.controller.events.on('scale', () => during.push(b.c1.get('networking.istio.io/v1', 'DestinationRule', 'sample', 'helloworld')?.['spec']));
    const r = await run(b, clock, 'failover-closed.yaml', ['--load', 'curl']);
    expect(r.code, r.stderr).toBe(0);
    expect(during).toHaveLength(2);
    for (const spec of during) expect(spec).toEqual(scenarioSpec);
    expect(b.c1.get('networking.istio.io/v1', 'DestinationRule', 'sample', 'helloworld')?.['spec']).toEqual(theirs);
  });
});

describe('meshbench run --target kube: safety', () => {
  it('refuses simulator-only actions before connecting: exit 3 naming the entries, no request at all', async () => {
    const { b, clock } = await setup();
    const r = await run(b, clock, 'sim-only.yaml', ['--load', 'curl']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/spec\.timeline\[0\]\.fail +timeline entry 1 \(outage\): "fail" is simulator-only/);
    expect(r.stderr).toMatch(/spec\.timeline\[2\]\.heal +timeline entry 3 \(mend\)/);
    expect(r.stderr).not.toMatch(/timeline\[1\]/);
    expect(b.c1.requests).toEqual([]);
    expect(b.c2.requests).toEqual([]);
  });

  it('refuses an unready test bed with the fix (exit 4) and changes nothing', async () => {
    const { b, clock } = await setup();
    setReplicas(b.c1, 'sample', 'helloworld-v1', 0);
    const r = await run(b, clock, 'failover-closed.yaml', ['--load', 'curl']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('cluster1: sample/helloworld-v1 has 0 replica(s); the mesh expects 1');
    expect(r.stderr).toContain('fix: kubectl --context c1 -n sample scale deployment/helloworld-v1 --replicas=1');
    expect(mutations(b.c1)).toEqual([]);
    expect(mutations(b.c2)).toEqual([]);
    expect(existsSync(r.journal)).toBe(false);
  });

  it('--parallelism without the k6-operator is refused with a hint (exit 4), nothing changed', async () => {
    const { b, clock } = await setup({ o1: { unservedVersions: ['k6.io/v1alpha1'] } });
    const r = await run(b, clock, 'failover-open.yaml', ['--load', 'k6', '--parallelism', '2']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('--parallelism needs the k6-operator, but the cluster does not serve k6.io/v1alpha1 TestRun');
    expect(r.stderr).toContain('Install the k6-operator');
    expect(mutations(b.c1)).toEqual([]);
  });

  it('refuses to start while an earlier run\'s journal is not restored', async () => {
    const { b, clock } = await setup();
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-leftover-'));
    const journal = join(dir, 'journal.jsonl');
    writeFileSync(journal, `${JSON.stringify({ op: 'scale', v: 1, context: 'c1', cluster: 'cluster1', namespace: 'sample', name: 'helloworld-v1', from: 1, to: 0 })}\n`);
    const r = await runCli(['run', join(FIXTURES, 'failover-closed.yaml'), '--target', 'kube', '--context', 'c1', '--context', 'c2', '--load', 'curl', '--journal', journal, '--out', dir], { env: { KUBECONFIG: b.kubeconfig }, clock });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`holds changes of a run that was never restored`);
    expect(r.stderr).toContain(`meshbench restore --journal ${journal}`);
    expect(b.c1.requests).toEqual([]);
  });

  it('a scenario without the cluster\'s DestinationRule: the seed rule is applied (journaled) and removed again', async () => {
    const { b, clock } = await setup({ noDestinationRule: true });
    let rulesDuringRun = -1;
    b.c1.controller.events.once('scale', () => (rulesDuringRun = b.c1.list('networking.istio.io/v1', 'DestinationRule', 'sample').length));
    const r = await run(b, clock, 'failover-closed.yaml', ['--load', 'curl']);
    expect(r.code, r.stderr).toBe(0);
    expect(rulesDuringRun).toBe(1);
    expect(r.stderr).toContain('cluster1: applied DestinationRule helloworld — undone after the run');
    expect(b.c1.list('networking.istio.io/v1', 'DestinationRule', 'sample')).toEqual([]);
    expect(r.result?.summary.failover?.recoveryMs?.p50).toBe(300);
  });

  it('an API outage at the restore action is retried, then reported (exit 4) after everything was put back', async () => {
    const { b, clock } = await setup();
    let scales = 0;
    b.c1.faults.inject({ status: 500, reason: 'InternalError', message: 'etcdserver: request timed out' }, {
      times: 5,
      match: (q) => q.method === 'PATCH' && q.path.endsWith('/deployments/helloworld-v1/scale') && ++scales >= 2,
    });
    const r = await run(b, clock, 'failover-closed.yaml', ['--load', 'curl']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/context 'c1': HTTP 500 while scaling Deployment sample\/helloworld-v1 to 1; retry 4 in/);
    expect(r.stderr).toContain('the API server kept failing (500) while scaling Deployment sample/helloworld-v1 to 1: etcdserver: request timed out');
    expect(r.stderr).toContain('restored: scale cluster1 (context c1) sample/helloworld-v1 back to 1');
    expect(b.v1Replicas()).toBe(1);
    expect(existsSync(r.journal)).toBe(false);
    expect(r.result).toBeUndefined();
  });

  it('an outage that outlasts the run keeps the journal and names the restore command; restore then finishes', async () => {
    const { b, clock } = await setup();
    let scales = 0;
    b.c1.faults.inject('reset', { times: 1000, match: (q) => q.method === 'PATCH' && q.path.endsWith('/scale') && ++scales >= 2 });
    const r = await run(b, clock, 'failover-closed.yaml', ['--load', 'curl']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('could not put everything back; still to restore:');
    expect(r.stderr).toContain('scale cluster1 (context c1) sample/helloworld-v1 back to 1');
    expect(r.stderr).toContain(`meshbench restore --journal ${r.journal}`);
    expect(r.stderr).toContain('(the run itself stopped because: ');
    expect(b.v1Replicas()).toBe(0);
    expect(existsSync(r.journal)).toBe(true);
    b.c1.faults.clear();
    const restored = await runCli(['restore', '--journal', r.journal], { env: { KUBECONFIG: b.kubeconfig } });
    recordOutputs(b, [restored.stdout, restored.stderr]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('restored scale cluster1 (context c1) sample/helloworld-v1 back to 1');
    expect(b.v1Replicas()).toBe(1);
    expect(existsSync(r.journal)).toBe(false);
  });

  it('Ctrl-C in the fault: restores, exits 130; a second Ctrl-C says what is left and how to finish', async () => {
    const { b, clock } = await setup();
    const ctrl = new AbortController();
    let second: (() => void) | undefined;
    let secondOutput = '';
    b.c1.controller.events.on('scale', (e: { to: number }) => {
      if (e.to === 0) ctrl.abort(new Error('interrupted by SIGINT'));
      else second?.(); // the restore is scaling back: the user presses Ctrl-C again
    });
    let stderr = '';
    const r = await run(b, clock, 'failover-closed.yaml', ['--load', 'curl'], {
      signal: ctrl.signal,
      onSecondInterrupt: (h) => (second = h),
      stderr: { isTTY: false, write: (s) => void (stderr += s) },
    });
    secondOutput = stderr;
    recordOutputs(b, [stderr]);
    expect(r.code).toBe(130);
    expect(stderr).toContain('error: interrupted; every cluster change was undone and no result was saved');
    expect(secondOutput).toContain('interrupted again while restoring; still to restore:\n  - scale cluster1 (context c1) sample/helloworld-v1 back to 1');
    expect(secondOutput).toContain(`finish with: meshbench restore --journal ${r.journal}`);
    expect(b.v1Replicas()).toBe(1);
    expect(existsSync(r.journal)).toBe(false);
    expect(b.curl.stopFiles.size).toBe(1);
  });

  it('no output of these runs held a token or the kubeconfig\'s certificate data', () => {
    expect(searched.length).toBeGreaterThan(20);
  });
});
