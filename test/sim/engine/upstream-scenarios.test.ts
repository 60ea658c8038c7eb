/**
 * The issue-12 experiments on the shipped scenario and mesh files, with their figures checked
 * within tolerances (README "What the simulator models"; scenarios/*.yaml say what to expect).
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/model/sample.js';
import { InvalidInputError } from '../../../src/errors.js';
import { loadMesh, loadScenario } from '../../../src/fs/documents.js';
import { run, share } from '../../support/sim.js';

const cwd = process.cwd();
const scheduledIn = (samples: readonly Sample[], fromUs: number, toUs: number) => samples.filter((s) => s.scheduledUs >= fromUs && s.scheduledUs < toUs);

describe('duplicate east-west gateway address (istio#56355; envoy eds.cc keeps the first copy)', async () => {
  const mesh = await loadMesh('scenarios/meshes/remote-two-zones.yaml', cwd);
  const { scenario } = await loadScenario('scenarios/duplicate-gateway.yaml', cwd, mesh);
  it('a remote cluster with 1 v2 pod in zone a and 3 v3 pods in zone b leaves about 50% local (v1), not 20%', () => {
    const { samples } = run(mesh, scenario, { istio: '1.31', seed: 3 });
    expect(samples.length).toBeGreaterThan(1000);
    expect(share(samples, 'v1')).toBeGreaterThan(0.45);
    expect(share(samples, 'v1')).toBeLessThan(0.55);
    // The one keep-alive connection through the gateway stays on the pod it was forwarded to
    // (AUTO_PASSTHROUGH; istio#32208): the whole remote half goes to v2 or to v3, never both
    // (test/sim/explain/pinning.test.ts checks the 1 : 3 odds and the many-connection split).
    expect(share(samples, 'v2') === 0 || share(samples, 'v3') === 0).toBe(true);
  });
});

describe('scale-up under PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS (Istio 1.31, commit a7c9ae034fb)', async () => {
  const mesh = await loadMesh(undefined, cwd);
  const { scenario } = await loadScenario('scenarios/scale-up.yaml', cwd, mesh);
  // Scale at 10s; the not-ready pod reaches the client with one push (≈ 10.45 s), its readiness
  // (startup 2 s) with a later one (≈ 12.45 s). Both times are drawn per trial from the mesh's
  // control-plane delay distributions, so the window is the run's own pair of eds-update events, and
  // the ≈ 40 requests one trial has in it (20 req/s, a load the one-worker helloworld can serve) are
  // pooled over 16 trials so the 30% is measured within about ±2 points (one sd), not ±7.
  it('1.31 spills about 30% cross-region (P0 health ⌊140·1/2⌋ = 70) until the new pod is ready', () => {
    const inWindow: Sample[] = [];
    for (let seed = 1; seed <= 16; seed++) {
      const { samples, out } = run(mesh, scenario, { istio: '1.31', seed });
      const eds = out.events.filter((e) => e.name === 'eds-update');
      expect(eds).toHaveLength(2);
      expect(eds[0]!.action).toMatch(/UNHEALTHY/);
      const [listedUs, readyUs] = eds.map((e) => e.atMs * 1000) as [number, number];
      inWindow.push(...scheduledIn(samples, listedUs, readyUs));
      expect(share(scheduledIn(samples, 0, 10_000_000), 'v2')).toBe(0);
      expect(share(scheduledIn(samples, readyUs, 20_000_000), 'v2')).toBe(0);
      expect(samples.every((s) => s.status === 200)).toBe(true);
    }
    expect(inWindow.length).toBeGreaterThan(500);
    const spilled = share(inWindow, 'v2');
    expect(spilled).toBeGreaterThan(0.24);
    expect(spilled).toBeLessThan(0.36);
  });
  it('1.30 spills nothing', () => {
    const { samples } = run(mesh, scenario, { istio: '1.30', seed: 1 });
    expect(share(samples, 'v2')).toBe(0);
  });
});

describe('failover list next to failoverPriority, three regions (istio loadbalancer.go, tags 1.18.0 and 1.20.0)', async () => {
  const mesh = await loadMesh('scenarios/meshes/three-region.yaml', cwd);
  const { scenario } = await loadScenario('scenarios/failover-priority-regions.yaml', cwd, mesh);
  const afterFault = (samples: readonly Sample[]) => scheduledIn(samples, 10_600_000, 30_000_000);
  it('1.18 ignores `failover`: us-west1 (v2) and eu-west1 (v3) share the traffic', () => {
    const { samples } = run(mesh, scenario, { istio: '1.18', seed: 1 });
    expect(share(afterFault(samples), 'v3')).toBeGreaterThan(0.4);
    expect(share(afterFault(samples), 'v3')).toBeLessThan(0.6);
  });
  it('1.20 applies it after failoverPriority: everything fails over to eu-west1 (v3)', () => {
    const { samples } = run(mesh, scenario, { istio: '1.20', seed: 1 });
    expect(share(afterFault(samples), 'v3')).toBe(1);
    expect(share(scheduledIn(samples, 0, 10_000_000), 'v1')).toBe(1);
  });
});

describe('Service trafficDistribution: PreferClose (istio loadbalancer.go GetEffectiveLbSetting, Force)', async () => {
  const mesh = await loadMesh(undefined, cwd);
  const { scenario } = await loadScenario('test/fixtures/documents/valid/traffic-distribution.yaml', cwd, mesh);
  it('keeps traffic local without any DestinationRule from 1.25; ignored by sidecars up to 1.24', () => {
    expect(scenario.request.trafficDistribution).toBe('PreferClose');
    const closed = { ...scenario, load: { kind: 'closed' as const, concurrency: 1, durationUs: 10_000_000, thinkTimeUs: 0 } };
    for (const v of ['1.25', '1.28', '1.31']) expect(share(run(mesh, closed, { istio: v }).samples, 'v1')).toBe(1);
    const old = share(run(mesh, closed, { istio: '1.24' }).samples, 'v1');
    expect(old).toBeGreaterThan(0.4);
    expect(old).toBeLessThan(0.6);
  });
  it('a value Kubernetes does not know is refused with the allowed ones', async () => {
    const err = await loadScenario('test/fixtures/documents/invalid/traffic-distribution-typo.yaml', cwd, mesh).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    const [problem] = (err as InvalidInputError).problems;
    expect(problem?.path).toBe('spec.request.trafficDistribution');
    expect(`${problem?.message} ${problem?.hint ?? ''}`).toContain('PreferSameZone');
  });
});
