/**
 * The client cluster's circuit breakers at run time: Envoy keeps one ResourceManager per cluster
 * and priority, shared by every worker thread (envoy source/common/upstream/resource_manager_impl.h
 * ResourceManagerImpl: atomic counts, `canCreate()` is `current < max`), so the limits apply to the
 * whole client sidecar, not per worker. Thresholds come from istiod (../istiod/circuit-breakers.ts).
 *
 * - max_requests: a stream is attached to a connection only while the cluster's active requests
 *   are below it, else the pool fails it with Overflow (envoy source/common/conn_pool/conn_pool_base.cc
 *   ConnPoolImplBase::attachStreamToClient, `upstream_rq_pending_overflow`).
 * - max_pending_requests: a request that finds no ready connection becomes a pending stream only
 *   below it, else Overflow (ConnPoolImplBase::newStream, `upstream_rq_pending_overflow`). A request
 *   waiting for a connection that is still connecting is pending too.
 * - max_connections: a pool opens a connection only below it (`upstream_cx_overflow`), except that
 *   a pool with no connection at all always opens one (tryCreateNewConnection).
 * - max_retries: a retry is made only while the cluster's retries in progress are below it, else the
 *   response stands and is flagged UO (envoy source/common/router/retry_state_impl.cc
 *   RetryStateImpl::shouldRetry → RetryStatus::NoOverflow, `upstream_rq_retry_overflow`).
 *
 * An Overflow is a local reply: 503 with response flag UO (router.cc
 * Filter::streamResetReasonToResponseFlag), never retried (retry_state_impl.cc wouldRetryFromReset:
 * "we never retry if the reset reason is overflow") and not reported to outlier detection
 * (router.cc Filter::onUpstreamReset: "Ignore upstream reset caused by a resource overflow",
 * envoy#25487).
 */
import { circuitBreakersOf, hasLimits, type CircuitBreakerConfig } from '../istiod/circuit-breakers.js';

export class ClusterResources {
  limits: CircuitBreakerConfig = circuitBreakersOf(undefined);
  /** False with istiod's default thresholds: nothing can overflow, so no pending bookkeeping is needed. */
  limited = false;
  /** Requests attached to a connection (the cluster's `requests` resource, rq_active). */
  active = 0;
  /** Requests waiting in a pool's pending queue. */
  queued = 0;
  /** Retries in progress (the `retries` resource). */
  retries = 0;
  /** When the connections now connecting finish (their requests are pending until then); only kept when limited. */
  private connectingUntil: number[] = [];
  /** Envoy's counters: upstream_rq_pending_overflow, upstream_rq_retry_overflow, upstream_cx_overflow. */
  pendingOverflows = 0;
  retryOverflows = 0;
  cxOverflows = 0;

  configure(limits: CircuitBreakerConfig | undefined): void {
    this.limits = limits ?? circuitBreakersOf(undefined);
    this.limited = hasLimits(this.limits);
  }

  /** A request is pending on a new connection until `untilUs`. */
  connecting(untilUs: number): void {
    if (this.limited) this.connectingUntil.push(untilUs);
  }

  /** Pending streams at `nowUs`: queued ones and those waiting for their connection's handshake. */
  pendingAt(nowUs: number): number {
    const c = this.connectingUntil;
    if (c.length > 0) this.connectingUntil = c.filter((t) => t > nowUs);
    return this.queued + this.connectingUntil.length;
  }

  canAttach(): boolean {
    return this.active < this.limits.maxRequests;
  }

  canQueue(nowUs: number): boolean {
    return !this.limited || this.pendingAt(nowUs) < this.limits.maxPendingRequests;
  }

  canRetry(): boolean {
    return this.retries < this.limits.maxRetries;
  }
}
