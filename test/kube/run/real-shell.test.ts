/**
 * The driver against a real shell in the client pod (test/support/apiserver/real-shell.ts): Debian's
 * busybox and curl, exec'd over the emulator's WebSocket channel, curl reaching helloworld through
 * a loopback "sidecar" that answers from the emulated clusters. Real time, bounded: loops of about a
 * second, every process killed at the emulator's close.
 *
 * Issue 13 "What fails today" 1: busybox's `date +%s%N` prints a literal `%N` (no
 * FEATURE_DATE_NANO, as Alpine's in curlimages/curl), so the seed's clock sync stopped every run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { realClock } from '../../../src/cli/real-clock.js';
import type { ClusterGateway } from '../../../src/kube/gateway.js';
import { parseEpochNs, syncClock } from '../../../src/kube/run/clock-sync.js';
import { startCurlLoad, type CurlLoadOptions } from '../../../src/kube/run/curl-load.js';
import type { LoadHandle } from '../../../src/kube/run/load.js';
import { POD_CLOCKS, chooseClock, detectPodClocks, type PodClock } from '../../../src/kube/run/pod-clock.js';
import type { Sample } from '../../../src/model/sample.js';
import { installRealShell, type RealShell } from '../../support/apiserver/real-shell.js';
import { TOOLS, describeWithTool, findTool } from '../../support/system-tool.js';
import { realTrafficClock } from '../../support/traffic-clock.js';
import { connect } from '../helpers.js';
import { startTestBed, type TestBed } from './bed.js';

const GNU_DATE = '/usr/bin/date';

/** curl ≥ 8.16 has `%time{}` (curl docs/cmdline-opts/write-out.md: "Added in 8.16.0"). */
function curlHasTime(curl: string): boolean {
  const v = /^curl (\d+)\.(\d+)/.exec(execFileSync(curl, ['--version'], { encoding: 'utf8' }))?.slice(1).map(Number) ?? [0, 0];
  return (v[0] as number) > 8 || (v[0] === 8 && (v[1] as number) >= 16);
}

