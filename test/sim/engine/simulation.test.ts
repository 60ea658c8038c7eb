import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/model/sample.js';
import { builtinMesh, destinationRule, failoverTimeline, lightMesh, run, scenario, share, withWorkload } from '../../support/sim.js';

/** Light-app helloworld (no capacity limit): these tests drive 50–200 req/s. */
const mesh = await lightMesh();
/** The built-in mesh: helloworld's real one-worker server. */
const real = await builtinMesh();

/** Requests scheduled in [fromUs, toUs). */
const scheduledIn = (samples: readonly Sample[], fromUs: number, toUs: number) =>
  samples.filter((s) => s.scheduledUs >= fromUs && s.scheduledUs < toUs);

describe('simulator: the seed experiments on the built-in mesh', () => {
  it('Ex. 5 — without a DestinationRule a sequential curl loop toggles between v1 and v2 about 50/50', () => {
    const { samples } = run(real, scenario({ load: { kind: 'closed', concurrency: 1, durationUs: 120_000_000, thinkTimeUs: 0 } }));
    // One worker, 33 ms per request locally, 93 ms through the gateway: ≈ 16 requests a second.
    expect(samples.length).toBeGreaterThan(1500);
    expect(samples.every((s) => s.status === 200)).toBe(true);
    expect(share(samples, 'v1')).toBeGreaterThan(0.47);
    expect(share(samples, 'v1')).toBeLessThan(0.53);
  });

  it('Ex. 5 — under open-model load LEAST_REQUEST favours the nearer endpoint (fewer requests in flight)', () => {
    const { samples } = run(mesh, scenario());
    expect(share(samples, 'v1')).toBeGreaterThan(0.6);
  });

  it('Ex. 6 — with the seed DestinationRule all traffic stays local', () => {
    const { samples } = run(mesh, scenario({ destinationRule: destinationRule() }));
    expect(share(samples, 'v1')).toBeGreaterThanOrEqual(0.99);
  });

  it('Ex. 7 — failover: errors only inside the propagation window, then 100% v2, then failback', () => {
    const { samples, out } = run(mesh, scenario({ destinationRule: destinationRule(), timeline: failoverTimeline, load: { kind: 'open', ratePerS: 100, durationUs: 60_000_000 } }));
    // Propagation: endpointUpdate + debounceAfter 100ms + push after the fault (drawn per trial;
    // variance.test.ts checks the constant case lands at exactly 450 ms).
    const eds = out.events.filter((e) => e.name === 'eds-update').map((e) => e.atMs);
    expect(eds).toHaveLength(2);
    const [failoverMs, failbackMs] = eds as [number, number];
    expect(failoverMs).toBeGreaterThan(20_100);
    expect(failbackMs).toBeGreaterThan(42_100); // restore: podStartup 2s + the same chain
    const failures = samples.filter((s) => s.status !== 200);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f.scheduledUs).toBeGreaterThanOrEqual(20_000_000);
      expect(f.scheduledUs).toBeLessThan(failoverMs * 1000);
    }
    expect(share(scheduledIn(samples, failoverMs * 1000 + 50_000, 40_000_000), 'v2')).toBe(1);
    expect(share(scheduledIn(samples, failbackMs * 1000 + 50_000, 60_000_000), 'v1')).toBe(1);
    expect(share(scheduledIn(samples, 0, 20_000_000), 'v1')).toBe(1);
  });

  it('Ex. 7 under Istio 1.18 — 503 retries plus the first-ejection rule make the failover hitless', () => {
    const { samples, out } = run(mesh, scenario({ destinationRule: destinationRule(), timeline: failoverTimeline, load: { kind: 'open', ratePerS: 100, durationUs: 60_000_000 } }), { istio: '1.18' });
    expect(out.events.some((e) => e.name === 'ejected')).toBe(true);
    expect(samples.filter((s) => s.status !== 200)).toHaveLength(0);
  });
});

