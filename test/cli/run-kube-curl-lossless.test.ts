/**
 * Lossless curl-loop samples (issue 13, item 4): a curl loop's exec stream cut mid-run (the API
 * server, the kubelet or a proxy drops the WebSocket) used to end the run with exit 4 and lose the
 * rest, although the loop ran on in the pod. Now each loop also appends its lines to a file in the
 * client container; once the cut loop must have ended, meshbench copies the file out with its size
 * and sha256 checked and takes the lines the stream missed (de-duplicated by loop and sequence
 * number). The emulator cuts the stream after a number of bytes (ExecCuts) and keeps the pod's file
 * (curl-loop.ts); a file lost or damaged on every copy leaves the result incomplete, with no verdict.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { VirtualClock } from '../support/traffic-clock.js';
import { startTestBed, type TestBed } from '../kube/run/bed.js';
import { runSaved } from '../kube/run/saved-run.js';

const SCENARIO = join(process.cwd(), 'test', 'fixtures', 'kube-run', 'failover-closed.yaml');
/** About 1.5 s into the 6 s run (one loop, ~90-byte lines at ~400 a second): before the fault at 2 s. */
const CUT_AFTER_BYTES = 60_000;

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

function run(b: TestBed, clock: VirtualClock): ReturnType<typeof runSaved> {
  return runSaved(b, clock, SCENARIO, ['--load', 'curl']);
}

/** A test bed whose curl loop's stream is cut once, after CUT_AFTER_BYTES. */
async function cutBed(): Promise<{ b: TestBed; clock: VirtualClock }> {
  const clock = new VirtualClock();
  bed = await startTestBed({ clock });
  bed.c1.execCuts.inject({ afterBytes: CUT_AFTER_BYTES, match: (argv) => argv[0] === 'timeout' });
  return { b: bed, clock };
}

/** Every file the emulated pods still hold. */
function leftFiles(b: TestBed): string[] {
  return [...b.curl.files.values()].flatMap((m) => [...m.keys()]);
}

describe('curl loop samples survive a cut exec stream', () => {
  it('cut once: the rest is read back from the loop\'s file, nothing lost or counted twice, and the verdict stands', async () => {
    const { b, clock } = await cutBed();
    const r = await run(b, clock);
    expect(b.c1.execCuts.cut).toBe(1);
    expect(r.code, r.stderr).toBe(0);
    const samples = r.result.target.kind === 'kube' ? r.result.target.samples : undefined;
    // The uncut run's figures (run-kube.test.ts): 800 requests before the fault, 300 ms recovery.
    expect(samples).toEqual({ received: r.result.summary.requests, sent: r.result.summary.requests });
    expect(r.result.summary.phases.find((p) => p.name === 'before')).toMatchObject({ requests: 800, errors: 0 });
    expect(r.result.summary.failover?.recoveryMs?.p50).toBe(300);
    expect(r.result.thresholds.every((t) => t.ok)).toBe(true);
    expect(r.stderr).toMatch(/curl loop 0: its exec stream was cut \(the connection closed before the command finished\); [1-9]\d* request\(s\) read back from \/tmp\/meshbench-[0-9a-f]+-0-0\.out in the pod/);
    // The file was copied out with its size and digest checked, then removed.
    const execs = b.c1.requests.filter((q) => q.method === 'UPGRADE').map((q) => new URLSearchParams(q.query).getAll('command'));
    expect(execs.filter((a) => /\.out$/.test(a.at(-1) ?? '')).map((a) => a[0])).toEqual(['timeout', 'wc', 'sha256sum', 'cat', 'rm']);
    expect(leftFiles(b)).toEqual([]);
  });

  it('a copy damaged once is copied again', async () => {
    const { b, clock } = await cutBed();
    let damaged = 0;
    b.curl.damage = (_path, text) => (damaged++ === 0 ? text.slice(0, -10) : text);
    const r = await run(b, clock);
    expect(r.code, r.stderr).toBe(0);
    expect(damaged).toBe(2);
    expect(r.result.target.kind === 'kube' && r.result.target.samples).toEqual({ received: r.result.summary.requests, sent: r.result.summary.requests });
  });

  it('a copy that never matches the pod\'s digest: incomplete, thresholds say why, no verdict', async () => {
    const { b, clock } = await cutBed();
    b.curl.damage = (_path, text) => text.replace('MB1', 'MB1 ');
    const r = await run(b, clock);
    expect(r.code, r.stderr).toBe(10);
    const samples = r.result.target.kind === 'kube' ? r.result.target.samples : undefined;
    expect(samples?.incomplete).toMatch(/curl loop 0 never reported what it sent \(output cut\) \(loop 0: the copy of \/tmp\/meshbench-\S+ did not match the pod's \(\d+ bytes, sha256 [0-9a-f]{12}… received; \d+ bytes, [0-9a-f]{12}… in the pod\) \(tried twice\)\)/);
    expect(r.result.summary.failover).toBeUndefined();
    expect(r.result.thresholds.every((t) => !t.ok && /^incomplete samples: /.test(t.note ?? ''))).toBe(true);
    expect(r.stdout).toContain('not judged: samples are missing');
    expect(leftFiles(b)).toEqual([]);
  });

  it('the file is gone (the pod\'s /tmp emptied): incomplete, with what arrived before the cut', async () => {
    const { b, clock } = await cutBed();
    b.curl.keepFiles = false;
    const r = await run(b, clock);
    expect(r.code, r.stderr).toBe(10);
    const samples = r.result.target.kind === 'kube' ? r.result.target.samples : undefined;
    expect(samples?.incomplete).toMatch(/\(loop 0: \/tmp\/meshbench-\S+ could not be read in the pod: wc: \/tmp\/meshbench-\S+: No such file or directory\)/);
    expect(samples?.received).toBeGreaterThan(0);
    expect(samples?.received).toBeLessThan(CUT_AFTER_BYTES / 50);
    expect(r.result.summary.failover).toBeUndefined();
    expect(r.stdout).not.toContain('not recovered');
  });

  it('cut before the loop\'s first line arrived: the timeline has no start to be placed on, so the run stops (exit 4), changes nothing, and ends the loop', async () => {
    const clock = new VirtualClock();
    bed = await startTestBed({ clock });
    bed.c1.execCuts.inject({ afterBytes: 10, match: (argv) => argv[0] === 'timeout' });
    const r = await runCli(['run', SCENARIO, '--target', 'kube', '--context', 'c1', '--context', 'c2', '--load', 'curl', '--no-color', '--out', mkdtempSync(join(tmpdir(), 'meshbench-run-curl-cut-'))], { env: { KUBECONFIG: bed.kubeconfig }, clock });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/the curl loop 0 in sample\/sleep-\S+: its exec stream was cut \(the connection closed before the command finished\) before its first line arrived/);
    expect(bed.c1.controller.scaleEvents).toEqual([]);
    // The loop ran on in the pod: the stop file ends it, and it removes its file.
    expect(bed.curl.stopFiles.size).toBe(1);
    await clock.sleep(10_000);
    expect(leftFiles(bed)).toEqual([]);
  });
});
