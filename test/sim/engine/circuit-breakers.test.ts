import { describe, expect, it } from 'vitest';
import type { ConnectionPool } from '../../../src/model/destination-rule.js';
import type { Mesh } from '../../../src/model/mesh.js';
import type { LoadModel, TimelineEntry } from '../../../src/model/scenario.js';
import { circuitBreakersOf, ISTIO_DEFAULT_THRESHOLD } from '../../../src/sim/istiod/circuit-breakers.js';
import { buildClusterConfig } from '../../../src/sim/istiod/cluster-config.js';
import { istioProfile } from '../../../src/sim/istio-profile.js';
import { destinationRule, lightMesh, run, scenario, withWorkload } from '../../support/sim.js';

const light = await lightMesh();
/** helloworld-v1 only (local, same zone), a constant service time, `workers` threads in the client sidecar. */
function local(serviceUs: number, workers = 1): Mesh {
  const m = withWorkload(withWorkload(light, 'cluster1', 'helloworld-v1', { latency: { p50Us: serviceUs, p99Us: serviceUs } }), 'cluster2', 'helloworld-v2', { replicas: 0 });
  m.defaults.proxyConcurrency = workers;
  return m;
}
const withPool = (connectionPool: ConnectionPool, outlier = { consecutive5xxErrors: 1, intervalUs: 1_000_000, baseEjectionTimeUs: 30_000_000 }) => {
  const dr = destinationRule(outlier);
  dr.trafficPolicy = { ...dr.trafficPolicy, connectionPool };
  return dr;
};
const open = (ratePerS: number, durationUs = 2_000_000): LoadModel => ({ kind: 'open', ratePerS, durationUs });
const count = (xs: readonly { status: number }[], status: number) => xs.filter((s) => s.status === status).length;

// istio pilot/pkg/networking/core/cluster_traffic_policy.go applyConnectionPool, getDefaultCircuitBreakerThresholds.
describe('istiod connectionPool → Envoy circuit breakers', () => {
  it('unset limits are math.MaxUint32, not Envoy’s own 1024/3; a 0 counts as unset (the `> 0` guards)', () => {
    const d = circuitBreakersOf(undefined);
    expect([d.maxConnections, d.maxPendingRequests, d.maxRequests, d.maxRetries]).toEqual([ISTIO_DEFAULT_THRESHOLD, ISTIO_DEFAULT_THRESHOLD, ISTIO_DEFAULT_THRESHOLD, ISTIO_DEFAULT_THRESHOLD]);
    expect(ISTIO_DEFAULT_THRESHOLD).toBe(2 ** 32 - 1);
    expect(circuitBreakersOf({ tcp: { maxConnections: 0 }, http: { maxRetries: 0 } }).maxRetries).toBe(ISTIO_DEFAULT_THRESHOLD);
  });

  it('maps each field onto its threshold; http.idleTimeout wins over tcp.idleTimeout', () => {
    const c = circuitBreakersOf({
      tcp: { maxConnections: 7, connectTimeoutUs: 250_000, idleTimeoutUs: 9_000_000 },
      http: { http1MaxPendingRequests: 3, http2MaxRequests: 11, maxRetries: 2, maxRequestsPerConnection: 5, idleTimeoutUs: 4_000_000 },
    });
    expect(c).toEqual({ maxConnections: 7, maxPendingRequests: 3, maxRequests: 11, maxRetries: 2, maxRequestsPerConnection: 5, idleTimeoutUs: 4_000_000, connectTimeoutUs: 250_000 });
    expect(circuitBreakersOf({ tcp: { idleTimeoutUs: 9_000_000 } }).idleTimeoutUs).toBe(9_000_000);
  });

  it('reaches the cluster config only when the rule has a connectionPool', () => {
    const profile = istioProfile('1.24')!;
    expect(buildClusterConfig({}, profile).circuitBreakers).toBeUndefined();
    expect(buildClusterConfig({ connectionPool: { tcp: { maxConnections: 1 } } }, profile).circuitBreakers?.maxConnections).toBe(1);
  });
});

