import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/fs/documents.js';
import type { Sample } from '../../../src/model/sample.js';
import { builtinMesh, run, share } from '../../support/sim.js';

/**
 * The built-in scenarios on the built-in mesh, whose helloworld has its real capacity (one gevent
 * worker, ≈ 33 ms of CPU per request): the tutorial's outcomes at the tutorial's load (one request
 * at a time), and what 100 req/s does to one pod.
 */
const mesh = await builtinMesh();
const scenarioNamed = async (name: string) => (await loadScenario(name, process.cwd(), mesh)).scenario;
const between = (xs: readonly Sample[], fromUs: number, toUs: number) => xs.filter((s) => s.scheduledUs >= fromUs && s.scheduledUs < toUs);

describe('built-in scenarios at the tutorial load', () => {
  it('Ex. 5 (distribution, 1 VU): v1 and v2 about 50/50, no errors, v2 slower by the cross-region round trip', async () => {
    const { samples } = run(mesh, await scenarioNamed('distribution'), { istio: '1.31' });
    expect(samples.every((s) => s.status === 200)).toBe(true);
    expect(share(samples, 'v1')).toBeGreaterThan(0.45);
    expect(share(samples, 'v1')).toBeLessThan(0.55);
  });

  it('Ex. 7 (failover, 1 VU): all v1 before, all v2 once the push landed, back to v1 after the restore', async () => {
    const sc = await scenarioNamed('failover');
    for (const seed of [1, 2, 3]) {
      const { samples, out } = run(mesh, sc, { istio: '1.31', seed });
      // Istio 1.31 (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS) pushes the restored pod twice: listed
      // UNHEALTHY while it starts (≈ 40.45 s; v2 keeps the traffic, P0 health 0), then HEALTHY once
      // it is ready (podStartup 2 s later). The failback is that last push, not the first one.
      const eds = out.events.filter((e) => e.name === 'eds-update');
      expect(eds).toHaveLength(3);
      expect(eds[1]!.action).toMatch(/UNHEALTHY/);
      expect(eds[2]!.action).not.toMatch(/UNHEALTHY/);
      const [failoverMs, , failbackMs] = eds.map((e) => e.atMs) as [number, number, number];
      expect(failbackMs).toBeGreaterThan(42_100); // restore + podStartup 2 s + endpointUpdate + debounce 100 ms + push
      expect(share(between(samples, 0, 20_000_000), 'v1')).toBe(1);
      expect(share(between(samples, failoverMs * 1000 + 100_000, 40_000_000), 'v2')).toBe(1);
      expect(share(between(samples, failbackMs * 1000 + 100_000, 60_000_000), 'v1')).toBe(1);
      // Errors only between the fault and the push.
      for (const s of samples.filter((x) => x.status !== 200)) {
        expect(s.scheduledUs).toBeGreaterThanOrEqual(20_000_000);
        expect(s.scheduledUs).toBeLessThan(failoverMs * 1000);
      }
    }
  });
});

describe('overload: 100 req/s against one helloworld pod', () => {
  it('queues, times out at the route timeout, keeps v2 idle (no ejection under the strict rule) until v1 is gone', async () => {
    const { samples } = run(mesh, await scenarioNamed('overload'), { istio: '1.31' });
    const before = between(samples, 0, 30_000_000);
    // Queueing: waiting grows ≈ 2 s per second of load, so the first second is served in < 3 s…
    const first = between(samples, 0, 1_000_000);
    expect(first.every((s) => s.status === 200 && s.endUs - s.startUs < 3_000_000)).toBe(true);
    // …and from ≈ 5 s on requests reach the 10 s route timeout (status 0, 10 s).
    const late = between(samples, 10_000_000, 30_000_000);
    const timedOut = late.filter((s) => s.status === 0);
    expect(timedOut.length / late.length).toBeGreaterThan(0.95);
    for (const s of timedOut) expect(s.endUs - s.startUs).toBe(10_000_000);
    // Locality keeps everything on the saturated local pod: v2 never serves before the fault.
    expect(before.some((s) => s.version === 'v2')).toBe(false);
    // After the fault v2 takes the load, and serves until it saturates in turn.
    const after = between(samples, 30_600_000, 33_000_000);
    expect(share(after, 'v2')).toBe(1);
    expect(after.filter((s) => s.status === 200).length).toBeGreaterThan(after.length / 2);
  });
});
