/**
 * A resolved DestinationRule (networking.istio.io v1 / v1beta1 / v1alpha3), limited to what the
 * simulator interprets. Field names follow istio/api `networking/v1alpha3/destination_rule.proto`;
 * durations are converted to integer µs. Fields the simulator does not model are kept in `ignored`
 * so `explain` can say so.
 */
export interface DestinationRule {
  apiVersion: string;
  name: string;
  namespace?: string;
  /** `spec.host`, e.g. `helloworld.sample.svc.cluster.local`. */
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets: DestinationRuleSubset[];
  /** Dotted paths of fields that were parsed but are not modelled (e.g. `spec.trafficPolicy.tls`). */
  ignored: string[];
  /** File it came from, for messages. */
  source: string;
}

export interface DestinationRuleSubset {
  name: string;
  labels: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
}

export type SimpleLb = 'UNSPECIFIED' | 'LEAST_CONN' | 'RANDOM' | 'PASSTHROUGH' | 'ROUND_ROBIN' | 'LEAST_REQUEST';

export interface TrafficPolicy {
  loadBalancer?: LoadBalancerSettings;
  outlierDetection?: OutlierDetection;
  connectionPool?: ConnectionPool;
  /** Present when `portLevelSettings` was given (parsed, reported as not modelled). */
  portLevelSettings?: unknown[];
}

export interface LoadBalancerSettings {
  simple?: SimpleLb;
  /** Present when consistentHash was given: the simulator does not model ring hash. */
  consistentHash?: unknown;
  localityLbSetting?: LocalityLbSetting;
}

export interface LocalityLbSetting {
  /** Absent = true (istio/api: locality LB is on unless explicitly disabled). */
  enabled?: boolean;
  distribute?: LocalityDistribute[];
  failover?: LocalityFailover[];
  failoverPriority?: string[];
}

export interface LocalityDistribute {
  /** `region/zone/subzone` with `*` wildcards. */
  from: string;
  /** Target locality pattern → weight (file order is kept; istiod iterates a Go map). */
  to: Array<{ locality: string; weight: number }>;
}

export interface LocalityFailover {
  from: string;
  to: string;
}

/** DestinationRule `outlierDetection` exactly as written (absent fields stay absent). */
export interface OutlierDetection {
  /** Deprecated; honoured only by Istio ≤1.6 (mesh-behaviour.md §2). */
  consecutiveErrors?: number;
  consecutive5xxErrors?: number;
  consecutiveGatewayErrors?: number;
  consecutiveLocalOriginFailures?: number;
  splitExternalLocalOriginErrors?: boolean;
  intervalUs?: number;
  baseEjectionTimeUs?: number;
  maxEjectionPercent?: number;
  minHealthPercent?: number;
}

/**
 * DestinationRule `connectionPool` as written (absent fields stay absent), limited to what the
 * simulator models: the circuit-breaker limits istiod maps onto the cluster's thresholds, the
 * connect timeout, the idle timeout and the requests per connection
 * (istio cluster_traffic_policy.go applyConnectionPool).
 */
export interface ConnectionPool {
  tcp?: { maxConnections?: number; connectTimeoutUs?: number; idleTimeoutUs?: number };
  http?: {
    http1MaxPendingRequests?: number;
    http2MaxRequests?: number;
    maxRequestsPerConnection?: number;
    maxRetries?: number;
    idleTimeoutUs?: number;
  };
}
