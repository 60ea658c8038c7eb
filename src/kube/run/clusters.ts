/**
 * The scenario's clusters (the mesh's, by name) mapped onto the kubeconfig contexts, in order:
 * the mesh's first cluster is the first `--context`, and so on.
 */
import { UsageError } from '../../errors.js';
import type { Mesh, MeshCluster, MeshWorkload } from '../../model/mesh.js';
import type { Scenario } from '../../model/scenario.js';
import type { ClusterGateway } from '../gateway.js';
import type { KubeGateway } from '../index.js';

/** One mesh cluster and the context that reaches it. */
export interface RunCluster {
  /** The mesh's cluster name (`cluster1`). */
  name: string;
  context: string;
  gateway: ClusterGateway;
  mesh: MeshCluster;
}

/**
 * Pairs the mesh's clusters with the contexts.
 * @throws UsageError (exit 2) when the number of contexts differs from the number of mesh clusters.
 */
export function mapClusters(mesh: Mesh, kube: KubeGateway): RunCluster[] {
  const names = mesh.clusters.map((c) => c.name);
  if (kube.clusters.length !== mesh.clusters.length) {
    throw new UsageError(
      `the mesh ${mesh.name} has ${mesh.clusters.length} cluster(s) (${names.join(', ')}) but ${kube.clusters.length} --context was given`,
      { hint: `Pass one --context per cluster, in this order: ${names.map((n) => `--context <${n}>`).join(' ')}` },
    );
  }
  return mesh.clusters.map((m, i) => {
    const c = kube.clusters[i]!;
    return { name: m.name, context: c.spec.context, gateway: c.gateway, mesh: m };
  });
}

/** The cluster of that name (the scenario was validated against the mesh, so it exists). */
export function clusterNamed(clusters: readonly RunCluster[], name: string): RunCluster {
  const c = clusters.find((x) => x.name === name);
  if (c === undefined) throw new RangeError(`cluster ${name} is not in the mesh`);
  return c;
}

/** The mesh workload a timeline action or the client names. */
export function workloadOf(c: RunCluster, deployment: string): MeshWorkload | undefined {
  return c.mesh.workloads.find((w) => w.name === deployment);
}

/** Namespace of a deployment named in the scenario: the mesh's, else the request's. */
export function namespaceOf(c: RunCluster, deployment: string, scenario: Scenario): string {
  return workloadOf(c, deployment)?.namespace ?? scenario.request.namespace;
}
