import type { Locality } from './locality.js';

/**
 * A resolved `kind: Mesh` document (product.md §3.1), durations converted to integer µs.
 * Produced by the document loader; consumed by the simulator and `explain`.
 */
export interface Mesh {
  name: string;
  meshID: string;
  clusters: MeshCluster[];
  /** One-way delay per hop by the relation of the two ends. */
  networkDelayUs: { sameZone: number; crossZone: number; crossRegion: number };
  controlPlane: ControlPlaneTiming;
  defaults: MeshDefaults;
}

/**
 * Control-plane timings. The three propagation delays are distributions: each trial draws every
 * occurrence from a log-normal through the median (`…Us`) and the 99th percentile (`…P99Us`); a
 * p99 equal to the median is a constant (what a mesh file that gives a plain duration means).
 * The debounce settings are istiod flags, applied exactly (pilot/pkg/xds/discovery.go debounce).
 */
export interface ControlPlaneTiming {
  /** Pod change → EndpointSlice seen by the istiod of the same cluster (median). */
  endpointUpdateUs: number;
  endpointUpdateP99Us: number;
  /** Extra delay before a remote cluster's istiod sees the change (remote-secret watch; median). */
  remoteWatchUs: number;
  remoteWatchP99Us: number;
  /** PILOT_DEBOUNCE_AFTER. */
  debounceAfterUs: number;
  /** PILOT_DEBOUNCE_MAX. */
  debounceMaxUs: number;
  /** istiod → proxy EDS apply (median). */
  pushUs: number;
  pushP99Us: number;
}

export interface MeshDefaults {
  /** Pod terminationGracePeriodSeconds (Kubernetes default 30s). */
  terminationGracePeriodUs: number;
  /** ProxyConfig terminationDrainDuration (default 5s): how long the server sidecar drains after SIGTERM. */
  terminationDrainDurationUs: number;
  /** Pod creation → Ready (image pulled, app and sidecar started, readiness probe passed). */
  podStartupUs: number;
}

export interface MeshCluster {
  name: string;
  network: string;
  /** Absent: no east-west gateway, so this cluster's endpoints are unreachable from other networks. */
  eastWestGateway?: { replicas: number; locality: Locality };
  workloads: MeshWorkload[];
}

export interface MeshWorkload {
  /** Deployment name (DNS-1123 label). */
  name: string;
  namespace: string;
  /** Service this Deployment backs (port 5000, path /hello). Absent for pure clients. */
  service?: string;
  /** `version` label and the version helloworld reports in its body. */
  version?: string;
  replicas: number;
  locality: Locality;
  /** True for load-generating clients (the sleep pod). */
  client: boolean;
  /** Service time: log-normal through p50 and p99. Absent for clients. */
  latency?: { p50Us: number; p99Us: number };
  /** Extra pod labels (used by `failoverPriority` keys); `app` and `version` are added automatically. */
  labels: Record<string, string>;
}

/** Default control-plane and lifecycle timings when the mesh file omits them (product.md §3.1). */
/**
 * Medians are the old constants; the p99s are assumptions that give each delay a right tail of a
 * few times its median (docs/simulator.md "Control-plane delays" says where to read real values:
 * kube-apiserver watch latency, istiod's pilot_proxy_convergence_time and pilot_xds_push_time).
 */
export const DEFAULT_CONTROL_PLANE: ControlPlaneTiming = {
  endpointUpdateUs: 300_000,
  endpointUpdateP99Us: 1_000_000,
  remoteWatchUs: 200_000,
  remoteWatchP99Us: 800_000,
  debounceAfterUs: 100_000,
  debounceMaxUs: 10_000_000,
  pushUs: 50_000,
  pushP99Us: 250_000,
};

export const DEFAULT_MESH_DEFAULTS: MeshDefaults = {
  terminationGracePeriodUs: 30_000_000,
  terminationDrainDurationUs: 5_000_000,
  podStartupUs: 2_000_000,
};

export const DEFAULT_NETWORK_DELAY_US = { sameZone: 100, crossZone: 500, crossRegion: 30_000 };
