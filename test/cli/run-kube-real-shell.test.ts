/**
 * `meshbench run --target kube --load curl` end to end with a real busybox shell and curl in the
 * client pod (test/support/apiserver/real-shell.ts), on the real clock: the run that stopped at the
 * clock sync before (issue 13, "What fails today" 1 — busybox `date +%s%N` prints `%N`) now picks
 * the pod's best clock, says what precision it gives, and measures the failover from the pod's own
 * stamps. Bounded: a 2.5 s scenario; processes are killed at the emulator's close.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { realClock } from '../../src/cli/real-clock.js';
import type { Result } from '../../src/model/result.js';
import { installRealShell } from '../support/apiserver/real-shell.js';
import { runCli } from '../support/cli.js';
import { TOOLS, describeWithTool, findTool } from '../support/system-tool.js';
import { realTrafficClock } from '../support/traffic-clock.js';
import { startTestBed, type TestBed } from '../kube/run/bed.js';

describeWithTool(TOOLS.busybox, 'meshbench run --target kube --load curl with a real shell in the client pod', (busybox) => {
  const traffic = realTrafficClock();
  let bed: TestBed | undefined;
  afterAll(async () => {
    traffic.stop();
    await bed?.close();
  });

  it('runs past the clock sync on busybox, states the precision, and measures the failover', async () => {
    const curl = findTool(TOOLS.curl);
    if (curl === undefined) throw new Error('curl not found (apt-get install curl)');
    bed = await startTestBed({ clock: traffic, traffic: { propagationMs: 100 } });
    await installRealShell(bed.c1, { busybox, curl, traffic: bed.traffic, maxRunMs: 30_000 });
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-real-shell-'));
    const out = join(dir, 'results');
    const r = await runCli(
      ['run', join(process.cwd(), 'test', 'fixtures', 'kube-run', 'failover-real.yaml'), '--target', 'kube', '--context', 'c1', '--context', 'c2', '--load', 'curl', '--out', out, '--journal', join(dir, 'j.jsonl'), '--no-color'],
      { env: { KUBECONFIG: bed.kubeconfig }, clock: realClock },
    );
    expect(r.code, r.stderr).toBe(0);
    const files = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.json')) : [];
    const res = JSON.parse(readFileSync(join(out, files[0] as string), 'utf8')) as Result;
    if (res.target.kind !== 'kube') throw new Error('not a kube result');
    const viaCurl = res.target.precision?.timestampsMs === 0.001;
    // Debian's curl 7.88 has no %time{} and busybox's date no %N: /proc/uptime's 10 ms, said aloud.
    if (!viaCurl) {
      expect(res.target.precision?.timestampsMs).toBe(10);
      expect(r.stderr).toMatch(/neither curl ≥ 8\.16 \(%time\{\}\) nor a date with %N; request times come from \/proc\/uptime \(10 ms\): precision 10 ms/);
    }
    expect(res.target.samples).toEqual({ received: res.summary.requests, sent: res.summary.requests });
    // Real processes on a shared machine: a curl start takes 5–150 ms, so counts are loose; what
    // matters is that every answer came from the emulated pods and was stamped by the pod.
    expect(res.summary.requests).toBeGreaterThanOrEqual(3);
    expect(res.summary.distribution['v1']?.count).toBeGreaterThan(0);
    expect(res.summary.phases.find((p) => p.name === 'before')?.distribution['v1']?.count).toBeGreaterThan(0);
    expect(res.events.map((e) => e.name)).toEqual(expect.arrayContaining(['fault', 'restore']));
    expect(bed.c1.get('apps/v1', 'Deployment', 'sample', 'helloworld-v1')?.['spec']).toMatchObject({ replicas: 1 });
  });
});
