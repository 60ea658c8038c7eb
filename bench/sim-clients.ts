/**
 * sim.clients: the per-request cost of 50 clients (one per cluster, each sending 1/50 of the load)
 * on the 50 clusters × 20 pods mesh of sim.scale, against one client sending the whole load on the
 * same mesh, in the same run. Same requests, same pods, same failover timeline: the ratio is the
 * cost of 50 sidecars (their EDS views, outlier detectors, pools, arrivals in the heap) and of the
 * per-client measures. Target: ≤ 2× (issue 12).
 */
import type { SimJob } from '../src/app/sim-trials.js';
import { asLightApps } from '../src/model/light-apps.js';
import type { LoadModel, Scenario } from '../src/model/scenario.js';
import type { BenchRow } from './harness.js';
import { bigMesh, pairedPerRequestNs, retarget } from './sim-scale.js';
import { failoverJob } from './sim-throughput.js';

const RATE_PER_S = 1000;
const DURATION_S = 60;

/** The 50 clients of the big mesh, each with an equal share of `load` (what `share: 0.02` resolves to). */
export function fiftyClients(s: Scenario, clusters: readonly string[]): Scenario {
  const load = s.load as Extract<LoadModel, { kind: 'open' }>;
  return { ...s, clients: clusters.map((cluster) => ({ cluster, workload: 'sleep', load: { ...load, ratePerS: load.ratePerS / clusters.length } })) };
}

export function benchSimClients(base: SimJob, reps: number): BenchRow {
  const onePod = failoverJob(base, RATE_PER_S, DURATION_S, 1);
  const mesh = bigMesh(asLightApps(onePod.mesh));
  const one: SimJob = { ...onePod, mesh, scenario: retarget(onePod.scenario) };
  const many: SimJob = { ...one, scenario: fiftyClients(one.scenario, mesh.clusters.map((c) => c.name)) };
  // Paired and interleaved (pairedPerRequestNs): a one-client and a 50-client trial of the same seed
  // back to back, the ratio the median of the per-pair ratios.
  const { baseline, value, ratio } = pairedPerRequestNs(one, many, reps);
  return {
    name: 'sim.clients',
    value,
    unit: 'ns/req',
    baseline,
    ratio,
    target: 'ratio ≤ 2',
    ok: ratio <= 2,
    baselineIs: 'ns per simulated request of one client sending the whole load on the same 50 × 20 mesh',
  };
}
