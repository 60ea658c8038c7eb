/**
 * The built-in example mesh beyond two clusters (scenarios/meshes/three-cluster-two-network.yaml)
 * and its scenarios: locality failover across the network boundary from each side, as their
 * headers say (istiod ranks by locality, not by network; gateways forward over their own network
 * with the rule at their own locality: src/sim/istiod/gateway-view.ts).
 */
import { describe, expect, it } from 'vitest';
import { loadMesh, loadScenario } from '../../../src/fs/documents.js';
import type { Sample } from '../../../src/model/sample.js';
import { run, share } from '../../support/sim.js';

const cwd = process.cwd();
const mesh = await loadMesh('builtin:three-cluster-two-network', cwd);
const between = (xs: readonly Sample[], fromUs: number, toUs: number) => xs.filter((s) => s.scheduledUs >= fromUs && s.scheduledUs < toUs);

describe.each([
  { name: 'cross-network-failover', local: 'v1', target: 'v3', targetCluster: 'cluster3' },
  { name: 'cross-network-failover-back', local: 'v3', target: 'v1', targetCluster: 'cluster1' },
])('$name: the client fails over to $target ($targetCluster, the other network), never to v2', ({ name, local, target, targetCluster }) => {
  it('all local before the fault, the other network once the push landed, back after the restore', async () => {
    const { scenario } = await loadScenario(name, cwd, mesh);
    for (const seed of [1, 2]) {
      const { samples, out } = run(mesh, scenario, { istio: '1.31', seed });
      const eds = out.events.filter((e) => e.name === 'eds-update').map((e) => e.atMs * 1000);
      const failoverUs = eds[0]!;
      const failbackUs = eds[eds.length - 1]!;
      expect(failoverUs).toBeGreaterThan(10_000_000);
      expect(failoverUs).toBeLessThan(12_000_000);
      expect(share(between(samples, 0, 10_000_000), local)).toBe(1);
      const during = between(samples, failoverUs + 100_000, 20_000_000);
      expect(share(during, target)).toBe(1);
      expect(during.every((s) => s.status !== 200 || s.cluster === targetCluster)).toBe(true);
      expect(share(between(samples, failbackUs + 100_000, 30_000_000), local)).toBe(1);
      expect(failbackUs - 20_000_000).toBeLessThan(4_000_000);
      expect(samples.some((s) => s.version === 'v2')).toBe(false);
    }
  });
});