describe('simulator: outlier detection and Envoy priority maths', () => {
  const sevenPods = withWorkload(mesh, 'cluster1', 'helloworld-v1', { replicas: 7 });
  const failThree = [{ atUs: 2_000_000, name: 'fault', action: { kind: 'fail' as const, cluster: 'cluster1', deployment: 'helloworld-v1', pods: 3, status: 503, fraction: 1 } }];
  const load = { kind: 'open' as const, ratePerS: 200, durationUs: 40_000_000 };

  it('3 of 7 local pods answering 503 with maxEjectionPercent 100 converge to P0 80% / P1 20%', () => {
    const dr = destinationRule({ intervalUs: 1_000_000, baseEjectionTimeUs: 180_000_000, maxEjectionPercent: 100 });
    const { samples, out } = run(sevenPods, scenario({ destinationRule: dr, timeline: failThree, load }));
    expect(out.events.filter((e) => e.name === 'ejected')).toHaveLength(3);
    const steady = scheduledIn(samples, 10_000_000, 40_000_000);
    const v2 = steady.filter((s) => s.version === 'v2').length / steady.length;
    expect(v2).toBeGreaterThan(0.18);
    expect(v2).toBeLessThan(0.22);
    expect(steady.every((s) => s.status === 200)).toBe(true);
  });

  it('with maxEjectionPercent omitted the strict rule (≥1.20) ejects nothing, the old rule (1.18) one host', () => {
    const dr = destinationRule({ intervalUs: 1_000_000, baseEjectionTimeUs: 180_000_000 });
    const strict = run(sevenPods, scenario({ destinationRule: dr, timeline: failThree, load }), { istio: '1.24' });
    const old = run(sevenPods, scenario({ destinationRule: dr, timeline: failThree, load }), { istio: '1.18' });
    expect(strict.out.events.filter((e) => e.name === 'ejected')).toHaveLength(0);
    expect(old.out.events.filter((e) => e.name === 'ejected')).toHaveLength(1);
  });

  it('never sends to an ejected host outside panic (50 seeds)', () => {
    const dr = destinationRule({ intervalUs: 1_000_000, baseEjectionTimeUs: 5_000_000, maxEjectionPercent: 100 });
    for (let seed = 1; seed <= 50; seed++) {
      let bad = 0;
      let attempts = 0;
      run(sevenPods, scenario({ destinationRule: dr, timeline: failThree, load: { kind: 'open', ratePerS: 100, durationUs: 15_000_000 } }), {
        seed,
        probe: {
          attempt: (_t, host, inPanic) => {
            attempts++;
            if (host.ejected && !inPanic) bad++;
          },
        },
      });
      expect(attempts).toBeGreaterThanOrEqual(1500);
      expect(bad).toBe(0);
    }
  });
});

describe('simulator: determinism and conservation', () => {
  const sc = scenario({ destinationRule: destinationRule(), timeline: failoverTimeline, load: { kind: 'open', ratePerS: 50, durationUs: 60_000_000 } });

  it('same seed → identical samples and digest; another seed → different', () => {
    const a = run(mesh, sc, { seed: 7 });
    const b = run(mesh, sc, { seed: 7 });
    const c = run(mesh, sc, { seed: 8 });
    expect(b.out.digest).toBe(a.out.digest);
    expect(b.samples).toEqual(a.samples);
    expect(c.out.digest).not.toBe(a.out.digest);
    expect(c.samples.map((s) => s.endUs)).not.toEqual(a.samples.map((s) => s.endUs));
  });

  it('accounts for every scheduled request, never finishes before it starts (50 seeds)', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { samples, out } = run(mesh, sc, { seed });
      expect(out.requests).toBe(3000);
      expect(samples).toHaveLength(3000);
      const scheduled = new Set(samples.map((s) => s.scheduledUs));
      expect(scheduled.size).toBe(3000);
      const violations = samples.filter(
        (s) =>
          s.endUs < s.startUs ||
          s.startUs < s.scheduledUs ||
          // A local success takes at least one same-zone round trip (2 × 100 µs), a remote one two cross-region hops.
          (s.status === 200 && s.version === 'v1' && s.endUs - s.scheduledUs < 200) ||
          (s.status === 200 && s.version === 'v2' && s.endUs - s.scheduledUs < 60_000),
      );
      expect(violations).toEqual([]);
    }
  });
});

