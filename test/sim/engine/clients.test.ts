import { describe, expect, it } from 'vitest';
import type { Mesh } from '../../../src/model/mesh.js';
import type { Sample } from '../../../src/model/sample.js';
import type { LoadModel, Scenario, ScenarioClient, TimelineEntry } from '../../../src/model/scenario.js';
import { builtinMesh, destinationRule, failoverTimeline, lightMesh, run, scenario, share } from '../../support/sim.js';

/**
 * Many clients in one run (issue 12): each client is its own sidecar — its own EDS view built by
 * its cluster's istiod for its locality and network, its own outlier detector and push delays —
 * while the pods and their servers are shared.
 */

/** `mesh` with the sleep client in cluster2 too (us-west1-a, network2). */
function withSecondClient(mesh: Mesh): Mesh {
  const copy = structuredClone(mesh);
  const c2 = copy.clusters.find((c) => c.name === 'cluster2')!;
  const sleep = structuredClone(copy.clusters[0]!.workloads.find((w) => w.client)!);
  sleep.locality = c2.workloads[0]!.locality;
  c2.workloads.push(sleep);
  return copy;
}

const light = withSecondClient(await lightMesh());
const real = withSecondClient(await builtinMesh());

const c1 = { cluster: 'cluster1', workload: 'sleep' };
const c2 = { cluster: 'cluster2', workload: 'sleep' };

/** Ejects at the first 503, any share of the hosts (Istio ≥ 1.20 applies max_ejection_percent strictly). */
const ejecting = destinationRule({ consecutiveErrors: 1, intervalUs: 1_000_000, baseEjectionTimeUs: 2_000_000, maxEjectionPercent: 100 });

function twoClients(loads: [LoadModel, LoadModel], opts: { timeline?: TimelineEntry[]; eject?: boolean } = {}): Scenario {
  const clients: ScenarioClient[] = [
    { ...c1, load: loads[0] },
    { ...c2, load: loads[1] },
  ];
  return {
    ...scenario({ destinationRule: opts.eject === true ? ejecting : destinationRule(), ...(opts.timeline ? { timeline: opts.timeline } : {}) }),
    load: loads[0],
    clients,
  };
}

const open = (ratePerS: number, durationUs = 30_000_000): LoadModel => ({ kind: 'open', ratePerS, durationUs });
const of = (samples: readonly Sample[], client: number) => samples.filter((s) => s.client === client);
const inWindow = (samples: readonly Sample[], fromUs: number, toUs: number) => samples.filter((s) => s.scheduledUs >= fromUs && s.scheduledUs < toUs);

describe('many clients: each proxy has its own EDS view', () => {
  it("a client in cluster2 keeps its traffic in cluster2 while cluster1's stays in cluster1 (priorities from each client's locality)", () => {
    const { samples } = run(light, twoClients([open(50), open(50)]));
    const first = of(samples, 0);
    const second = of(samples, 1);
    expect(first.length).toBe(1500);
    expect(second.length).toBe(1500);
    expect(share(first, 'v1')).toBe(1);
    expect(share(second, 'v2')).toBe(1);
    expect(second.every((s) => s.cluster === 'cluster2')).toBe(true);
    // Each client numbers its own requests in scheduled order.
    expect(second.map((s) => s.clientSeq).sort((a, b) => a! - b!)).toEqual(second.map((_, i) => i));
  });

  it("a fault on one side: only that side's proxy fails over, at its own push time", () => {
    const { samples, out } = run(light, twoClients([open(50, 60_000_000), open(50, 60_000_000)], { timeline: failoverTimeline }));
    const eds = out.events.filter((e) => e.name === 'eds-update');
    const first = eds.filter((e) => e.action.startsWith('client proxy cluster1/sleep'));
    const second = eds.filter((e) => e.action.startsWith('client proxy cluster2/sleep'));
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    // Independent push delays: the two proxies learn of the same change at different times.
    expect(first[0]!.atMs).not.toBe(second[0]!.atMs);
    // cluster1's client moves to v2 during the fault; cluster2's never leaves v2.
    expect(share(inWindow(of(samples, 0), 25_000_000, 40_000_000), 'v2')).toBe(1);
    expect(share(of(samples, 1), 'v2')).toBe(1);
    expect(of(samples, 1).every((s) => s.status === 200)).toBe(true);
  });

  it('one client in the clients list runs exactly like the single `client:` form (same digest)', () => {
    const single = scenario({ destinationRule: destinationRule(), timeline: failoverTimeline });
    const listed: Scenario = { ...single, clients: [{ ...c1, load: single.load }] };
    expect(run(light, listed, { seed: 3 }).out.digest).toBe(run(light, single, { seed: 3 }).out.digest);
  });

  it('same seed, same run; another seed, another run', () => {
    const sc = twoClients([open(40), open(40)], { timeline: failoverTimeline });
    const a = run(light, sc, { seed: 5 });
    expect(run(light, sc, { seed: 5 }).out.digest).toBe(a.out.digest);
    expect(run(light, sc, { seed: 6 }).out.digest).not.toBe(a.out.digest);
  });
});

