/**
 * `meshbench restore`: after a kill -9 in the middle of a fault (the CLI as a child process on the
 * real clock, killed once its journal holds the scale to 0), replaying the journal brings the
 * replicas back and removes it; replaying is idempotent; DestinationRules are put back as they were;
 * a record it cannot read keeps the journal (exit 4) after everything else was restored.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { realTrafficClock, VirtualClock } from '../support/traffic-clock.js';
import { setReplicas, startTestBed, type TestBed } from '../kube/run/bed.js';
import { recordOutputs } from '../kube/run/outputs.js';

let bed: TestBed | undefined;
let stopClock: (() => void) | undefined;
afterEach(async () => {
  stopClock?.();
  await bed?.close();
  bed = undefined;
});

const journalIn = () => join(mkdtempSync(join(tmpdir(), 'meshbench-restore-')), 'journal.jsonl');
const line = (o: object) => `${JSON.stringify(o)}\n`;

/** Resolves with `value()` once it is defined, polling every 20 ms; rejects after `ms`. */
async function waitFor<T>(what: string, ms: number, value: () => T | undefined): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = value();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('meshbench restore', () => {
  it('after kill -9 in the middle of the fault, restore brings the replicas back and clears the journal', async () => {
    const clock = realTrafficClock();
    stopClock = clock.stop;
    bed = await startTestBed({ clock });
    const b = bed;
    const journal = journalIn();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', 'run', 'test/fixtures/kube-run/failover-long.yaml', '--target', 'kube', '--context', 'c1', '--context', 'c2', '--load', 'curl', '--journal', journal, '--out', join(journal, '..', 'results')],
      { cwd: process.cwd(), env: { ...process.env, KUBECONFIG: b.kubeconfig, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code)));
    try {
      // The scale to 0 reaches the API server only after its record is on disk. (The wait covers
      // tsx compiling the CLI and the pod clock probes on a busy 2-core machine: about 15 s.)
      await waitFor('the scale to 0', 30_000, () => {
        if (child.exitCode !== null) throw new Error(`the CLI exited early (${child.exitCode}):\n${output}`);
        return b.c1.controller.scaleEvents.find((e) => e.to === 0);
      });
      const written = readFileSync(journal, 'utf8');
      expect(written).toContain('"op":"scale","v":1,"context":"c1","cluster":"cluster1","namespace":"sample","name":"helloworld-v1","from":1,"to":0');
      child.kill('SIGKILL');
      expect(await exited).toBe(-9);
      recordOutputs(b, [output, written]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    expect(b.v1Replicas()).toBe(0);
    const r = await runCli(['restore', '--journal', journal], { env: { KUBECONFIG: b.kubeconfig } });
    recordOutputs(b, [r.stdout, r.stderr]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('restored scale cluster1 (context c1) sample/helloworld-v1 back to 1');
    expect(r.stdout).toContain(`journal ${journal} removed`);
    expect(b.v1Replicas()).toBe(1);
    expect(existsSync(journal)).toBe(false);
    const again = await runCli(['restore', '--journal', journal], { env: { KUBECONFIG: b.kubeconfig } });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`nothing to restore: no journal at ${journal}\n`);
  }, 45_000);

  it('replays scale and DestinationRule records idempotently, whatever the run had already undone', async () => {
    bed = await startTestBed({ clock: new VirtualClock() });
    const b = bed;
    const dr = b.c1.get('networking.istio.io/v1', 'DestinationRule', 'sample', 'helloworld');
    const previous = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'helloworld', namespace: 'sample' }, spec: dr?.['spec'] };
    // The run had replaced the rule's spec, created another one, scaled the gateway down and v1 twice.
    b.c1.put({ ...previous, spec: { host: 'helloworld.sample.svc.cluster.local' } });
    b.c1.put({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'extra', namespace: 'sample' }, spec: { host: 'helloworld' } });
    setReplicas(b.c1, 'istio-system', 'istio-eastwestgateway', 0);
    const journal = journalIn();
    const ref = (name: string) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', name, namespace: 'sample' });
    writeFileSync(
      journal,
      line({ op: 'run', v: 1, runId: 'abc123', scenario: 'x', contexts: ['c1', 'c2'], startedAt: '2026-11-23T21:45:00.000Z' }) +
        line({ op: 'object', v: 1, context: 'c1', cluster: 'cluster1', change: 'apply', ref: ref('helloworld'), previous }) +
        line({ op: 'object', v: 1, context: 'c1', cluster: 'cluster1', change: 'create', ref: ref('extra'), previous: null }) +
        line({ op: 'scale', v: 1, context: 'c1', cluster: 'cluster1', namespace: 'istio-system', name: 'istio-eastwestgateway', from: 1, to: 0 }) +
        line({ op: 'scale', v: 1, context: 'c1', cluster: 'cluster1', namespace: 'sample', name: 'helloworld-v1', from: 1, to: 0 }) +
        line({ op: 'scale', v: 1, context: 'c1', cluster: 'cluster1', namespace: 'sample', name: 'helloworld-v1', from: 0, to: 1 }) +
        line({ op: 'deletePods', v: 1, context: 'c1', cluster: 'cluster1', namespace: 'sample', deployment: 'helloworld-v1', pods: ['helloworld-v1-x'] }) +
        '{"op":"scale","v":1,"context":"c1","clu', // cut by kill -9 while it was written: its change never happened
    );
    const r = await runCli(['restore', '--journal', journal], { env: { KUBECONFIG: b.kubeconfig } });
    recordOutputs(b, [r.stdout, r.stderr]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('restored'))).toEqual([
      'restored scale cluster1 (context c1) sample/helloworld-v1 back to 1',
      'restored scale cluster1 (context c1) istio-system/istio-eastwestgateway back to 1',
      'restored delete DestinationRule sample/extra in cluster1 (context c1)',
      'restored re-apply DestinationRule sample/helloworld in cluster1 (context c1) as it was',
    ]);
    expect(r.stdout).toContain('noted delete pod(s) helloworld-v1-x of sample/helloworld-v1 in cluster1 (context c1) (their ReplicaSet replaced them)');
    expect(b.c1.get('networking.istio.io/v1', 'DestinationRule', 'sample', 'helloworld')?.['spec']).toEqual(dr?.['spec']);
    expect(b.c1.get('networking.istio.io/v1', 'DestinationRule', 'sample', 'extra')).toBeUndefined();
    expect((b.c1.get('apps/v1', 'Deployment', 'istio-system', 'istio-eastwestgateway')?.['spec'] as { replicas: number }).replicas).toBe(1);
    expect(existsSync(journal)).toBe(false);
  });

  it('a record it cannot read: everything else is restored, the journal is kept, exit 4', async () => {
    bed = await startTestBed({ clock: new VirtualClock() });
    const b = bed;
    setReplicas(b.c1, 'sample', 'helloworld-v1', 0);
    const journal = journalIn();
    writeFileSync(
      journal,
      line({ op: 'scale', v: 1, context: 'c1', cluster: 'cluster1', namespace: 'sample', name: 'helloworld-v1', from: 1, to: 0 }) + line({ op: 'teleport', v: 2, context: 'c1' }) + line({ op: 'scale', v: 1, context: 'c1' }),
    );
    const r = await runCli(['restore', '--journal', journal], { env: { KUBECONFIG: b.kubeconfig } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('holds records this version of meshbench cannot read; everything it could read was restored');
    expect(r.stderr).toContain('record 2 is not a meshbench v1 journal record: {"op":"teleport"');
    expect(r.stderr).toContain('record 3 is not a meshbench v1 journal record');
    expect(b.v1Replicas()).toBe(1);
    expect(existsSync(journal)).toBe(true);
  });

  it('without a journal there is nothing to do (exit 0), and no cluster is contacted', async () => {
    const journal = journalIn();
    const r = await runCli(['restore', '--journal', journal], { env: { KUBECONFIG: '/nonexistent/kubeconfig' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`nothing to restore: no journal at ${journal}\n`);
  });
});