describe('simulator: sample positions (seq)', () => {
  const positionsInScheduledOrder = (samples: readonly { seq?: number; scheduledUs: number }[]) => {
    const bySeq = [...samples].sort((a, b) => a.seq! - b.seq!);
    expect(bySeq.map((s) => s.seq)).toEqual(samples.map((_, i) => i));
    for (let i = 1; i < bySeq.length; i++) expect(bySeq[i]!.scheduledUs).toBeGreaterThanOrEqual(bySeq[i - 1]!.scheduledUs);
  };

  it('numbers open-model requests 0…n−1 in scheduled order, whatever order they finish in', () => {
    const sc = scenario({ destinationRule: destinationRule(), timeline: failoverTimeline, load: { kind: 'open', ratePerS: 200, durationUs: 60_000_000 } });
    const { samples } = run(mesh, sc, { seed: 3 });
    expect(samples.some((s, i) => i > 0 && s.scheduledUs < samples[i - 1]!.scheduledUs)).toBe(true);
    positionsInScheduledOrder(samples);
  });

  it('numbers closed-model requests the same way across virtual users', () => {
    const sc = scenario({ timeline: failoverTimeline, load: { kind: 'closed', concurrency: 4, thinkTimeUs: 0, durationUs: 30_000_000 } });
    positionsInScheduledOrder(run(mesh, sc, { seed: 5 }).samples);
  });
});

describe('simulator: locality distribute and gateways', () => {
  it('sends no traffic to a locality whose distribute weight is 0 (50 seeds)', () => {
    const three = structuredClone(mesh);
    three.clusters[0]?.workloads.push({
      name: 'helloworld-v3',
      namespace: 'sample',
      service: 'helloworld',
      version: 'v3',
      replicas: 2,
      locality: { region: 'us-east1', zone: 'us-east1-c', subzone: '' },
      client: false,
      latency: { p50Us: 3000, p99Us: 20000 },
      labels: {},
    });
    const dr = destinationRule({ intervalUs: 1_000_000 }, {});
    dr.trafficPolicy = {
      ...dr.trafficPolicy,
      loadBalancer: {
        localityLbSetting: {
          distribute: [{ from: 'us-east1/us-east1-b/*', to: [{ locality: 'us-east1/us-east1-b/*', weight: 80 }, { locality: 'us-west1/*', weight: 20 }] }],
        },
      },
    };
    for (let seed = 1; seed <= 50; seed++) {
      const { samples } = run(three, scenario({ destinationRule: dr, load: { kind: 'open', ratePerS: 100, durationUs: 5_000_000 } }), { seed });
      expect(samples.some((s) => s.version === 'v3')).toBe(false);
      expect(share(samples, 'v2')).toBeGreaterThan(0.1);
    }
  });

  it('an east-west gateway that goes down takes v2 away; retries hide the connect failures', () => {
    const timeline = [
      { atUs: 10_000_000, name: 'fault', action: { kind: 'gatewayDown' as const, cluster: 'cluster2' } },
      { atUs: 20_000_000, name: 'restore', action: { kind: 'gatewayUp' as const, cluster: 'cluster2' } },
    ];
    const { samples } = run(mesh, scenario({ timeline, load: { kind: 'closed', concurrency: 1, durationUs: 30_000_000, thinkTimeUs: 10_000 } }));
    const during = scheduledIn(samples, 10_000_000, 20_000_000);
    // Without outlier detection nothing ejects the gateway: every attempt sent to it fails to
    // connect and is retried; previous_hosts steers the retry to v1.
    expect(share(during, 'v2')).toBe(0);
    expect(during.filter((s) => (s.attempts ?? 1) > 1).length).toBeGreaterThan(during.length / 4);
    expect(during.every((s) => s.status === 200)).toBe(true);
    const after = scheduledIn(samples, 23_000_000, 30_000_000);
    expect(share(after, 'v2')).toBeGreaterThan(0.3);
  });
});