// envoy source/common/conn_pool/conn_pool_base.cc ConnPoolImplBase::newStream / tryCreateNewConnection,
// source/common/router/router.cc Filter::onUpstreamReset, retry_state_impl.cc wouldRetryFromReset.
describe('circuit-breaker overflow in the engine', () => {
  const tight = withPool({ tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } });

  it('answers 503 UO once one connection is busy and one request is pending (http1MaxPendingRequests 1, maxConnections 1)', () => {
    // 50 ms per request on 1 connection serves 20 req/s; 100 req/s arrive.
    const { samples, out } = run(local(50_000), scenario({ load: open(100), destinationRule: tight }), { istio: '1.22' });
    const uo = count(samples, 503);
    expect(uo).toBeGreaterThan(100);
    expect(out.circuitBreakers.uoResponses).toBe(uo);
    expect(out.circuitBreakers.upstreamRqPendingOverflow).toBe(uo);
    // Not retried (Istio 1.22 retries 503 otherwise) and no ejection from consecutive5xxErrors: 1.
    expect(samples.filter((s) => s.status === 503).every((s) => s.attempts === 1)).toBe(true);
    expect(out.events.some((e) => e.name === 'ejected')).toBe(false);
    expect(out.events.map((e) => e.name)).toEqual(expect.arrayContaining(['circuit-breaker-overflow', 'circuit-breaker-totals']));
  });

  it('without a connectionPool the same load queues nothing and never overflows', () => {
    const { samples, out } = run(local(50_000), scenario({ load: open(100), destinationRule: withPool({}) }), { istio: '1.22' });
    expect(count(samples, 200)).toBe(samples.length);
    expect(out.circuitBreakers).toEqual({ upstreamRqPendingOverflow: 0, upstreamRqRetryOverflow: 0, upstreamCxOverflow: 0, uoResponses: 0 });
  });

  it('keeps a request pending (no 503) while the pending limit allows, and times it out at the route timeout', () => {
    const sc = scenario({ load: open(100), destinationRule: withPool({ tcp: { maxConnections: 1 } }) });
    sc.request.timeoutUs = 300_000;
    const { samples, out } = run(local(50_000), sc);
    expect(count(samples, 503)).toBe(0);
    expect(count(samples, 0)).toBeGreaterThan(100);
    expect(out.circuitBreakers.upstreamCxOverflow).toBeGreaterThan(0);
    // Served one at a time: every success waited its turn on the single connection.
    const ok = samples.filter((s) => s.status === 200).sort((a, b) => a.endUs - b.endUs);
    for (let i = 1; i < ok.length; i++) expect(ok[i]!.endUs - ok[i - 1]!.endUs).toBeGreaterThanOrEqual(50_000);
  });

  it('opens a connection for a worker pool that has none even at maxConnections (tryCreateNewConnection)', () => {
    // 2 workers, maxConnections 1: each worker's pool still gets its own connection, so twice the throughput.
    const sc = (workers: number) => run(local(50_000, workers), scenario({ load: { kind: 'closed', concurrency: 8, thinkTimeUs: 0, durationUs: 2_000_000 }, destinationRule: withPool({ tcp: { maxConnections: 1 } }) }), { seed: 3 });
    const done = (n: number) => sc(n).samples.filter((s) => s.status === 200 && s.endUs <= 2_000_000).length;
    const one = done(1);
    const two = done(2);
    // One connection, 50 ms a request: at most 40 in 2 s.
    expect(one).toBeLessThanOrEqual(40);
    expect(two).toBeGreaterThan(one * 1.5);
  });

  it('closes a connection after maxRequestsPerConnection requests, so each request pays the handshakes again', () => {
    const vu: LoadModel = { kind: 'closed', concurrency: 1, thinkTimeUs: 10_000, durationUs: 1_000_000 };
    const latency = (perConn: number | undefined) =>
      run(local(3000), scenario({ load: vu, destinationRule: withPool(perConn === undefined ? {} : { http: { maxRequestsPerConnection: perConn } }) })).samples.map((s) => s.endUs - s.startUs);
    // Same zone: 100 µs a hop; TCP + TLS = 2 round trips = 400 µs on a new connection.
    const reuse = latency(undefined);
    const fresh = latency(1);
    expect(reuse.slice(1).every((us) => us === 3200)).toBe(true);
    expect(fresh.every((us) => us === 3600)).toBe(true);
  });

  it('limits parallel retries to maxRetries: the others keep their 503, flagged UO (upstream_rq_retry_overflow)', () => {
    const fault: TimelineEntry[] = [{ atUs: 0, name: 'fault', action: { kind: 'fail', cluster: 'cluster1', deployment: 'helloworld-v1', status: 503, fraction: 1 } }];
    const m = withWorkload(local(50_000), 'cluster1', 'helloworld-v1', { replicas: 3 });
    const runWith = (pool: ConnectionPool) => run(m, scenario({ load: open(200, 1_000_000), timeline: fault, destinationRule: withPool(pool, undefined as never) }), { istio: '1.22' });
    const limited = runWith({ http: { maxRetries: 1 } });
    const free = runWith({});
    expect(limited.out.circuitBreakers.upstreamRqRetryOverflow).toBeGreaterThan(50);
    expect(limited.out.circuitBreakers.uoResponses).toBe(limited.out.circuitBreakers.upstreamRqRetryOverflow);
    expect(free.out.circuitBreakers.upstreamRqRetryOverflow).toBe(0);
    const attempts = (xs: readonly { attempts?: number }[]) => xs.reduce((a, s) => a + (s.attempts ?? 0), 0);
    expect(attempts(limited.samples)).toBeLessThan(attempts(free.samples));
  });

  it('same seed, same run with circuit breakers on', () => {
    const a = run(local(50_000, 2), scenario({ load: open(100), destinationRule: tight }), { seed: 9 });
    const b = run(local(50_000, 2), scenario({ load: open(100), destinationRule: tight }), { seed: 9 });
    expect(a.out.digest).toBe(b.out.digest);
    expect(a.samples).toEqual(b.samples);
  });
});
