import { describe, expect, it } from 'vitest';
import type { Mesh } from '../../../src/model/mesh.js';
import { builtinMesh, destinationRule, failoverTimeline, run, scenario } from '../../support/sim.js';

const mesh = await builtinMesh();

/** The same mesh with every control-plane delay constant at its median (the old model). */
function constantDelays(m: Mesh): Mesh {
  const copy = structuredClone(m);
  const cp = copy.controlPlane;
  cp.endpointUpdateP99Us = cp.endpointUpdateUs;
  cp.remoteWatchP99Us = cp.remoteWatchUs;
  cp.pushP99Us = cp.pushUs;
  return copy;
}

describe('simulator: honest variance between trials', () => {
  // envoy source/common/upstream/outlier_detection_impl.cc DetectorImpl::initialize arms the
  // interval timer when the detector is created, long before a fault: un-ejection ticks fall at an
  // arbitrary phase, not at multiples of the interval from t = 0.
  it('draws the outlier interval timer phase per trial: un-ejection times spread over one interval', () => {
    const dr = destinationRule({ intervalUs: 10_000_000, baseEjectionTimeUs: 30_000_000, maxEjectionPercent: 100 });
    const timeline = [
      { atUs: 2_000_000, name: 'fault', action: { kind: 'fail' as const, cluster: 'cluster1', deployment: 'helloworld-v1', status: 503, fraction: 1 } },
      { atUs: 5_000_000, name: 'heal', action: { kind: 'heal' as const, cluster: 'cluster1', deployment: 'helloworld-v1' } },
    ];
    const backAtMs: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const { out } = run(mesh, scenario({ destinationRule: dr, timeline, load: { kind: 'closed', concurrency: 1, thinkTimeUs: 200_000, durationUs: 45_000_000 } }), { seed });
      const ejected = out.events.find((e) => e.name === 'ejected');
      const back = out.events.find((e) => e.name === 'unejected');
      expect(ejected).toBeDefined();
      expect(back).toBeDefined();
      // Un-ejected on the first tick at least base ejection time after the ejection.
      expect(back!.atMs - ejected!.atMs).toBeGreaterThanOrEqual(30_000);
      expect(back!.atMs - ejected!.atMs).toBeLessThanOrEqual(40_000);
      backAtMs.push(back!.atMs);
    }
    // The old model ticked at 10 s, 20 s, … from t = 0: every trial un-ejected at exactly 40 s.
    expect(new Set(backAtMs).size).toBeGreaterThan(8);
    expect(Math.max(...backAtMs) - Math.min(...backAtMs)).toBeGreaterThan(5_000);
  });

  it('draws control-plane propagation per occurrence; constant delays give the same EDS times in every trial', () => {
    const sc = scenario({ destinationRule: destinationRule(), timeline: failoverTimeline, load: { kind: 'closed', concurrency: 1, thinkTimeUs: 100_000, durationUs: 45_000_000 } });
    const edsTimes = (m: Mesh, seed: number) => run(m, sc, { seed }).out.events.filter((e) => e.name === 'eds-update').map((e) => e.atMs);
    const constant = constantDelays(mesh);
    expect(edsTimes(constant, 1)).toEqual([20_450, 42_450]);
    expect(edsTimes(constant, 2)).toEqual([20_450, 42_450]);
    const firsts = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => edsTimes(mesh, seed)[0]!);
    expect(new Set(firsts).size).toBeGreaterThan(6);
    // endpointUpdate (≥ 0) + debounceAfter 100 ms (exact) + push (≥ 0) after the fault.
    for (const t of firsts) expect(t).toBeGreaterThan(20_100);
  });
});
