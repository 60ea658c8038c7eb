/**
 * Lossless k6 samples (issue 13, item 4): k6's points are its pod log, and one `logs -f` does not
 * survive a long run — the kubelet rotates the log at containerLogMaxSize and the follow stops
 * there (kubernetes#115701, #126564), and a follow can close early. The emulator keeps the log as
 * the kubelet does (receive times, a current file rotated past a size, only the current file
 * served, `sinceTime`), and meshbench reopens the follow from the last line's second and drops the
 * repeated lines by their exact stamp and text: the result is complete (received == sent) where it
 * used to be marked incomplete. Where the lines were rotated away before the follow could be
 * reopened, the result stays incomplete.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../support/traffic-clock.js';
import { startTestBed, type TestBed } from '../kube/run/bed.js';
import { runSaved } from '../kube/run/saved-run.js';

const SCENARIO = join(process.cwd(), 'test', 'fixtures', 'kube-run', 'failover-open.yaml');

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

function run(b: TestBed, clock: VirtualClock): ReturnType<typeof runSaved> {
  return runSaved(b, clock, SCENARIO, ['--load', 'k6']);
}

async function setup(): Promise<{ b: TestBed; clock: VirtualClock }> {
  const clock = new VirtualClock();
  bed = await startTestBed({ clock });
  return { b: bed, clock };
}

/** The k6 runner's log rotations (its only runner). */
function rotations(b: TestBed): number {
  const [ns, pod] = (b.k6.runners[0] as string).split('/') as [string, string];
  return b.c1.logs.rotations(ns, pod, 'k6');
}

describe('k6 samples survive cut log streams', () => {
  it('a follow closed early (every 1,500 lines): reopened from its last second, nothing lost or counted twice', async () => {
    const { b, clock } = await setup();
    b.c1.logs.cutFollowsAfter = 1500;
    const r = await run(b, clock);
    expect(r.code, r.stderr).toBe(0);
    expect(r.result.target.kind === 'kube' && r.result.target.samples).toEqual({ received: 600, sent: 600 });
    expect(r.result.summary.requests).toBe(600);
    expect(r.result.summary.failover?.recoveryMs?.p50).toBe(300);
    expect(r.stderr).toMatch(/its log stream ended [1-9]\d* time\(s\) before k6's summary .*reopened from the last line read/);
  });

  it('the kubelet rotates the log mid-run and the follow stops there: the rest is read from the new file', async () => {
    const { b, clock } = await setup();
    // Two thirds of the run's log (~0.9 MB): one rotation, after which only the new file is served.
    b.c1.logs.rotateAtBytes = 600_000;
    const r = await run(b, clock);
    expect(rotations(b)).toBe(1);
    expect(r.code, r.stderr).toBe(0);
    expect(r.result.target.kind === 'kube' && r.result.target.samples).toEqual({ received: 600, sent: 600 });
    expect(r.result.summary.failover?.recoveryMs?.p50).toBe(300);
  });

  it('lines rotated away before the follow could be reopened: the result stays incomplete, with no verdict', async () => {
    const { b, clock } = await setup();
    // A rotation every few requests: between the cut and the reopening the file turns over many times.
    b.c1.logs.rotateAtBytes = 8_000;
    const r = await run(b, clock);
    expect(rotations(b)).toBeGreaterThan(10);
    expect(r.code, r.stderr).toBe(10);
    const samples = r.result.target.kind === 'kube' ? r.result.target.samples : undefined;
    expect(samples?.incomplete).toMatch(/k6 \(\S+\): (made 600 requests, \d+ arrived \(lines rotated away before the log could be reopened\)|its log ended before k6's summary)/);
    expect(samples?.received).toBeLessThan(600);
    expect(r.result.summary.failover).toBeUndefined();
    expect(r.result.thresholds.every((t) => !t.ok && /^incomplete samples: /.test(t.note ?? ''))).toBe(true);
    expect(r.stdout).toContain('not judged: samples are missing');
    expect(r.stdout).not.toContain('not recovered');
  });
});
