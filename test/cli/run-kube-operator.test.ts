/**
 * `run --target kube --parallelism N` through the k6-operator stand-in (issue 13 item 2): a
 * failing initializer stops the run at once with the initializer's own output (the seed waited
 * 300 s and said "produced no output"), everything restored; more runners than the load's VUs is
 * refused before any connection, as the operator would refuse it after its initializer.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { VirtualClock } from '../support/traffic-clock.js';
import { startTestBed, type TestBed } from '../kube/run/bed.js';
import { recordOutputs } from '../kube/run/outputs.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'kube-run');

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function runKube(scenario: string, extra: string[]): Promise<{ code: number; stdout: string; stderr: string; journal: string; b: TestBed }> {
  const clock = new VirtualClock();
  bed = await startTestBed({ clock });
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-operator-'));
  const journal = join(dir, 'journal.jsonl');
  const r = await runCli(['run', join(FIXTURES, scenario), '--target', 'kube', '--context', 'c1', '--context', 'c2', '--out', join(dir, 'results'), '--journal', journal, '--no-color', ...extra], { env: { KUBECONFIG: bed.kubeconfig }, clock });
  recordOutputs(bed, [r.stdout, r.stderr]);
  return { ...r, journal, b: bed };
}

describe('run --target kube --parallelism: the k6-operator path', () => {
  it('an initializer that fails stops the run with its output (exit 4), and everything is restored', async () => {
    const r = await runKube('spread-open.yaml', ['--load', 'k6', '--parallelism', '2', '--k6-image', 'docker.io/library/busybox:1.36']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain("the k6-operator's initializer for the TestRun sample/meshbench-k6-00002a-0 failed");
    expect(r.stderr).toContain('k6 executable not found in PATH; initializer image must contain k6');
    expect(r.b.c1.list('k6.io/v1alpha1', 'TestRun', 'sample')).toEqual([]);
    expect(r.b.c1.get('v1', 'ConfigMap', 'sample', 'meshbench-k6-00002a-0')).toBeUndefined();
    expect(existsSync(r.journal)).toBe(false);
  });

  it('more runners than the load has VUs is refused before any connection (exit 2)', async () => {
    const r = await runKube('failover-closed.yaml', ['--load', 'k6', '--parallelism', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--parallelism 2: failover-short\'s load has at most 1 VU(s), and the k6-operator refuses more runners than VUs');
    expect(r.b.c1.requests).toEqual([]);
  });
});
