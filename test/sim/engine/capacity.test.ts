import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/model/sample.js';
import { ADMITTED, BACKLOG_FULL, PodServer, ServerSpec, SKIPPED } from '../../../src/sim/engine/pod-server.js';
import { createRng } from '../../../src/sim/rng.js';
import { destinationRule, lightMesh, run, scenario, share, withServer } from '../../support/sim.js';

/** v1 and v2 light apps (the old model) except where a test gives one a server. */
const light = await lightMesh();
/** helloworld-v1 with one worker and a constant 30 ms of CPU per request (≈ 33 req/s). */
const oneWorker = withServer(light, 'cluster1', 'helloworld-v1', { cpuP50Us: 30_000 });
const local = destinationRule(); // keeps traffic on v1 (priority 0) while it is up

const durationMs = (s: Sample) => (s.endUs - s.startUs) / 1000;
const sortedDurations = (xs: readonly Sample[]) => xs.map(durationMs).sort((a, b) => a - b);

describe('app server capacity: FIFO queue, workers, route timeout', () => {
  it('serves one request at a time per worker: below capacity, latency is the CPU time plus the round trip', () => {
    const { samples } = run(oneWorker, scenario({ destinationRule: local, load: { kind: 'open', ratePerS: 10, durationUs: 10_000_000 } }));
    expect(samples.every((s) => s.status === 200 && s.version === 'v1')).toBe(true);
    const d = sortedDurations(samples);
    expect(d[0]).toBeCloseTo(30.2, 1);
    // The first request of each of the two worker threads' pools pays TCP + mTLS handshakes (2 × 0.2 ms).
    expect(d.filter((x) => x > 30.3)).toEqual([30.6, 30.6]);
  });

  it('queues beyond capacity: waiting time grows with the backlog, requests time out at the route timeout and the queue drains', () => {
    // 100 req/s against ≈ 33 req/s for 20 s; route timeout 10 s.
    const { samples } = run(oneWorker, scenario({ destinationRule: local, load: { kind: 'open', ratePerS: 100, durationUs: 20_000_000 } }));
    const ok = samples.filter((s) => s.status === 200);
    const timedOut = samples.filter((s) => s.status === 0);
    expect(timedOut.length).toBeGreaterThan(samples.length / 3);
    for (const s of timedOut) expect(s.endUs - s.startUs).toBe(10_000_000);
    // Served throughput is the server's: one request per 30 ms (the abandoned ones cost nothing).
    const lastOk = Math.max(...ok.map((s) => s.endUs));
    expect(ok.length).toBeGreaterThan(((lastOk - 0) / 30_000) * 0.97);
    expect(ok.length).toBeLessThanOrEqual(Math.ceil(lastOk / 30_000));
    // The queue grows by 100 − 33 requests a second of 30 ms each, so the wait grows ≈ 2 s per
    // second of load: early requests wait little, later ones up to the timeout.
    const early = ok.filter((s) => s.scheduledUs < 200_000).map(durationMs);
    expect(Math.max(...early)).toBeLessThan(600);
    expect(Math.max(...ok.map(durationMs))).toBeGreaterThan(9_000);
  });

  it('two workers serve twice as fast; a CPU limit of one core shares the core between them', () => {
    const two = withServer(light, 'cluster1', 'helloworld-v1', { cpuP50Us: 30_000, workers: 2 });
    const limited = withServer(light, 'cluster1', 'helloworld-v1', { cpuP50Us: 30_000, workers: 2, cpuLimitMillicores: 1000 });
    const load = { kind: 'closed' as const, concurrency: 2, thinkTimeUs: 0, durationUs: 3_000_000 };
    const served = (m: typeof two) => run(m, scenario({ destinationRule: local, load })).samples.filter((s) => s.status === 200).length;
    expect(served(two)).toBeGreaterThan(190); // 2 × 3 s / 30 ms = 200
    expect(served(limited)).toBeGreaterThan(95);
    expect(served(limited)).toBeLessThan(105); // 2 workers on 1 core: 60 ms each
  });

  it('answers 503 when the accept backlog is full', () => {
    const tiny = withServer(light, 'cluster1', 'helloworld-v1', { cpuP50Us: 30_000, backlog: 5 });
    const { samples } = run(tiny, scenario({ destinationRule: local, load: { kind: 'open', ratePerS: 100, durationUs: 5_000_000 } }), { istio: '1.24' });
    const rejected = samples.filter((s) => s.status === 503);
    expect(rejected.length).toBeGreaterThan(samples.length / 2);
    // Nothing waits longer than the backlog ahead of it: 6 requests of 30 ms.
    expect(Math.max(...samples.filter((s) => s.status === 200).map(durationMs))).toBeLessThan(6 * 30 + 1);
  });

  it('LEAST_REQUEST sees the queue: a saturated local pod loses traffic to the idle remote one', () => {
    // No DestinationRule: v1 (local, 1 worker) and the gateway (v2, light) share priority 0.
    const { samples } = run(oneWorker, scenario({ load: { kind: 'open', ratePerS: 100, durationUs: 20_000_000 } }));
    // Light apps (old model): LEAST_REQUEST favours v1, whose requests finish sooner.
    const before = run(light, scenario({ load: { kind: 'open', ratePerS: 100, durationUs: 20_000_000 } })).samples;
    expect(share(before, 'v1')).toBeGreaterThan(0.6);
    // With v1 queueing, its in-flight count is the queue depth: two-choice picks prefer the gateway.
    expect(share(samples, 'v1')).toBeLessThan(0.4);
    expect(samples.every((s) => s.status === 200)).toBe(true);
  });
});

describe('PodServer (FIFO queue with abandonment)', () => {
  it('starts a request when the earliest worker frees, in arrival order; refuses beyond the backlog; skips requests reset before their turn', () => {
    const spec = new ServerSpec({ workers: 1, cpuP50Us: 10, cpuP99Us: 10, cpuLimitMillicores: undefined, backlog: 2, gracefulTimeoutUs: 30_000_000, signalCheckUs: 1_000_000 });
    const server = new PodServer(spec);
    expect(server.admit(0, 100, 1_000)).toBe(ADMITTED);
    expect([server.startUs, server.endUs]).toEqual([0, 100]);
    expect(server.admit(10, 100, 1_000)).toBe(ADMITTED); // waits for the worker
    expect([server.startUs, server.endUs]).toEqual([100, 200]);
    expect(server.admit(20, 100, 150)).toBe(SKIPPED); // its reset arrives at 150, its turn at 200
    expect(server.admit(30, 100, 1_000)).toBe(ADMITTED);
    expect([server.startUs, server.endUs]).toEqual([200, 300]);
    expect(server.admit(40, 100, 1_000)).toBe(BACKLOG_FULL); // two already waiting
    expect(server.idleAt(250)).toBe(false);
    expect(server.idleAt(300)).toBe(true);
    expect(server.admit(150, 100, 1_000)).toBe(ADMITTED); // the first waiting one started at 100
    expect(spec.serviceUs(createRng(1))).toBe(10);
  });
});
