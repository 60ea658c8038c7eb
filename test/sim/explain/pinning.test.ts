/**
 * `explain` against the simulator on east-west gateway connection pinning: the gateway is
 * AUTO_PASSTHROUGH, so a connection stays on the pod it was forwarded to (istio#32208, istio#31549;
 * src/sim/engine/connections.ts). Explain must say what a run will show: with one connection the
 * gateway's whole share goes to one pod per trial; with many connections the gateway's share splits
 * over its pods near the per-request split.
 */
import { describe, expect, it } from 'vitest';
import { loadDestinationRule, loadMesh, loadScenario } from '../../../src/fs/documents.js';
import type { LoadModel } from '../../../src/model/scenario.js';
import { explainMesh } from '../../../src/sim/explain/explain.js';
import { connectionsToHost } from '../../../src/sim/explain/pinning.js';
import { istioProfile, type IstioProfile } from '../../../src/sim/istio-profile.js';
import { renderExplain } from '../../../src/render/explain.js';
import { createStyle } from '../../../src/render/style.js';
import { run, share } from '../../support/sim.js';

const cwd = process.cwd();
const profile = istioProfile('1.31') as IstioProfile;
const closed = (concurrency: number, durationUs: number, thinkTimeUs = 0): LoadModel => ({ kind: 'closed', concurrency, durationUs, thinkTimeUs });

describe('connections a load opens to one upstream host (connections.ts pool rules)', () => {
  it('closed model: one per VU at most, at least one per worker thread in use; open model: one per worker and up', () => {
    expect(connectionsToHost(closed(1, 1e6), 2, 3.6e9)).toEqual({ min: 1, max: 1, perRequest: false });
    expect(connectionsToHost(closed(2, 1e6), 2, 3.6e9)).toEqual({ min: 2, max: 2, perRequest: false });
    expect(connectionsToHost(closed(48, 1e6), 2, 3.6e9)).toEqual({ min: 2, max: 48, perRequest: false });
    expect(connectionsToHost(closed(1, 1e6, 5e6), 2, 5e6).perRequest).toBe(true);
    expect(connectionsToHost({ kind: 'open', ratePerS: 10, durationUs: 1e6 }, 2, 3.6e9)).toEqual({ min: 2, max: null, perRequest: false });
  });
});

describe('explain vs the simulator: duplicate-gateway mesh (1 v2 pod, 3 v3 pods behind one gateway)', async () => {
  const mesh = await loadMesh('scenarios/meshes/remote-two-zones.yaml', cwd);
  const { scenario } = await loadScenario('duplicate-gateway', cwd, mesh);

  it('one VU: explain predicts one pinned connection, the gateway share going wholly to v2 (1 in 4) or v3 (3 in 4); the runs show exactly that', () => {
    const load = closed(1, 10_000_000);
    const [entry] = explainMesh({ mesh, profile, clients: [scenario.client], service: { service: 'helloworld', namespace: 'sample' }, load }).entries;
    const pin = entry!.pinning!;
    expect(pin.mode).toBe('pinned');
    expect(pin.gateways).toHaveLength(1);
    const [gw] = pin.gateways;
    expect(gw!.share).toBeCloseTo(0.5, 9);
    expect(gw!.connections).toEqual({ min: 1, max: 1 });
    expect(gw!.versions).toEqual([
      { version: 'v2', pods: 1, chance: 0.25 },
      { version: 'v3', pods: 3, chance: 0.75 },
    ]);
    expect(pin.ranges['v1']).toEqual({ min: 0.5, max: 0.5 });
    expect(pin.ranges['v2']).toEqual({ min: 0, max: 0.5 });
    const text = renderExplain({ istio: '1.31', mesh: mesh.name, entries: [entry!] }, createStyle({ color: false, width: 400 }));
    expect(text).toContain('v2 0% or 50.0%, v3 0% or 50.0%');
    expect(text).toContain('istio#32208');

    let onV2 = 0;
    const seeds = 16;
    for (let seed = 1; seed <= seeds; seed++) {
      const { samples } = run(mesh, { ...scenario, load }, { istio: '1.31', seed });
      const v2 = share(samples, 'v2');
      const v3 = share(samples, 'v3');
      // All or nothing: the one connection stays on one pod for the whole trial.
      expect(v2 === 0 || v3 === 0).toBe(true);
      expect(Math.abs(share(samples, 'v1') - 0.5)).toBeLessThan(0.1);
      if (v2 > 0) onV2++;
    }
    // The pod is the gateway's pick when the connection opened: v2 in about 1 trial of 4.
    expect(onV2).toBeGreaterThan(0);
    expect(onV2).toBeLessThan(seeds / 2);
  });

  it('48 VUs: explain predicts 2–48 connections; the gateway share splits near the per-request 1 : 3 (v2 : v3)', () => {
    const load = closed(48, 3_000_000);
    const [entry] = explainMesh({ mesh, profile, clients: [scenario.client], service: { service: 'helloworld', namespace: 'sample' }, load }).entries;
    const pin = entry!.pinning!;
    expect(pin.mode).toBe('per-connection');
    expect(pin.gateways[0]!.connections).toEqual({ min: 2, max: 48 });
    const expectedV2 = entry!.predictedShares['v2']! / (entry!.predictedShares['v2']! + entry!.predictedShares['v3']!);
    expect(expectedV2).toBeCloseTo(0.25, 9);
    for (const seed of [1, 2]) {
      const { samples } = run(mesh, { ...scenario, load }, { istio: '1.31', seed });
      const v2 = share(samples, 'v2');
      const v3 = share(samples, 'v3');
      // Within the gateway's share (LEAST_REQUEST moves the v1 : gateway split as in-flight counts
      // differ under concurrency; the split behind the gateway is the gateway's own).
      expect(Math.abs(v2 / (v2 + v3) - expectedV2)).toBeLessThan(0.05);
    }
  });

  it('without a load, explain says the split is per connection and what one connection does', () => {
    const [entry] = explainMesh({ mesh, profile }).entries;
    expect(entry!.pinning!.mode).toBe('load-unknown');
    const text = renderExplain({ istio: '1.31', mesh: mesh.name, entries: [entry!] }, createStyle({ color: false, width: 400 }));
    expect(text).toContain('splits per connection, not per request');
  });
});

