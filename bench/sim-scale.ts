/**
 * sim.scale: the per-request cost of the failover scenario on a mesh of 50 clusters × 20 pods with
 * 50 clients (one per cluster; the scenario's client drives the load), against the same scenario
 * on the built-in two-cluster mesh. Target: cost grows at most logarithmically with the endpoints.
 */
import type { SimJob } from '../src/app/sim-trials.js';
import { runSimTrials } from '../src/app/sim-trials.js';
import { asLightApps } from '../src/model/light-apps.js';
import type { Mesh, MeshCluster } from '../src/model/mesh.js';
import type { Scenario } from '../src/model/scenario.js';
import { median, type BenchRow } from './harness.js';
import { failoverJob } from './sim-throughput.js';

const CLUSTERS = 50;
const PODS = 20;

/** 50 clusters on 50 networks in 10 regions × 5 zones, each with 20 helloworld pods, a client and an east-west gateway. */
export function bigMesh(base: Mesh): Mesh {
  const clusters: MeshCluster[] = [];
  for (let i = 0; i < CLUSTERS; i++) {
    const region = `region${Math.floor(i / 5)}`;
    const locality = { region, zone: `${region}-${String.fromCharCode(97 + (i % 5))}`, subzone: '' };
    clusters.push({
      name: `cluster${i + 1}`,
      network: `network${i + 1}`,
      eastWestGateway: { replicas: 1, locality },
      workloads: [
        { name: `helloworld-v${i + 1}`, namespace: 'sample', service: 'helloworld', version: `v${i + 1}`, replicas: PODS, locality, client: false, latency: { p50Us: 3000, p99Us: 20000 }, labels: {} },
        { name: 'sleep', namespace: 'sample', replicas: 1, locality, client: true, labels: {} },
      ],
    });
  }
  return { ...base, name: 'fifty-clusters', clusters };
}

// The big mesh's pods are light apps (20 one-worker pods per cluster could not serve 1,000 req/s),
// so the small mesh runs with light apps too (asLightApps): both sides then do the same work per
// request and the ratio shows the cost of the endpoint count alone.
export function benchSimScale(base: SimJob, reps: number): BenchRow {
  // One pod per version, as the built-in mesh has (2 endpoints: v1 and cluster2's gateway).
  const onePod = failoverJob(base, 1000, 60, 1);
  const small: SimJob = { ...onePod, mesh: asLightApps(onePod.mesh) };
  const big: SimJob = { ...small, mesh: bigMesh(base.mesh), scenario: retarget(small.scenario) };
  const { baseline, value, ratio } = pairedPerRequestNs(small, big, reps);
  const endpointsSmall = 2; // v1 pod + the gateway to cluster2
  const endpointsBig = CLUSTERS * PODS;
  const allowed = Math.log2(endpointsBig) / Math.log2(endpointsSmall);
  return {
    name: 'sim.scale',
    value,
    unit: 'ns/req',
    baseline,
    ratio,
    target: `ratio ≤ log2(${endpointsBig})/log2(${endpointsSmall}) = ${allowed.toFixed(1)}`,
    ok: ratio <= allowed,
    baselineIs: 'ns per simulated request of the same scenario on the built-in two-cluster mesh',
  };
}

/** Untimed trials of each job before the timed pairs (V8 optimises each job's paths on its own). */
const WARMUP_RUNS = 3;

/**
 * Wall time per simulated request (ns) of `base` and `job`, timed in interleaved pairs: each
 * repetition runs a trial of `base` and a trial of `job` with the same seed back to back, so a slow
 * spell of the machine lands on both sides of a ratio. `ratio` is the median of the per-pair
 * ratios; `baseline` and `value` the medians of each side.
 */
export function pairedPerRequestNs(base: SimJob, job: SimJob, reps: number): { baseline: number; value: number; ratio: number } {
  const trial = (j: SimJob, seed: number) => {
    const t0 = performance.now();
    const requests = runSimTrials(j, [seed], 0).requests;
    return ((performance.now() - t0) * 1e6) / requests;
  };
  for (let i = 0; i < WARMUP_RUNS; i++) {
    trial(base, 1000 + i);
    trial(job, 1000 + i);
  }
  const baseNs: number[] = [];
  const jobNs: number[] = [];
  for (let i = 0; i < reps; i++) {
    baseNs.push(trial(base, i + 1));
    jobNs.push(trial(job, i + 1));
  }
  return { baseline: median(baseNs), value: median(jobNs), ratio: median(jobNs.map((v, i) => v / baseNs[i]!)) };
}

/** The failover timeline acts on cluster1's helloworld deployment of the big mesh. */
export function retarget(s: Scenario): Scenario {
  return {
    ...s,
    timeline: s.timeline.map((e) => (e.action.kind === 'scale' ? { ...e, action: { ...e.action, deployment: 'helloworld-v1', replicas: e.action.replicas === 0 ? 0 : PODS } } : e)),
  };
}
