import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../../src/measure/accumulator.js';
import type { FailoverFigures } from '../../src/measure/types.js';
import type { RunEvent } from '../../src/model/sample.js';
import { feed, openSamples, type Outcome } from './support.js';

const FAULT: RunEvent = { name: 'fault', atMs: 20_000, action: 'scale cluster1/helloworld-v1 to 0' };
const RESTORE: RunEvent = { name: 'restore', atMs: 40_000, action: 'scale cluster1/helloworld-v1 to 1' };

function figures(
  ratePerS: number,
  durationS: number,
  outcome: (sUs: number) => Outcome,
  events: RunEvent[] = [FAULT, RESTORE],
  extra: { faultedVersion?: string } = {},
): FailoverFigures {
  const acc = createAccumulator({
    load: { model: 'open', ratePerS, durationUs: durationS * 1e6 },
    failover: { fault: 'fault', restore: 'restore' },
    ...extra,
  });
  feed((s) => acc.record(s), openSamples(ratePerS, durationS, outcome));
  const m = acc.finish(events);
  expect(m.failover?.figures).toHaveLength(1);
  return m.failover!.figures[0]!;
}

const ok = (version: string): Outcome => ({ status: 200, version });
const fail: Outcome = { status: 503 };

describe('failover figures', () => {
  it('no failure: hitless, recovery 0', () => {
    const f = figures(100, 60, (s) => ok(s < 20e6 || s >= 40.3e6 ? 'v1' : 'v2'));
    expect(f).toMatchObject({ recoveryUs: 0, hitless: true, errorsDuringFailover: 0, faultedVersion: 'v1', resolutionUs: 10_000 });
  });

  it('a burst of failures: recovery = first request of the clean window, errors counted in [fault, restore)', () => {
    // Requests at 10 ms steps; those scheduled in [20.1 s, 20.5 s) fail.
    const f = figures(100, 60, (s) => (s >= 20.1e6 && s < 20.5e6 ? fail : ok(s < 20e6 || s >= 40e6 ? 'v1' : 'v2')));
    expect(f.recoveryUs).toBe(500_000);
    expect(f.errorsDuringFailover).toBe(40);
    expect(f.hitless).toBe(false);
  });

  it('a single failure', () => {
    const f = figures(100, 60, (s) => (s === 20.2e6 ? fail : ok(s < 20e6 ? 'v1' : 'v2')));
    expect(f.recoveryUs).toBe(210_000);
    expect(f.errorsDuringFailover).toBe(1);
  });

  it('a failure inside an otherwise clean stretch restarts the window', () => {
    const f = figures(100, 60, (s) => (s === 20.0e6 || s === 20.9e6 ? fail : ok(s < 20e6 ? 'v1' : 'v2')));
    expect(f.recoveryUs).toBe(910_000);
    expect(f.errorsDuringFailover).toBe(2);
  });

  it('failures continuing to the end: not recovered, not failed back', () => {
    const f = figures(100, 60, (s) => (s >= 20e6 ? fail : ok('v1')));
    expect(f.recoveryUs).toBeNull();
    expect(f.failbackUs).toBeNull();
    expect(f.restored).toBe(true);
    expect(f.errorsDuringFailover).toBe(2000);
  });

  it('failures until the restore: not recovered within the failover window', () => {
    const f = figures(100, 60, (s) => (s >= 20e6 && s < 40e6 ? fail : ok('v1')));
    expect(f.recoveryUs).toBeNull();
    expect(f.failbackUs).toBe(0);
  });

  it('low rate: the window stretches to 20 requests (4 s at 5 req/s)', () => {
    const f = figures(5, 60, (s) => (s === 20e6 ? fail : ok(s < 20e6 ? 'v1' : 'v2')));
    expect(f.recoveryUs).toBe(200_000);
    expect(f.resolutionUs).toBe(200_000);
    // The same run ending 3 s after the fault never observes a full window.
    const short = figures(5, 23, (s) => (s === 20e6 ? fail : ok(s < 20e6 ? 'v1' : 'v2')), [FAULT]);
    expect(short.recoveryUs).toBeNull();
  });

  it('firstFailoverSuccess: completion of the first success served outside the faulted workload', () => {
    // v2 answers from 20.25 s on; latency varies with the request index.
    const f = figures(100, 60, (s) => (s < 20e6 ? ok('v1') : s < 20.25e6 ? fail : ok('v2')));
    // request scheduled at 20.25 s is index 2025 → latency 3000 + (2025 % 7) × 15000 = 48 ms
    expect(f.firstFailoverSuccessUs).toBe(250_000 + 3000 + (2025 % 7) * 15_000);
    expect(f.faultedVersion).toBe('v1');
  });

  it('failback: time from restore until 99% of a window is the restored workload again', () => {
    const f = figures(100, 60, (s) => ok(s < 20e6 || s >= 40.3e6 ? 'v1' : 'v2'));
    // From 40.29 s the 1 s window holds 100 requests of which 99 are v1: exactly 99%.
    expect(f.failbackUs).toBe(290_000);
    // 1 stray v2 response in every 50 keeps the share at 98%: never failed back.
    const never = figures(100, 60, (s) => ok(s < 20e6 || (s >= 40.3e6 && Math.round(s / 10_000) % 50 !== 0) ? 'v1' : 'v2'));
    expect(never.failbackUs).toBeNull();
  });

  it('restore absent: no failback, failover window runs to the end', () => {
    const f = figures(100, 60, (s) => (s >= 20e6 && s < 21e6 ? fail : ok(s < 20e6 ? 'v1' : 'v2')), [FAULT]);
    expect(f.restored).toBe(false);
    expect(f.failbackUs).toBeNull();
    expect(f.recoveryUs).toBe(1_000_000);
    expect(f.errorsDuringFailover).toBe(100);
  });

  it('takes the faulted workload from the caller when given', () => {
    const f = figures(100, 60, (s) => ok(s < 20e6 ? 'v2' : 'v3'), [FAULT, RESTORE], { faultedVersion: 'v1' });
    expect(f.faultedVersion).toBe('v1');
    expect(f.firstFailoverSuccessUs).not.toBeNull();
    expect(f.failbackUs).toBeNull();
  });

  it('fault event missing: no figures, counted', () => {
    const acc = createAccumulator({ load: { model: 'open', ratePerS: 10, durationUs: 10e6 }, failover: { fault: 'fault' } });
    feed((s) => acc.record(s), openSamples(10, 10, () => ok('v1')));
    const m = acc.finish([]);
    expect(m.failover).toMatchObject({ figures: [], missingFault: 1 });
    expect(m.phases.map((p) => p.name)).toEqual(['all']);
  });
});

describe('failover figures: never recovered vs not measured', () => {
  it('failures until the restore: never; clean after the last failure but a window cut by the run end: run-ended', () => {
    const never = figures(100, 60, (s) => (s >= 20e6 && s < 40e6 ? fail : ok('v1')));
    expect(never).toMatchObject({ recoveryUs: null, recovery: 'never' });
    // No restore; failures stop 0.5 s before the end of the run: no full 1 s window can be judged.
    const ended = figures(100, 60, (s) => (s >= 20e6 && s < 59.5e6 ? fail : ok('v1')), [FAULT]);
    expect(ended).toMatchObject({ recoveryUs: null, recovery: 'run-ended' });
    const stillFailing = figures(100, 60, (s) => (s >= 20e6 ? fail : ok('v1')), [FAULT]);
    expect(stillFailing.recovery).toBe('never');
  });
});
