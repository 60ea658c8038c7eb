import type { Locality } from './locality.js';
import {
  DEFAULT_CONTROL_PLANE,
  DEFAULT_MESH_DEFAULTS,
  DEFAULT_NETWORK_DELAY_US,
  DEFAULT_SERVER_BACKLOG,
  DEFAULT_SERVER_GRACEFUL_TIMEOUT_US,
  DEFAULT_SERVER_SIGNAL_CHECK_US,
  DEFAULT_SERVER_WORKERS,
  type Mesh,
  type MeshCluster,
  type MeshWorkload,
} from './mesh.js';
import type { MeshDocument } from './schemas/mesh.js';

/** Namespace of a workload that names none (the seed deploys everything in `sample`). */
export const DEFAULT_NAMESPACE = 'sample';
/** meshID when the file names none (the seed's `mesh1`). */
export const DEFAULT_MESH_ID = 'mesh1';

const NO_LOCALITY: Locality = { region: '', zone: '', subzone: '' };

type WorkloadDoc = NonNullable<MeshDocument['spec']['clusters'][number]['workloads']>[number];

function resolveWorkload(w: WorkloadDoc): MeshWorkload {
  const out: MeshWorkload = {
    name: w.name,
    namespace: w.namespace ?? DEFAULT_NAMESPACE,
    replicas: w.replicas ?? 1,
    locality: w.locality ?? NO_LOCALITY,
    client: w.client ?? false,
    labels: { ...(w.labels ?? {}) },
  };
  if (w.service !== undefined) out.service = w.service;
  if (w.version !== undefined) out.version = w.version;
  if (w.proxy?.concurrency !== undefined) out.proxyConcurrency = w.proxy.concurrency;
  if (w.latency !== undefined) out.latency = { p50Us: w.latency.p50, p99Us: w.latency.p99 };
  if (w.server !== undefined) {
    out.server = {
      workers: w.server.workers ?? DEFAULT_SERVER_WORKERS,
      cpuP50Us: w.server.cpu.p50,
      cpuP99Us: w.server.cpu.p99,
      cpuLimitMillicores: w.server.cpuLimit,
      backlog: w.server.backlog ?? DEFAULT_SERVER_BACKLOG,
      gracefulTimeoutUs: w.server.gracefulTimeout ?? DEFAULT_SERVER_GRACEFUL_TIMEOUT_US,
      signalCheckUs: w.server.signalCheckInterval ?? DEFAULT_SERVER_SIGNAL_CHECK_US,
    };
  }
  return out;
}

/**
 * Applies the Mesh defaults (product.md §3.1, src/model/mesh.ts) to a schema-valid document:
 * workload namespace `sample`, 1 replica, no labels; a gateway with 1 replica in the locality of the
 * cluster's first workload; network, controlPlane and defaults timings from the DEFAULT_* tables.
 * Call only on a document that validated without problems.
 */
export function resolveMesh(doc: MeshDocument): Mesh {
  const clusters: MeshCluster[] = doc.spec.clusters.map((c) => {
    const workloads = (c.workloads ?? []).map(resolveWorkload);
    const cluster: MeshCluster = { name: c.name, network: c.network, workloads };
    if (c.eastWestGateway !== undefined) {
      cluster.eastWestGateway = {
        replicas: c.eastWestGateway.replicas ?? 1,
        locality: c.eastWestGateway.locality ?? workloads[0]?.locality ?? NO_LOCALITY,
      };
    }
    return cluster;
  });
  const net = doc.spec.network ?? {};
  const cp = doc.spec.controlPlane ?? {};
  const d = doc.spec.defaults ?? {};
  return {
    name: doc.metadata.name,
    meshID: doc.spec.meshID ?? DEFAULT_MESH_ID,
    clusters,
    networkDelayUs: {
      sameZone: net.sameZone ?? DEFAULT_NETWORK_DELAY_US.sameZone,
      crossZone: net.crossZone ?? DEFAULT_NETWORK_DELAY_US.crossZone,
      crossRegion: net.crossRegion ?? DEFAULT_NETWORK_DELAY_US.crossRegion,
    },
    controlPlane: {
      endpointUpdateUs: cp.endpointUpdate?.p50Us ?? DEFAULT_CONTROL_PLANE.endpointUpdateUs,
      endpointUpdateP99Us: cp.endpointUpdate?.p99Us ?? DEFAULT_CONTROL_PLANE.endpointUpdateP99Us,
      remoteWatchUs: cp.remoteWatch?.p50Us ?? DEFAULT_CONTROL_PLANE.remoteWatchUs,
      remoteWatchP99Us: cp.remoteWatch?.p99Us ?? DEFAULT_CONTROL_PLANE.remoteWatchP99Us,
      debounceAfterUs: cp.debounceAfter ?? DEFAULT_CONTROL_PLANE.debounceAfterUs,
      debounceMaxUs: cp.debounceMax ?? DEFAULT_CONTROL_PLANE.debounceMaxUs,
      pushUs: cp.push?.p50Us ?? DEFAULT_CONTROL_PLANE.pushUs,
      pushP99Us: cp.push?.p99Us ?? DEFAULT_CONTROL_PLANE.pushP99Us,
    },
    defaults: {
      terminationGracePeriodUs: d.terminationGracePeriod ?? DEFAULT_MESH_DEFAULTS.terminationGracePeriodUs,
      terminationDrainDurationUs: d.terminationDrainDuration ?? DEFAULT_MESH_DEFAULTS.terminationDrainDurationUs,
      podStartupUs: d.podStartup ?? DEFAULT_MESH_DEFAULTS.podStartupUs,
      nativeSidecars: d.nativeSidecars ?? DEFAULT_MESH_DEFAULTS.nativeSidecars,
      exitOnZeroActiveConnections: d.exitOnZeroActiveConnections ?? DEFAULT_MESH_DEFAULTS.exitOnZeroActiveConnections,
      proxyConcurrency: d.proxyConcurrency ?? DEFAULT_MESH_DEFAULTS.proxyConcurrency,
      connectionIdleTimeoutUs: d.connectionIdleTimeout ?? DEFAULT_MESH_DEFAULTS.connectionIdleTimeoutUs,
    },
  };
}
