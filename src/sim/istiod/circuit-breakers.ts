/**
 * The cluster's circuit-breaker thresholds and connection settings istiod derives from a
 * DestinationRule's `connectionPool` (istio pilot/pkg/networking/core/cluster_traffic_policy.go
 * applyConnectionPool). istiod always writes a thresholds entry: unset limits take
 * getDefaultCircuitBreakerThresholds' math.MaxUint32 (max_connections, max_pending_requests,
 * max_requests, max_retries), far above Envoy's own defaults of 1024 and 3 — so a mesh without a
 * connectionPool never overflows. A limit of 0 counts as unset ("FIXME: there isn't a way to
 * distinguish between unset values and zero values": every mapping is guarded by `> 0`).
 */
import type { ConnectionPool } from '../../model/destination-rule.js';

/** math.MaxUint32: istiod's default for every threshold. */
export const ISTIO_DEFAULT_THRESHOLD = 4_294_967_295;

/** Envoy `circuit_breakers.thresholds[0]` and the HTTP protocol options istiod sets beside them. */
export interface CircuitBreakerConfig {
  /** tcp.maxConnections → max_connections. */
  maxConnections: number;
  /** http.http1MaxPendingRequests → max_pending_requests. */
  maxPendingRequests: number;
  /** http.http2MaxRequests → max_requests (Envoy enforces it for HTTP/1.1 pools too: conn_pool_base.cc attachStreamToClient). */
  maxRequests: number;
  /** http.maxRetries → max_retries (parallel retries to the cluster). */
  maxRetries: number;
  /** http.maxRequestsPerConnection → common_http_protocol_options.max_requests_per_connection; 0 = unlimited. */
  maxRequestsPerConnection: number;
  /** http.idleTimeout, else tcp.idleTimeout → common_http_protocol_options.idle_timeout; undefined = the mesh default. */
  idleTimeoutUs: number | undefined;
  /** tcp.connectTimeout → cluster connect_timeout; undefined = MeshConfig connectTimeout (10 s). */
  connectTimeoutUs: number | undefined;
}

export function circuitBreakersOf(pool: ConnectionPool | undefined): CircuitBreakerConfig {
  const positive = (v: number | undefined) => (v !== undefined && v > 0 ? v : ISTIO_DEFAULT_THRESHOLD);
  const http = pool?.http;
  const tcp = pool?.tcp;
  return {
    maxConnections: positive(tcp?.maxConnections),
    maxPendingRequests: positive(http?.http1MaxPendingRequests),
    maxRequests: positive(http?.http2MaxRequests),
    maxRetries: positive(http?.maxRetries),
    maxRequestsPerConnection: http?.maxRequestsPerConnection !== undefined && http.maxRequestsPerConnection > 0 ? http.maxRequestsPerConnection : 0,
    // applyConnectionPool: `idleTimeout = settings.Http.IdleTimeout`, then `if idleTimeout == nil { idleTimeout = settings.Tcp.IdleTimeout }`.
    idleTimeoutUs: http?.idleTimeoutUs ?? tcp?.idleTimeoutUs,
    connectTimeoutUs: tcp?.connectTimeoutUs,
  };
}

/** True when any limit is below istiod's default (the engine then does the bookkeeping the limits need). */
export function hasLimits(c: CircuitBreakerConfig): boolean {
  return (
    c.maxConnections < ISTIO_DEFAULT_THRESHOLD ||
    c.maxPendingRequests < ISTIO_DEFAULT_THRESHOLD ||
    c.maxRequests < ISTIO_DEFAULT_THRESHOLD ||
    c.maxRetries < ISTIO_DEFAULT_THRESHOLD
  );
}