describe('many clients: shared pods, own outlier detectors', () => {
  it("two clients on the same pod share its capacity: cluster1's failover onto v2 slows cluster2's own requests", () => {
    // helloworld's real server: one worker, ≈ 30 req/s. Each client alone sends 20 req/s.
    const fault: TimelineEntry[] = [{ atUs: 10_000_000, name: 'fault', action: { kind: 'scale', cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 0 } }];
    const both = run(real, twoClients([open(20, 20_000_000), open(20, 20_000_000)], { timeline: fault }));
    const alone: Scenario = { ...scenario({ destinationRule: destinationRule(), timeline: fault }), client: c2, load: open(20, 20_000_000) };
    const solo = run(real, alone);
    const p50 = (xs: readonly Sample[]) => {
      const l = xs.map((s) => s.endUs - s.scheduledUs).sort((a, b) => a - b);
      return l[Math.floor(l.length / 2)]!;
    };
    const before = p50(inWindow(of(both.samples, 1), 2_000_000, 10_000_000));
    const during = p50(inWindow(of(both.samples, 1), 13_000_000, 20_000_000));
    const soloDuring = p50(inWindow(solo.samples, 13_000_000, 20_000_000));
    // 40 req/s on a 30 req/s pod: a queue builds, cluster2's latency grows far beyond its service time.
    expect(during).toBeGreaterThan(10 * before);
    expect(soloDuring).toBeLessThan(2 * before);
    // The pod served both clients: its completions over the fault never exceed its capacity.
    const served = inWindow(both.samples, 13_000_000, 20_000_000).filter((s) => s.status === 200 && s.version === 'v2' && s.endUs < 20_000_000).length;
    expect(served).toBeLessThan(7 * 32);
  });

  it("each client's outlier detector ejects only what that client saw fail", () => {
    // v2 answers 503 to everything: cluster2's client (local v2) ejects it and fails over to v1;
    // cluster1's client (local v1) never sends to v2 and ejects nothing.
    const failV2: TimelineEntry[] = [{ atUs: 5_000_000, name: 'fault', action: { kind: 'fail', cluster: 'cluster2', deployment: 'helloworld-v2', status: 503, fraction: 1 } }];
    const { samples, out } = run(light, twoClients([open(50, 20_000_000), open(50, 20_000_000)], { timeline: failV2, eject: true }));
    const ejections = out.events.filter((e) => e.name === 'ejected');
    expect(ejections.length).toBeGreaterThan(0);
    expect(ejections.every((e) => e.action.startsWith('outlier detection of cluster2/sleep ejected'))).toBe(true);
    expect(share(of(samples, 0), 'v1')).toBe(1);
    // Ejected for 2 s, back, ejected again at its next 503: cluster2's traffic goes to v1 meanwhile.
    expect(share(inWindow(of(samples, 1), 6_000_000, 20_000_000), 'v1')).toBeGreaterThan(0.9);
  });

  it('each client draws its own outlier timer phase', () => {
    // Ejections on both sides: v1 and v2 both fail at 5 s, then heal; each detector returns its host
    // at its own interval tick.
    const failBoth: TimelineEntry[] = [
      { atUs: 5_000_000, name: 'fault', action: { kind: 'fail', cluster: 'cluster1', deployment: 'helloworld-v1', status: 503, fraction: 1 } },
      { atUs: 5_000_000, action: { kind: 'fail', cluster: 'cluster2', deployment: 'helloworld-v2', status: 503, fraction: 1 } },
      { atUs: 6_000_000, action: { kind: 'heal', cluster: 'cluster1', deployment: 'helloworld-v1' } },
      { atUs: 6_000_000, action: { kind: 'heal', cluster: 'cluster2', deployment: 'helloworld-v2' } },
    ];
    const { out } = run(light, twoClients([open(50, 20_000_000), open(50, 20_000_000)], { timeline: failBoth, eject: true }));
    const back = (who: string) => out.events.filter((e) => e.name === 'unejected' && e.action.startsWith(`outlier detection of ${who}`)).map((e) => e.atMs % 1000);
    const a = back('cluster1/sleep');
    const b = back('cluster2/sleep');
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a[0]).not.toBeCloseTo(b[0]!, 0);
  });
});
