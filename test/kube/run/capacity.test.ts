/**
 * Capacity (issue 13 item 9): a pod's rate from the mesh's server model (the built-in helloworld:
 * 1 worker, 33/41 ms of CPU → ≈ 30 req/s), the preflight warning for an open-model rate above what
 * the serving pods take (each version's predicted share against its replicas), and the built-in
 * scenarios' default loads kept within the tutorial app's capacity.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMesh, loadScenario } from '../../../src/fs/documents.js';
import { capacityWarnings } from '../../../src/kube/run/capacity.js';
import type { Mesh } from '../../../src/model/mesh.js';
import { logNormalMeanUs, podCapacityPerS } from '../../../src/model/server-capacity.js';
import { accumulatorOptionsFor } from '../../../src/app/sim-trials.js';

const helloworld = { workers: 1, cpuP50Us: 33_000, cpuP99Us: 41_000, cpuLimitMillicores: undefined, backlog: 2048, gracefulTimeoutUs: 30e6, signalCheckIntervalUs: 1e6 };

describe('pod capacity from the server model', () => {
  it('helloworld serves about 30 req/s; a CPU limit below the workers stretches it', () => {
    // mean of the log-normal through 33/41 ms: 33 · e^(σ²/2), σ = ln(41/33)/2.326 → 33.14 ms
    expect(logNormalMeanUs(33_000, 41_000)).toBeCloseTo(33_144, 0);
    expect(podCapacityPerS(helloworld as never)).toBeCloseTo(30.17, 1);
    expect(podCapacityPerS({ ...helloworld, cpuLimitMillicores: 500 } as never)).toBeCloseTo(15.09, 1);
    expect(podCapacityPerS({ ...helloworld, workers: 4 } as never)).toBeCloseTo(120.7, 0);
  });
});

describe('the preflight capacity warning', async () => {
  const cwd = process.cwd();
  const mesh: Mesh = await loadMesh(undefined, cwd);
  const scenario = (await loadScenario(join(cwd, 'test', 'fixtures', 'kube-run', 'failover-open.yaml'), cwd, mesh)).scenario;
  const shares = accumulatorOptionsFor({ mesh, scenario, istio: '1.24' }).expectedShares;

  it('100 req/s, all predicted to v1 (locality-lb): names the figures and a rate that fits', () => {
    const [w] = capacityWarnings(mesh, scenario, shares);
    expect(w).toContain("the load's 100 req/s is more than the serving pods can take");
    expect(w).toContain('v1: 100 req/s (100% of 100) against 1 pod(s) serving about 30 req/s each (cluster1/helloworld-v1 ×1) = 30 req/s');
    expect(w).toContain('a rate of 24 req/s or less fits (80% of capacity)');
  });

  it('silent within capacity, with more replicas, and for closed models', () => {
    expect(capacityWarnings(mesh, { ...scenario, load: { ...scenario.load, ratePerS: 20 } as typeof scenario.load }, shares)).toEqual([]);
    const scaled = structuredClone(mesh);
    for (const c of scaled.clusters) for (const w of c.workloads) if (w.service !== undefined) w.replicas = 4;
    expect(capacityWarnings(scaled, scenario, shares)).toEqual([]);
    expect(capacityWarnings(mesh, { ...scenario, load: { kind: 'closed', concurrency: 8, durationUs: 1e6, thinkTimeUs: 0 } }, shares)).toEqual([]);
  });

  it("the built-in kube scenarios' default loads fit the tutorial app (except overload, which is about overload)", async () => {
    const names = ['distribution', 'locality', 'failover', 'outlier-503', 'gateway-down', 'scale-up', 'duplicate-gateway'];
    for (const name of names) {
      const s = (await loadScenario(name, cwd, mesh)).scenario;
      const expected = accumulatorOptionsFor({ mesh, scenario: s, istio: '1.24' }).expectedShares;
      expect(capacityWarnings(mesh, s, expected), name).toEqual([]);
    }
    const overload = (await loadScenario('overload', cwd, mesh)).scenario;
    expect(capacityWarnings(mesh, overload, accumulatorOptionsFor({ mesh, scenario: overload, istio: '1.24' }).expectedShares)).toHaveLength(1);
  });
});
