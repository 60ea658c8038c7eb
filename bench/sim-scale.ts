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
import { median, timeRuns, type BenchRow } from './harness.js';
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
  const baseline = perRequestNs(small, reps);
  const value = perRequestNs(big, reps);
  const ratio = value / baseline;
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

/** Median wall time per simulated request (ns) of one-trial runs (seeds 1, 2, … after a warm-up run). */
export function perRequestNs(job: SimJob, reps: number): number {
  let requests = 0;
  let seed = 1;
  const ms = median(timeRuns(reps, () => (requests = runSimTrials(job, [seed++], 0).requests)));
  return (ms * 1e6) / requests;
}

/** The failover timeline acts on cluster1's helloworld deployment of the big mesh. */
export function retarget(s: Scenario): Scenario {
  return {
    ...s,
    timeline: s.timeline.map((e) => (e.action.kind === 'scale' ? { ...e, action: { ...e.action, deployment: 'helloworld-v1', replicas: e.action.replicas === 0 ? 0 : PODS } } : e)),
  };
}
