/**
 * Envoy statistics of the client sidecar as result events: the emulated proxy's `/stats` answers
 * from its state (hosts and health flags, the requests it actually carried), and a kube run records
 * ejections, returned hosts, retries and membership changes with the simulator's event names.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Result } from '../../src/model/result.js';
import { emulateEnvoyStats } from '../support/apiserver/envoy-admin.js';
import { runCli } from '../support/cli.js';
import { VirtualClock } from '../support/traffic-clock.js';
import { startTestBed, type TestBed } from '../kube/run/bed.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'kube-run');
let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

it('a kube run records ejected / unejected / retries / eds-update events from the client proxy stats', async () => {
  const clock = new VirtualClock();
  const b = await startTestBed({ clock });
  bed = b;
  emulateEnvoyStats(b.c1, b.traffic);
  // Outlier detection ejects helloworld-v1 in cluster1 1 s into the load and returns it 2 s later.
  const v1 = b.c1.list('v1', 'Pod', 'sample', 'app=helloworld,version=v1')[0];
  const host = `${(v1?.['status'] as { podIP: string }).podIP}:5000`;
  let loadStart: number | undefined;
  clock.onAdvance(() => {
    if (loadStart === undefined && b.curl.started.length > 0) loadStart = clock.now();
    if (loadStart === undefined) return;
    const t = clock.now() - loadStart;
    if (t >= 1000 && t < 3000) b.c1.hostHealth.set(host, 'failed_outlier_check');
    else b.c1.hostHealth.delete(host);
  });
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-run-stats-'));
  const out = join(dir, 'results');
  const r = await runCli(['run', join(FIXTURES, 'failover-closed.yaml'), '--target', 'kube', '--context', 'c1', '--context', 'c2', '--load', 'curl', '--out', out, '--journal', join(dir, 'j.jsonl'), '--no-color'], {
    env: { KUBECONFIG: b.kubeconfig },
    clock,
  });
  expect(r.code, r.stderr).toBe(0);
  const file = readdirSync(out).find((f) => f.endsWith('.json')) as string;
  const result = JSON.parse(readFileSync(join(out, file), 'utf8')) as Result;
  const names = result.events.map((e) => e.name);
  // Timeline and proxy-watch events are still there, in time order with the observations.
  expect(names.filter((n) => ['fault', 'fault:proxy', 'restore', 'restore:proxy'].includes(n))).toEqual(['fault', 'fault:proxy', 'restore', 'restore:proxy']);
  expect(result.events.map((e) => e.atMs)).toEqual([...result.events.map((e) => e.atMs)].sort((a, b) => a - b));
  const ejected = result.events.find((e) => e.name === 'ejected');
  expect(ejected?.action).toMatch(/client proxy sleep-\S+: outlier detection ejected 1 host \(consecutive_5xx \+1\); 1 ejected now/);
  // Read every 2 s and around actions: ejected at 1 s is seen at the 2 s reading (before the fault), returned at 4 s.
  expect(ejected?.atMs).toBeGreaterThanOrEqual(1000);
  expect(ejected?.atMs).toBeLessThanOrEqual(2100);
  const unejected = result.events.find((e) => e.name === 'unejected');
  expect(unejected?.atMs).toBeGreaterThan(ejected?.atMs ?? Infinity);
  expect(unejected?.action).toMatch(/outlier detection returned 1 host; 0 ejected now/);
  // The fault removes cluster1's v1 endpoint (seen by the proxy 300 ms later): at the next reading only
  // cluster2's gateway is left, at priority 1 (locality failover); the restore brings v1 back.
  const eds = result.events.filter((e) => e.name === 'eds-update');
  expect(eds.some((e) => e.atMs > 2300 && /→ 1\/1 healthy hosts \(priority 1: 1\/1\)$/.test(e.action)), JSON.stringify(eds)).toBe(true);
  expect(eds.some((e) => e.atMs > 4300 && /→ 2\/2 healthy hosts \(priority 0: 1\/1, priority 1: 1\/1\)$/.test(e.action)), JSON.stringify(eds)).toBe(true);
  // Requests to the gone pod failed to connect during the failover.
  expect(result.events.some((e) => e.name === 'retries' && /connect failure/.test(e.action))).toBe(true);
  // The measures still see the timeline only.
  expect(result.summary.failover?.recoveryMs?.p50).toBe(300);

  const report = await runCli(['report', join(out, file), '--no-color'], {});
  expect(report.stdout).toMatch(/Events\n[\s\S]*ejected[\s\S]*outlier detection ejected 1 host/);

  // The same scenario on the simulator, compared with the kube run: events lined up by type and time.
  const simOut = join(dir, 'sim');
  const sim = await runCli(['run', join(FIXTURES, 'failover-closed.yaml'), '--seed', '1', '--out', simOut, '--no-color'], {});
  // The simulated run completes and is saved; whether its 2 s window meets the fixture's thresholds
  // (exit 10) depends on the drawn control-plane delays and is not what this test is about.
  expect([0, 10], sim.stderr).toContain(sim.code);
  const simFile = readdirSync(simOut).find((f) => f.endsWith('.json')) as string;
  const cmp = await runCli(['compare', join(simOut, simFile), join(out, file), '--no-color', '--width', '120'], {});
  expect(cmp.code, cmp.stderr).toBe(0);
  const section = cmp.stdout.slice(cmp.stdout.indexOf('Events by type and time'));
  expect(section, cmp.stdout).toMatch(/^Events by type and time/);
  const row = (name: string) => section.split('\n').find((l) => new RegExp(`^  ${name} `).test(l)) ?? '';
  expect(row('fault')).toMatch(/fault\s+2\.00\s?s\s+2\.00\s?s/);
  expect(row('restore')).toMatch(/restore\s+4\.00\s?s\s+4\.00\s?s/);
  // EDS updates on both sides: the simulator's when its proxy got the push, the kube run's at the readings.
  expect(row('eds-update')).toMatch(/eds-update\s+\S.*\s+4\.00\s?s, 6\.05\s?s/);
  expect(row('ejected')).toMatch(/ejected\s+(-|\S.*)\s+2\.00\s?s/);
  expect(row('fault:proxy')).toMatch(/-\s+2\.40\s?s/);
}, 90_000);
