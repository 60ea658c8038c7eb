/**
 * The client is the pod that sends (issue 13 item 6): k6 runners get affinity to the scenario's
 * client workload, the emulator's scheduler honours it as kube-scheduler does, and locality
 * shares come from the runner's own locality — also when the runner could not be placed with the
 * client (its node cordoned), which the run then says.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/model/result.js';
import type { KubeObject } from '../../src/kube/gateway.js';
import { runCli } from '../support/cli.js';
import { VirtualClock } from '../support/traffic-clock.js';
import { startTestBed, type TestBed } from '../kube/run/bed.js';
import { recordOutputs } from '../kube/run/outputs.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'kube-run');
/** cluster1 with two zones: the Deployment stand-in places istiod, the gateway, helloworld-v1 and sleep round-robin. */
const TWO_ZONES = { nodes: [{ name: 'c1-node-a', region: 'us-east1', zone: 'us-east1-b' }, { name: 'c1-node-b', region: 'us-east1', zone: 'us-east1-c' }] };

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

function nodeOf(pod: KubeObject | undefined): string | undefined {
  return (pod?.['spec'] as { nodeName?: string } | undefined)?.nodeName;
}

async function runK6(b: TestBed, clock: VirtualClock): Promise<{ code: number; stderr: string; result: Result }> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-placement-'));
  const r = await runCli(['run', join(FIXTURES, 'spread-open.yaml'), '--target', 'kube', '--context', 'c1', '--context', 'c2', '--load', 'k6', '--out', join(dir, 'out'), '--journal', join(dir, 'j.jsonl'), '--no-color'], { env: { KUBECONFIG: b.kubeconfig }, clock });
  recordOutputs(b, [r.stdout, r.stderr]);
  const file = readdirSync(join(dir, 'out')).find((f) => f.endsWith('.json')) as string;
  return { ...r, result: JSON.parse(readFileSync(join(dir, 'out', file), 'utf8')) as Result };
}

describe('k6 runners and the client', () => {
  it('the runner is scheduled with the client workload (preferred pod affinity), and the measures use its place', async () => {
    const clock = new VirtualClock();
    bed = await startTestBed({ clock, o1: TWO_ZONES });
    const sleep = bed.c1.pods('sample', 'app=sleep')[0];
    const v1 = bed.c1.pods('sample', 'app=helloworld,version=v1')[0];
    // The set-up this test needs: the client and helloworld-v1 in different zones.
    expect([nodeOf(sleep), nodeOf(v1)]).toEqual(['c1-node-b', 'c1-node-a']);
    const r = await runK6(bed, clock);
    expect(r.code, r.stderr).toBe(0);
    expect([...bed.k6.placements.values()]).toEqual(['c1-node-b']);
    expect(r.stderr).not.toContain('not with the client');
    // spread-open's 100 req/s split between one v1 and one v2 pod (≈ 30 req/s each): preflight warns, the run goes on.
    expect(r.stderr).toMatch(/warning: the load's 100 req\/s is more than the serving pods can take .*v1: 50 req\/s \(50% of 100\) against 1 pod\(s\) serving about 30 req\/s each .*a rate of 48 req\/s or less fits/);
    // The proxy read is the runner's own sidecar (a native sidecar: Kubernetes 1.31), not the sleep pod's.
    const runnerPod = [...bed.k6.placements.keys()][0] as string;
    const proxyReads = bed.c1.requests.filter((q) => q.path.endsWith('/exec') && q.query.includes('container=istio-proxy')).map((q) => q.path.split('/')[6]);
    expect(proxyReads).toContain(runnerPod);
    expect(proxyReads.filter((p) => p?.startsWith('sleep-'))).toEqual([]);
    // Served from the client's zone: none (v1 is in us-east1-b, the client and its runner in -c).
    expect(r.result.summary.locality?.sameLocality).toBe(0);
  });

  it('a runner that cannot join the client (its node cordoned) runs elsewhere; the run says so and measures from the runner', async () => {
    const clock = new VirtualClock();
    bed = await startTestBed({ clock, o1: TWO_ZONES });
    const node = bed.c1.get('v1', 'Node', undefined, 'c1-node-b') as KubeObject;
    bed.c1.put({ ...node, spec: { unschedulable: true } });
    const r = await runK6(bed, clock);
    expect(r.code, r.stderr).toBe(0);
    expect([...bed.k6.placements.values()]).toEqual(['c1-node-a']);
    expect(r.stderr).toMatch(/k6 runner meshbench-k6-\S+ runs on c1-node-a in us-east1\/us-east1-b\/?, not with the client sleep-\S+ \(us-east1\/us-east1-c\/?\): the preferred affinity was not met; locality shares and the predicted split use the runner's locality/);
    expect(r.result.events.find((e) => e.name === 'placement')?.action).toMatch(/^load sent from meshbench-k6-\S+ on c1-node-a \(us-east1\/us-east1-b\/?\); the client sleep-\S+ runs on c1-node-b \(us-east1\/us-east1-c\/?\)$/);
    // The runner shares helloworld-v1's zone: its v1 answers are local.
    const sum = r.result.summary;
    expect(sum.locality?.sameLocality).toBeCloseTo(sum.distribution['v1']?.share ?? -1, 6);
    expect(sum.locality?.sameLocality).toBeGreaterThan(0.3);
  });
});
