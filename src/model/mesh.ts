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
  /**
   * Sidecars as Kubernetes native sidecars (ENABLE_NATIVE_SIDECARS, istio pilot/pkg/features):
   * 'auto' follows the Istio version (on from 1.27, which assumes Kubernetes ≥ 1.33 nodes).
   * Native: the sidecar gets SIGTERM only after the app exited. Classic: both at once.
   */
  nativeSidecars: 'auto' | boolean;
  /**
   * pilot-agent EXIT_ON_ZERO_ACTIVE_CONNECTIONS: after the drain duration the sidecar waits for its
   * active connections to reach zero (polled each second) instead of exiting at once.
   */
  exitOnZeroActiveConnections: boolean;
  /**
   * Envoy worker threads of a sidecar (ProxyConfig concurrency). Unset, pilot-agent takes the
   * sidecar's CPU limit, rounded up (istio pilot/cmd/pilot-agent/config/config.go
   * ConstructProxyConfig, ISTIO_CPU_LIMIT from the injection template's `limits.cpu`), and the
   * chart's sidecar limit is 2000m (manifests/charts/istio-control/istio-discovery/values.yaml
   * global.proxy.resources): 2 workers.
   */
  proxyConcurrency: number;
  /** Upstream connection idle timeout (Envoy HttpProtocolOptions idle_timeout, default 1 h). */
  connectionIdleTimeoutUs: number;
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
  /**
   * Light app: service time log-normal through p50 and p99, unlimited concurrency (no queue).
   * Absent for clients and for workloads with a `server` model.
   */
  latency?: { p50Us: number; p99Us: number };
  /** App server with finite capacity (workers, CPU per request, FIFO accept queue). */
  server?: ServerModel;
  /** Extra pod labels (used by `failoverPriority` keys); `app` and `version` are added automatically. */
  labels: Record<string, string>;
  /**
   * Envoy worker threads of this workload's sidecar (`proxy.concurrency`, ProxyConfig concurrency
   * from the `proxy.istio.io/config` annotation); absent = `defaults.proxyConcurrency`.
   */
  proxyConcurrency?: number;
}

/**
 * A pod's app server: `workers` requests run at once (gunicorn worker processes; a gevent worker
 * runs one CPU-bound request at a time because the loop never yields), each holding a worker for
 * its CPU time (log-normal through p50/p99) stretched by the CPU limit when workers outnumber
 * cores; the rest wait in a FIFO accept queue of `backlog` connections (listen(2) backlog).
 */
export interface ServerModel {
  workers: number;
  cpuP50Us: number;
  cpuP99Us: number;
  /** resources.limits.cpu in millicores; undefined = no limit. */
  cpuLimitMillicores: number | undefined;
  backlog: number;
  /** gunicorn graceful_timeout: after noticing SIGTERM, how long in-flight requests may finish. */
  gracefulTimeoutUs: number;
  /**
   * How often the worker's main loop looks at its `alive` flag (gunicorn/workers/ggevent.py
   * GeventWorker.run: `while self.alive: self.notify(); gevent.sleep(1.0)`): SIGTERM closes the
   * listener at the next tick, and the worker exits at the first tick with no request left.
   */
  signalCheckUs: number;
}

/** gunicorn's defaults (gunicorn/config.py: Workers 1, Backlog 2048). */
export const DEFAULT_SERVER_WORKERS = 1;
export const DEFAULT_SERVER_BACKLOG = 2048;
export const DEFAULT_SERVER_GRACEFUL_TIMEOUT_US = 30_000_000;
export const DEFAULT_SERVER_SIGNAL_CHECK_US = 1_000_000;

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
  nativeSidecars: 'auto',
  exitOnZeroActiveConnections: false,
  proxyConcurrency: 2,
  connectionIdleTimeoutUs: 3_600_000_000,
};

export const DEFAULT_NETWORK_DELAY_US = { sameZone: 100, crossZone: 500, crossRegion: 30_000 };
