/**
 * The data istiod hands a client Envoy and the Envoy-side runtime state the model works on.
 * Shapes mirror Envoy's `ClusterLoadAssignment` / `Cluster` protos, reduced to what the
 * simulator uses. Pure data: no behaviour here.
 */
import type { Locality } from '../model/locality.js';
import type { CircuitBreakerConfig } from './istiod/circuit-breakers.js';

/** An endpoint as istiod's service registry holds it (`pilot/pkg/model/service.go` IstioEndpoint). */
export interface IstioEndpoint {
  /** Stable id, the pod name (also the `instance` helloworld reports). */
  id: string;
  /** Pod IP. */
  address: string;
  port: number;
  cluster: string;
  network: string;
  locality: Locality;
  /** Pod labels as written (the builder augments them with topology labels, AugmentLabels). */
  labels: Record<string, string>;
  /** `LbWeight`; 0 means 1 (GetLoadBalancingWeight). */
  weight: number;
  /** Sidecar-injected (mTLS capable); only such endpoints are reachable through an east-west gateway. */
  mtls: boolean;
  /** False: listed but not ready (istiod `UnHealthy`); absent or true: ready. */
  healthy?: boolean;
}

/** An east-west gateway known to istiod (Service labelled topology.istio.io/network with port 15443). */
export interface NetworkGateway {
  /** Stable id, e.g. `cluster2/istio-eastwestgateway`. */
  id: string;
  address: string;
  port: number;
  network: string;
  cluster: string;
}

/** The client proxy an EDS/CDS build is for (its node metadata). */
export interface ProxyView {
  id: string;
  cluster: string;
  network: string;
  locality: Locality;
  /** Pod labels of the client (failoverPriority compares endpoint labels against these). */
  labels: Record<string, string>;
}

/** One `LbEndpoint` in a locality group: either a pod or an east-west gateway standing for remote pods. */
export interface LbEndpoint {
  /** Pod id, or `<gateway id>` for a gateway entry (same id may appear in several groups). */
  id: string;
  address: string;
  port: number;
  /** Envoy load-balancing weight (after the network scale factor). */
  weight: number;
  kind: 'direct' | 'gateway';
  cluster: string;
  network: string;
  /** For gateway entries: the remote endpoint ids folded into it (empty for direct endpoints). */
  backends: string[];
  /** EDS `health_status: UNHEALTHY` (a not-ready pod istiod sends); absent: healthy. */
  unhealthy?: boolean;
}

/** One `LocalityLbEndpoints` group. */
export interface LocalityLbEndpoints {
  locality: Locality;
  /** Envoy priority (0 = most preferred), already compacted by istiod. */
  priority: number;
  /** `load_balancing_weight`: sum of endpoint weights, or the `distribute` weight; 0 = no traffic. */
  weight: number;
  endpoints: LbEndpoint[];
}

/** What istiod pushes over EDS for one cluster to one proxy. */
export interface ClusterLoadAssignment {
  groups: LocalityLbEndpoints[];
}

/** Envoy `Cluster` settings that shape picking and ejection (the CDS side). */
export interface ClusterConfig {
  lbPolicy: 'LEAST_REQUEST' | 'ROUND_ROBIN' | 'RANDOM';
  /** `common_lb_config.locality_weighted_lb_config` set (mesh-behaviour.md §1.8). */
  localityWeighted: boolean;
  /** `common_lb_config.healthy_panic_threshold` in percent (Envoy default 50). */
  healthyPanicThresholdPct: number;
  /** Absent: no outlier detection, hosts are never ejected. */
  outlier?: EnvoyOutlierConfig;
  /** Overprovisioning factor in percent; Istio never sets it (140). */
  overprovisioningFactor: number;
  /** Circuit-breaker thresholds and connection settings (istiod applyConnectionPool); absent = istiod's defaults. */
  circuitBreakers?: CircuitBreakerConfig;
}

/** Envoy `cluster.outlier_detection` with Envoy defaults filled in (mesh-behaviour.md §2, OE-01). */
export interface EnvoyOutlierConfig {
  consecutive5xx: number;
  enforcingConsecutive5xx: number;
  consecutiveGatewayFailure: number;
  enforcingConsecutiveGatewayFailure: number;
  splitExternalLocalOriginErrors: boolean;
  consecutiveLocalOriginFailure: number;
  enforcingConsecutiveLocalOriginFailure: number;
  enforcingSuccessRate: number;
  intervalUs: number;
  baseEjectionTimeUs: number;
  maxEjectionTimeUs: number;
  maxEjectionPercent: number;
}

/** Route retry policy (Istio `DefaultPolicy`, retry.go). */
export interface RetryPolicy {
  numRetries: number;
  retryOn: string[];
  retriableStatusCodes: number[];
  /** `retry_host_predicate: previous_hosts`. */
  previousHosts: boolean;
  hostSelectionRetryMaxAttempts: number;
  backoffBaseUs: number;
  backoffMaxUs: number;
}

/** Host counts of one priority level as Envoy's load maths sees them. */
export interface PriorityLevelHealth {
  total: number;
  healthy: number;
  degraded?: number;
  excluded?: number;
}

/** Result of Envoy's per-priority load computation (load_balancer_impl.cc). */
export interface PriorityLoads {
  /** Healthy load per priority, integer percent. */
  healthy: number[];
  /** Degraded load per priority, integer percent. */
  degraded: number[];
  inPanic: boolean[];
  /** Every priority in panic: loads by host count. */
  totalPanic: boolean;
  /** min(100, Σ health + Σ degraded). */
  normalizedTotalHealth: number;
}
