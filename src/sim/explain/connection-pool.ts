/**
 * Whether a DestinationRule's connectionPool limits will bite under the scenario's load: the
 * requests in flight at once (open model: rate × service time, Little's law; closed model: the
 * VUs) against max_connections, max_connections + max_pending_requests and max_requests, as the
 * engine enforces them (../engine/circuit-breakers.ts). The service time is the fastest backing
 * workload's median, so a warning holds even when every request goes to the fastest pods.
 */
import type { ConnectionPool } from '../../model/destination-rule.js';
import type { Mesh } from '../../model/mesh.js';
import type { LoadModel } from '../../model/scenario.js';
import { circuitBreakersOf, ISTIO_DEFAULT_THRESHOLD } from '../istiod/circuit-breakers.js';
import type { ExplainWarning } from './warnings.js';

export function connectionPoolWarnings(
  pool: ConnectionPool | undefined,
  load: LoadModel | undefined,
  mesh: Mesh,
  service: { service: string; namespace: string },
  workers: number,
): ExplainWarning[] {
  if (pool === undefined) return [];
  const limits = circuitBreakersOf(pool);
  const set = (v: number) => v < ISTIO_DEFAULT_THRESHOLD;
  const out: ExplainWarning[] = [];
  if (load === undefined) {
    if (set(limits.maxConnections) || set(limits.maxPendingRequests) || set(limits.maxRequests) || set(limits.maxRetries)) {
      out.push({ severity: 'note', code: 'circuit-breakers', message: 'connectionPool limits apply per client sidecar (all worker threads share them); overflow is a local 503 with response flag UO, not retried, not counted by outlier detection. Give a scenario to check them against its load.' });
    }
    return out;
  }
  let serviceUs = Infinity;
  for (const c of mesh.clusters)
    for (const w of c.workloads) {
      if (w.client || w.service !== service.service || w.namespace !== service.namespace || w.replicas === 0) continue;
      const p50 = w.server?.cpuP50Us ?? w.latency?.p50Us;
      if (p50 !== undefined) serviceUs = Math.min(serviceUs, p50);
    }
  if (!Number.isFinite(serviceUs)) return out;
  const inFlight = load.kind === 'open' ? (load.ratePerS * serviceUs) / 1e6 : load.concurrency;
  const what = load.kind === 'open' ? `${load.ratePerS} req/s × ${(serviceUs / 1000).toFixed(1)} ms ≈ ${inFlight.toFixed(1)} requests in flight` : `${load.concurrency} VUs keep up to ${load.concurrency} requests in flight`;
  // A worker pool with no connection always opens one (conn_pool_base.cc tryCreateNewConnection).
  const connections = set(limits.maxConnections) ? Math.max(limits.maxConnections, 1) : Infinity;
  const pending = set(limits.maxPendingRequests) ? limits.maxPendingRequests : Infinity;
  if (set(limits.maxRequests) && inFlight > limits.maxRequests) {
    out.push({ severity: 'warning', code: 'circuit-breaker-overflow', message: `${what}, above http2MaxRequests ${limits.maxRequests}: expect 503 UO (upstream_rq_pending_overflow) for the excess.` });
  } else if (inFlight > connections + pending) {
    out.push({
      severity: 'warning',
      code: 'circuit-breaker-overflow',
      message: `${what}, above maxConnections ${connections === Infinity ? '∞' : connections} + http1MaxPendingRequests ${pending === Infinity ? '∞' : pending}: expect 503 UO (upstream_rq_pending_overflow) for the excess (each of the ${workers} worker threads' pools still opens one connection of its own per host).`,
    });
  } else if (inFlight > connections) {
    out.push({ severity: 'warning', code: 'circuit-breaker-queueing', message: `${what}, above maxConnections ${connections}: requests wait in the sidecar's pending queue (latency grows; they time out at the route timeout).` });
  }
  if (set(limits.maxRetries)) out.push({ severity: 'note', code: 'circuit-breaker-retries', message: `maxRetries ${limits.maxRetries}: at most that many retries in flight at once; further failed attempts keep their error, flagged UO (upstream_rq_retry_overflow).` });
  return out;
}
