import { describe, expect, it } from 'vitest';
import type { Mesh } from '../../../src/model/mesh.js';
import { lightMesh, run, scenario, withWorkload } from '../../support/sim.js';

const light = await lightMesh();
/** Only cluster2's helloworld-v2, 3 pods, behind its east-west gateway; nothing local. */
function remoteOnly(m: Mesh, change: Partial<Mesh['defaults']> = {}): Mesh {
  const copy = withWorkload(withWorkload(m, 'cluster1', 'helloworld-v1', { replicas: 0 }), 'cluster2', 'helloworld-v2', { replicas: 3, latency: { p50Us: 3000, p99Us: 3000 } });
  Object.assign(copy.defaults, change);
  return copy;
}
const oneVu = (thinkTimeUs: number, durationUs = 10_000_000) => ({ kind: 'closed' as const, concurrency: 1, thinkTimeUs, durationUs });
const instances = (xs: readonly { instance?: string | undefined; status: number }[]) => new Set(xs.filter((s) => s.status === 200).map((s) => s.instance));

describe('client sidecar connections', () => {
  // envoy cluster_manager_impl.cc: pools per host in each worker's ThreadLocalClusterManager; an
  // HTTP/1.1 connection is reused for the next request while it is idle and open.
  it('reuses a pooled connection: only the first request on it pays the TCP and mTLS handshakes', () => {
    const { samples } = run(remoteOnly(light), scenario({ load: oneVu(0, 2_000_000) }));
    const ms = samples.map((s) => (s.endUs - s.startUs) / 1000);
    // Through the gateway: request 2 × 30 ms + service 3 ms; the first adds TCP to the gateway
    // (60 ms), the gateway's TCP to the pod and TLS end to end (60 ms more).
    expect(ms[0]).toBeCloseTo(63.2 + 120.4, 0);
    expect(ms.slice(1).every((x) => Math.abs(x - 63.2) < 0.5)).toBe(true);
  });

  // istio#32208 / istio#31549: AUTO_PASSTHROUGH forwards a TLS connection by SNI, so the gateway
  // picks a remote pod once per connection, not per request.
  it('pins a keep-alive connection through the east-west gateway to one remote pod (3 pods, 1 VU)', () => {
    const { samples } = run(remoteOnly(light), scenario({ load: oneVu(10_000) }));
    expect(samples.length).toBeGreaterThan(100);
    expect(instances(samples).size).toBe(1);
  });

  it('spreads over the remote pods once connections close between requests (idle timeout shorter than the think time)', () => {
    const { samples } = run(remoteOnly(light, { connectionIdleTimeoutUs: 50_000 }), scenario({ load: oneVu(100_000) }));
    expect(instances(samples).size).toBe(3);
  });

  it('moves to another remote pod when the pinned one goes away and its connection closes', () => {
    const m = remoteOnly(light);
    // Delete the 3 pods (the ReplicaSet replaces them): the pinned connection dies with its pod.
    const timeline = [{ atUs: 3_000_000, name: 'fault', action: { kind: 'deletePods' as const, cluster: 'cluster2', deployment: 'helloworld-v2', count: 3 } }];
    const { samples } = run(m, scenario({ load: oneVu(10_000, 15_000_000), timeline }));
    const early = samples.filter((s) => s.scheduledUs < 3_000_000);
    const late = samples.filter((s) => s.scheduledUs > 10_000_000);
    expect(instances(early).size).toBe(1);
    expect(instances(late).size).toBe(1);
    expect([...instances(late)][0]).not.toBe([...instances(early)][0]);
  });
});