async function waitFor(load: LoadHandle, maxMs: number): Promise<void> {
  const until = performance.now() + maxMs;
  while (!load.finished()) {
    await load.poll();
    if (performance.now() > until) throw new Error(`load not finished within ${maxMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeWithTool(TOOLS.busybox, 'kube run against a real busybox shell and curl in the client pod', (busybox) => {
  const curl = findTool(TOOLS.curl);
  let bed: TestBed;
  let shell: RealShell;
  let gw: ClusterGateway;
  let target: { gateway: ClusterGateway; namespace: string; pod: string; container: string };
  const traffic = realTrafficClock();

  beforeAll(async () => {
    if (curl === undefined) throw new Error('curl not found (apt-get install curl)');
    bed = await startTestBed({ clock: traffic, traffic: { latencyMs: { local: 2, remote: 20, error: 1 } } });
    shell = await installRealShell(bed.c1, { busybox, curl, traffic: bed.traffic, maxRunMs: 20_000 });
    gw = connect(bed.kubeconfig, ['c1']).clusters[0]!.gateway;
    const pod = bed.c1.list('v1', 'Pod', 'sample', 'app=sleep')[0]!;
    target = { gateway: gw, namespace: 'sample', pod: pod.metadata.name, container: 'sleep' };
  });
  /** The curl loop in the sleep pod against helloworld (5 s curl timeout, no think time). */
  const startLoop = (o: Pick<CurlLoadOptions, 'durationMs' | 'concurrency' | 'runId' | 'clock' | 'onSample'> & Partial<Pick<CurlLoadOptions, 'requestTimeoutMs'>>): LoadHandle =>
    startCurlLoad({ gateway: gw, namespace: 'sample', pod: target.pod, container: 'sleep', url: 'http://helloworld.sample:5000/hello', requestTimeoutMs: 5000, thinkTimeMs: 0, driverClock: realClock, ...o });
  afterAll(async () => {
    traffic.stop();
    await bed?.close();
    // The pod's /tmp is this machine's: remove the stop file the test made.
    rmSync(`/tmp/meshbench-stop-realshell-${process.pid}-1`, { force: true });
    // The stopped loop removes its own file when it ends; should it not have ended yet, this does.
    rmSync(`/tmp/meshbench-realshell-${process.pid}-1-0.out`, { force: true });
  });

  it('busybox date +%s%N prints a literal %N: what the seed read as its clock, and could not parse', async () => {
    const r = await gw.exec({ ...target, argv: ['date', '+%s%N'], timeoutMs: 10_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d{10}%N$/);
    expect(parseEpochNs(r.stdout)).toBeUndefined();
  });

  it('finds the clocks the pod really has, picks the best, and syncs within a few ms', async () => {
    const caps = await detectPodClocks(target);
    expect(caps.has('date-ns')).toBe(false);
    expect(caps.has('uptime')).toBe(true);
    expect(caps.has('date-s')).toBe(true);
    expect(caps.has('curl-time')).toBe(curlHasTime(curl as string));
    const forCurl = chooseClock(caps, false) as PodClock;
    expect(forCurl.kind).toBe(caps.has('curl-time') ? 'curl-time' : 'uptime');
    // k6's point times are epoch time: /proc/uptime cannot align them.
    expect(chooseClock(caps, true)?.kind).toBe(caps.has('curl-time') ? 'curl-time' : 'date-s');
    const sync = await syncClock(target, realClock, forCurl, 3);
    expect(sync.clock).toBe(forCurl);
    expect(sync.uncertaintyMs).toBeGreaterThanOrEqual(forCurl.resolutionMs / 2);
    expect(sync.uncertaintyMs).toBeLessThan(forCurl.resolutionMs / 2 + 250);
  });

  it('a real curl loop: every request answered by the emulated pods, stamped by the pod, counted sent and received', async () => {
    const caps = await detectPodClocks(target);
    const clock = chooseClock(caps, false) as PodClock;
    const samples: Sample[] = [];
    const before = [...shell.answered.values()].reduce((a, b) => a + b, 0);
    const load = startLoop({ durationMs: 800, concurrency: 2, runId: `realshell-${process.pid}-0`, clock, onSample: (s) => samples.push({ ...s }) });
    await waitFor(load, 15_000);
    const acc = load.accounting();
    expect(acc.missing).toBeUndefined();
    expect(acc.sent).toBe(samples.length);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    const answered = [...shell.answered.values()].reduce((a, b) => a + b, 0) - before;
    expect(answered).toBe(samples.length);
    // The seed's rule (outlier detection): local v1 answers, from the pod the emulator runs.
    const v1 = bed.c1.list('v1', 'Pod', 'sample', 'app=helloworld,version=v1').map((p) => p.metadata.name);
    expect(samples.filter((s) => !(s.status === 200 && s.version === 'v1' && v1.includes(s.instance ?? '')))).toEqual([]);
    // Stamps from the pod's clock: within the run (plus a resolution step, and 1 s for real
    // processes on a busy machine: a fork can wait that long on 2 loaded cores), ordered per loop.
    const stepUs = clock.resolutionMs * 1000;
    const outside = samples.filter((s) => !(s.startUs >= -stepUs && s.startUs < 800_000 + 2 * stepUs + 1_000_000 && s.endUs >= s.startUs));
    expect(outside).toEqual([]);
    expect(load.notes()).toEqual([]);
    // The loops' files in the pod (its /tmp is this machine's) were removed once the streams were read.
    expect([0, 1].some((l) => existsSync(`/tmp/meshbench-realshell-${process.pid}-0-${l}.out`))).toBe(false);
  });

  it('a cut exec stream: the loop runs on in the pod, and its real file is read back, checked by busybox wc and sha256sum', async () => {
    const clock = chooseClock(await detectPodClocks(target), false) as PodClock;
    const samples: Sample[] = [];
    const before = [...shell.answered.values()].reduce((a, b) => a + b, 0);
    // MB0 and about one MB1 line get through, then the connection drops; the process runs on.
    bed.c1.execCuts.inject({ afterBytes: 150, match: (argv) => argv[0] === 'timeout' });
    const runId = `realshell-${process.pid}-2`;
    // A 1 s curl timeout: the file is read 0.8 + 1 + 2 s after the start.
    const load = startLoop({ durationMs: 800, requestTimeoutMs: 1000, concurrency: 1, runId, clock, onSample: (s) => samples.push({ ...s }) });
    await waitFor(load, 15_000);
    expect(bed.c1.execCuts.cut).toBe(1);
    const acc = load.accounting();
    expect(acc.missing, load.notes().join('\n')).toBeUndefined();
    expect(acc.sent).toBe(samples.length);
    // Every request the sidecar answered counted once: the lines the stream delivered are not taken twice.
    expect([...shell.answered.values()].reduce((a, b) => a + b, 0) - before).toBe(samples.length);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(load.notes().join('\n')).toMatch(/curl loop 0: its exec stream was cut \(the connection closed before the command finished\); [1-9]\d* request\(s\) read back from \/tmp\/meshbench-realshell-\d+-2-0\.out in the pod/);
    const file = `/tmp/meshbench-${runId}-0.out`;
    expect(shell.started.filter((a) => a.at(-1) === file).map((a) => a[0])).toEqual(['timeout', 'wc', 'sha256sum', 'cat', 'rm']);
    expect(existsSync(file)).toBe(false);
  });

  it('the stop file ends a long loop after its current request, and it still reports what it sent', async () => {
    const clock = chooseClock(await detectPodClocks(target), false) as PodClock;
    let n = 0;
    const load = startLoop({ durationMs: 30_000, concurrency: 1, runId: `realshell-${process.pid}-1`, clock, onSample: () => void n++ });
    const until = performance.now() + 10_000;
    while (n === 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(n, JSON.stringify({ notes: load.notes(), accounting: load.accounting() })).toBeGreaterThan(0);
    const t0 = performance.now();
    // stop(): touch the stop file (a real exec), then close the sockets; the loop ends by itself.
    await load.stop();
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(shell.started.some((a) => a[0] === 'touch' && a[1] === `/tmp/meshbench-stop-realshell-${process.pid}-1`)).toBe(true);
  });

  it.runIf(existsSync(GNU_DATE))('an image with GNU date offers nanoseconds', async () => {
    const bed2 = await startTestBed({ clock: traffic });
    try {
      await installRealShell(bed2.c1, { busybox, curl: curl as string, traffic: bed2.traffic, date: GNU_DATE, maxRunMs: 10_000 });
      const gw2 = connect(bed2.kubeconfig, ['c1']).clusters[0]!.gateway;
      const pod = bed2.c1.list('v1', 'Pod', 'sample', 'app=sleep')[0]!;
      const t = { gateway: gw2, namespace: 'sample', pod: pod.metadata.name, container: 'sleep' };
      const caps = await detectPodClocks(t);
      expect(caps.has('date-ns')).toBe(true);
      const sync = await syncClock(t, realClock, POD_CLOCKS['date-ns'], 2);
      // The pod's clock is this machine's: the offset is the distance from the monotonic origin.
      expect(Math.abs(sync.offsetMs - performance.timeOrigin)).toBeLessThan(sync.uncertaintyMs + 50);
    } finally {
      await bed2.close();
    }
  });
});