describe('east-west gateways forward over their network with the DestinationRule at their own locality', async () => {
  const mesh = await loadMesh('scenarios/meshes/three-cluster-two-network.yaml', cwd);
  const dr = await loadDestinationRule('manifests/08-locality-lb.yaml', cwd);

  it('without a rule, cluster1\'s gateway reaches cluster2\'s pods too (one network): explain pins cluster3\'s client over v1 and v2', () => {
    const [entry] = explainMesh({ mesh, profile, clients: [{ cluster: 'cluster3', workload: 'sleep' }], load: closed(1, 1e6) }).entries;
    const pin = entry!.pinning!;
    expect(pin.gateways.map((g) => g.cluster)).toEqual(['cluster1', 'cluster2']);
    expect(pin.gateways[0]!.versions.map((v) => v.version)).toEqual(['v1', 'v2']);
  });

  it('with the seed\'s rule, each gateway prefers its own locality: nothing left to pin, and the failover from cluster3 reaches v1 only', async () => {
    const [entry] = explainMesh({ mesh, profile, destinationRule: dr, clients: [{ cluster: 'cluster3', workload: 'sleep' }], load: closed(1, 1e6) }).entries;
    expect(entry!.pinning).toBeUndefined();
    const { scenario } = await loadScenario('cross-network-failover-back', cwd, mesh);
    const { samples } = run(mesh, { ...scenario, load: closed(1, 16_000_000) }, { istio: '1.31', seed: 1 });
    const during = samples.filter((s) => s.scheduledUs >= 11_000_000 && s.scheduledUs < 16_000_000);
    expect(share(during, 'v1')).toBe(1);
    expect(samples.some((s) => s.version === 'v2')).toBe(false);
  });
});

describe('explain of several clients in one call, each with its own load', async () => {
  const mesh = await loadMesh('scenarios/meshes/remote-two-zones.yaml', cwd);
  const { scenario } = await loadScenario('duplicate-gateway', cwd, mesh);
  const service = { service: 'helloworld', namespace: 'sample' };

  it('each entry is what explaining that client alone with its load gives (one VU pins, 64 VUs split)', () => {
    const one = closed(1, 10_000_000);
    const many = closed(64, 10_000_000);
    const c = { cluster: scenario.client.cluster, workload: scenario.client.workload };
    const both = explainMesh({ mesh, profile, service, clients: [{ ...c, load: one }, { ...c, load: many }] }).entries;
    const alone = [one, many].map((load) => explainMesh({ mesh, profile, service, clients: [c], load }).entries[0]);
    expect(both).toEqual(alone);
    expect(both[0]!.pinning!.mode).toBe('pinned');
    expect(both[1]!.pinning?.mode).not.toBe('pinned');
  });
});
