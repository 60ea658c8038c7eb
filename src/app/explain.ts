/**
 * `explain`: what each client proxy does with a DestinationRule in a mesh.
 */
import { UsageError } from '../errors.js';
import type { DestinationRule } from '../model/destination-rule.js';
import type { Mesh } from '../model/mesh.js';
import type { LoadModel } from '../model/scenario.js';
import type { TrafficDistribution } from '../sim/istiod/locality-lb.js';
import { explainMesh, type ExplainReport } from '../sim/explain/explain.js';
import { DEFAULT_ISTIO_VERSION, istioProfile, supportedIstioVersions, type IstioProfile } from '../sim/istio-profile.js';
import { clientsOf, findWorkload } from '../sim/topology.js';

export type { ExplainReport } from '../sim/explain/explain.js';

export interface ExplainInput {
  mesh: Mesh;
  destinationRule?: DestinationRule;
  /** Istio version (`1.24`, `1.24.3`, `v1.18`); default the newest supported. */
  istio?: string;
  /** `cluster/workload`; default `clients`, else every client workload of the mesh. */
  client?: string;
  /** The clients of a scenario (validated against the mesh), explained in order. */
  clients?: ReadonlyArray<{ cluster: string; workload: string }>;
  /** Service to explain; default every service of the mesh. */
  service?: { service: string; namespace: string };
  /** The scenario's load (how many connections it opens: gateway pinning; connectionPool limits are checked against it). */
  load?: LoadModel;
  /** The Service's `spec.trafficDistribution` (a scenario's request names it). */
  trafficDistribution?: TrafficDistribution;
}

/**
 * The Istio profile for a version flag.
 * @throws UsageError (exit 2) naming the supported versions.
 */
export function profileForFlag(version: string | undefined): IstioProfile {
  const profile = istioProfile(version ?? DEFAULT_ISTIO_VERSION);
  if (profile === undefined) {
    throw new UsageError(`unsupported Istio version "${version ?? ''}"`, {
      hint: `supported: ${supportedIstioVersions().join(', ')} (patch versions such as 1.24.3 are accepted)`,
    });
  }
  return profile;
}

/**
 * Explain the mesh for one client (or all clients).
 * @throws UsageError (exit 2) for an unknown Istio version or a client not in the mesh.
 */
export function explain(input: ExplainInput): ExplainReport {
  const profile = profileForFlag(input.istio);
  let clients: Array<{ cluster: string; workload: string }> | undefined;
  if (input.client !== undefined) {
    const [cluster = '', workload = '', ...rest] = input.client.split('/');
    if (rest.length > 0 || findWorkload(input.mesh, cluster, workload) === undefined) {
      const known = input.mesh.clusters.flatMap((c) => c.workloads.map((w) => `${c.name}/${w.name}`));
      throw new UsageError(`--client ${input.client}: no such workload in mesh ${input.mesh.name}`, {
        hint: `write <cluster>/<workload>, one of: ${known.join(', ')}`,
      });
    }
    clients = [{ cluster, workload }];
  } else if (input.clients !== undefined && input.clients.length > 0) {
    clients = input.clients.map((c) => ({ cluster: c.cluster, workload: c.workload }));
  } else if (clientsOf(input.mesh).length === 0) {
    throw new UsageError(`mesh ${input.mesh.name} has no client workload`, { hint: 'name one with --client <cluster>/<workload>' });
  }
  return explainMesh({
    mesh: input.mesh,
    profile,
    ...(input.destinationRule !== undefined ? { destinationRule: input.destinationRule } : {}),
    ...(clients !== undefined ? { clients } : {}),
    ...(input.service !== undefined ? { service: input.service } : {}),
    ...(input.load !== undefined ? { load: input.load } : {}),
    ...(input.trafficDistribution !== undefined ? { trafficDistribution: input.trafficDistribution } : {}),
  });
}
