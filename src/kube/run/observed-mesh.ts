/**
 * The mesh as the clusters actually are, for the measures: the scenario's mesh with each workload's
 * locality read from where its pods run, its replicas from its Deployment, and each cluster's
 * network from istio-system's label. The client's placement (for locality shares) and the split the
 * policy predicts (for the chi-square test) are then computed from what is really there, exactly as
 * the simulator computes them from the mesh file (`accumulatorOptionsFor`).
 */
import { accumulatorOptionsFor } from '../../app/sim-trials.js';
import type { AccumulatorOptions } from '../../measure/accumulator.js';
import { parseLocality } from '../../model/locality.js';
import type { Mesh } from '../../model/mesh.js';
import type { Scenario } from '../../model/scenario.js';
import { DEFAULT_ISTIO_VERSION, NEWEST_MINOR, OLDEST_MINOR, istioProfile } from '../../sim/istio-profile.js';
import type { RunCluster } from './clusters.js';
import { readyPodsOf } from './preflight.js';
import type { PodDirectory } from './topology.js';

/** `1.24.2` → `1.24` (`major.minor`), undefined when it is not a version. */
export function majorMinor(version: string | undefined): string | undefined {
  const m = version !== undefined ? /^v?(\d+)\.(\d+)/.exec(version) : null;
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** The behaviour profile closest to a cluster's Istio version (newest for unknown or newer ones). */
export function profileVersionFor(istio: string | undefined): string {
  const mm = majorMinor(istio);
  if (mm === undefined) return DEFAULT_ISTIO_VERSION;
  if (istioProfile(mm) !== undefined) return mm;
  const minor = Number(mm.split('.')[1]);
  return mm.startsWith('1.') && minor < OLDEST_MINOR ? `1.${OLDEST_MINOR}` : `1.${NEWEST_MINOR}`;
}

/** Kubernetes minor version of a gitVersion (`v1.31.2` → 31). */
export function kubernetesMinor(gitVersion: string | undefined): number | undefined {
  const m = gitVersion !== undefined ? /^v?1\.(\d+)/.exec(gitVersion) : null;
  return m ? Number(m[1]) : undefined;
}

/** The scenario's mesh with localities, replicas and networks read from the clusters. */
export async function observeMesh(mesh: Mesh, clusters: readonly RunCluster[], networks: Readonly<Record<string, string>>, directory: PodDirectory): Promise<Mesh> {
  const out = structuredClone(mesh);
  for (const mc of out.clusters) {
    const c = clusters.find((x) => x.name === mc.name);
    if (c === undefined) continue;
    const network = networks[mc.name];
    if (network !== undefined && network !== '') mc.network = network;
    for (const w of mc.workloads) {
      const dep = await c.gateway.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: w.namespace, name: w.name });
      if (dep === undefined) continue;
      w.replicas = (dep['spec'] as { replicas?: number } | undefined)?.replicas ?? w.replicas;
      const pod = (await readyPodsOf(c, w.namespace, dep))[0];
      const place = pod !== undefined ? directory.lookup(pod.metadata.name) : undefined;
      if (place !== undefined) w.locality = parseLocality(place.locality);
    }
  }
  return out;
}

/** Accumulator options from the observed mesh (client placement, predicted split, faulted version). */
export function kubeAccumulatorOptions(observed: Mesh, scenario: Scenario, profileVersion: string): AccumulatorOptions {
  return accumulatorOptionsFor({ mesh: observed, scenario, istio: profileVersion });
}
