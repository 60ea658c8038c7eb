/**
 * `run --target kube --timeout` (issue 17, "timeouts everywhere on the kube side"): the whole run
 * has a deadline. Past it the load stops, the clusters are restored from the journal, what was
 * measured is saved as an incomplete result (every threshold fails, no failover verdict) and the
 * command exits 4 naming the context and what it waited for — also when the deadline cuts a call
 * to an API server that accepted the connection and never answered. Time is virtual (the driver's
 * Clock drives the emulated pods); the only real wait is the hung call's remaining deadline (≤ 0.5 s).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/model/result.js';
import { runCli } from '../support/cli.js';
import { VirtualClock } from '../support/traffic-clock.js';
import { startTestBed, type TestBed } from '../kube/run/bed.js';
import { recordOutputs } from '../kube/run/outputs.js';

const SCENARIO = join(process.cwd(), 'test', 'fixtures', 'kube-run', 'failover-closed.yaml');

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function run(b: TestBed, clock: VirtualClock, extra: string[]): Promise<{ code: number; stdout: string; stderr: string; result?: Result; journal: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-run-timeout-'));
  const out = join(dir, 'results');
  const journal = join(dir, 'journal.jsonl');
  const r = await runCli(['run', SCENARIO, '--target', 'kube', '--context', 'c1', '--context', 'c2', '--out', out, '--journal', journal, '--no-color', '--load', 'curl', ...extra], {
    env: { KUBECONFIG: b.kubeconfig },
    clock,
  });
  const files = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.json')) : [];
  const texts = [r.stdout, r.stderr, ...files.map((f) => readFileSync(join(out, f), 'utf8'))];
  recordOutputs(b, texts);
  const result = files[0] !== undefined ? (JSON.parse(readFileSync(join(out, files[0]), 'utf8')) as Result) : undefined;
  return { ...r, ...(result !== undefined ? { result } : {}), journal };
}

function expectKeptIncomplete(res: Result | undefined): void {
  expect(res?.target.kind).toBe('kube');
  const samples = res?.target.kind === 'kube' ? res.target.samples : undefined;
  expect(samples?.incomplete).toMatch(/cut by the run's timeout: context 'c1' .*--timeout/);
  expect(samples?.sent).toBeUndefined();
  expect(samples?.received).toBe(res?.summary.requests);
  expect(res?.summary.requests).toBeGreaterThan(0);
  // Partial data gives no failover verdict, and every threshold says why it failed.
  expect(res?.summary.failover).toBeUndefined();
  expect(res?.thresholds.length).toBeGreaterThan(0);
  for (const t of res?.thresholds ?? []) expect(t).toMatchObject({ ok: false, note: expect.stringMatching(/^incomplete samples: cut by the run's timeout/) });
}

describe('run --target kube --timeout', () => {
  it('cuts the run at its deadline: restores, keeps what was measured (incomplete), exit 4 naming the context and the wait', async () => {
    const clock = new VirtualClock();
    const b = (bed = await startTestBed({ clock }));
    const r = await run(b, clock, ['--timeout', '3s']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/context 'c1' \(https:\/\/127\.0\.0\.1:\d+\): --timeout 3 s ran out while waiting for curl loop ×1 in sample\/sleep-\S+ \(\d\.\d s of 6\.0 s, before restore\); every cluster change was undone/);
    expect(r.stderr).toMatch(/saved what was measured before the timeout: .*\.json \(incomplete\)/);
    expect(r.stderr).not.toMatch(/internal error/);
    expectKeptIncomplete(r.result);
    // The fault at 2 s happened, and was undone; the restore action at 4 s never ran.
    expect(r.result?.events.map((e) => e.name)).toEqual(['fault', 'fault:proxy']);
    expect(b.c1.controller.scaleEvents.map((e) => `${e.from}->${e.to}`)).toEqual(['1->0', '0->1']);
    expect(b.v1Replicas()).toBe(1);
    expect(existsSync(r.journal)).toBe(false);
    // The report says why no verdict is given.
    expect(r.stdout).toMatch(/incomplete/i);
  });

  it('cuts a call to a server that accepted the connection and never answers, then restores (exit 4)', async () => {
    const clock = new VirtualClock();
    const b = (bed = await startTestBed({ clock }));
    // Right after the fault's scale, the next exec into the client pod (the proxy statistics) hangs.
    b.c1.controller.events.once('scale', () => b.c1.faults.inject('hang', { times: 1, match: (q) => q.method === 'GET' && q.path.endsWith('/exec') }));
    const t0 = performance.now();
    const r = await run(b, clock, ['--timeout', '2500ms', '--request-timeout', '60s']);
    expect(r.code, r.stderr).toBe(4);
    // The per-request limit (60 s) would have held it: the deadline, 0.5 s after the fault, cut it.
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(b.c1.faults.injected).toBe(1);
    expect(r.stderr).toMatch(/context 'c1' \(https:\/\/127\.0\.0\.1:\d+\): --timeout 2\.5 s ran out while exec "pilot-agent request GET" in sample\/sleep-\S+; every cluster change was undone/);
    expectKeptIncomplete(r.result);
    expect(b.v1Replicas()).toBe(1);
    expect(existsSync(r.journal)).toBe(false);
  });

  it('one --timeout for every scenario of the command: the first is complete, the second cut', async () => {
    const clock = new VirtualClock();
    const b = (bed = await startTestBed({ clock }));
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-run-timeout-'));
    const out = join(dir, 'results');
    const r = await runCli(['run', SCENARIO, SCENARIO, '--target', 'kube', '--context', 'c1', '--context', 'c2', '--out', out, '--journal', join(dir, 'j.jsonl'), '--no-color', '--load', 'curl', '--timeout', '9s'], {
      env: { KUBECONFIG: b.kubeconfig },
      clock,
    });
    expect(r.code, r.stderr).toBe(4);
    const results = readdirSync(out)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as Result)
      .sort((x, y) => x.startedAt.localeCompare(y.startedAt));
    expect(results).toHaveLength(2);
    const first = results[0]?.target.kind === 'kube' ? results[0].target.samples : undefined;
    expect(first?.incomplete).toBeUndefined();
    expect(first?.sent).toBe(results[0]?.summary.requests);
    expectKeptIncomplete(results[1]);
    // The message quotes the limit given, not what was left of it for the second scenario.
    expect(r.stderr).toMatch(/--timeout 9 s ran out while waiting for curl loop ×1 .* \(\d\.\d s of 6\.0 s, before (fault|restore)\)/);
    expect(b.v1Replicas()).toBe(1);
  });

  it('a deadline before the load started keeps nothing: exit 4, nothing left changed', async () => {
    const clock = new VirtualClock();
    const b = (bed = await startTestBed({ clock }));
    // Every pod listing hangs: preflight waits on it until the deadline.
    b.c1.faults.inject('hang', { times: 1000, match: (q) => q.method === 'GET' && q.path.endsWith('/pods') });
    const r = await run(b, clock, ['--timeout', '300ms']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/context 'c1' \(https:\/\/127\.0\.0\.1:\d+\): --timeout 0\.3 s ran out (while|before) listing Pod/);
    expect(r.result).toBeUndefined();
    expect(b.c1.controller.scaleEvents).toEqual([]);
    expect(existsSync(r.journal)).toBe(false);
    b.c1.faults.clear();
  });

  it('is a kube option: refused with --target sim (exit 2)', async () => {
    const r = await runCli(['run', 'failover', '--timeout', '10s'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--timeout applies to --target kube only/);
  });
});
