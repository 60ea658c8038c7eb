/**
 * One load balancer per Envoy worker thread (envoy source/common/upstream/cluster_manager_impl.cc:
 * each worker's ThreadLocalClusterManagerImpl::ClusterEntry builds its own `lb_`), sharing the
 * host set and host stats; downstream connections land on workers by SO_REUSEPORT
 * (api/envoy/config/listener/v3/listener.proto enable_reuse_port, default true).
 */
import { describe, expect, it } from 'vitest';
import { parseLocality } from '../../../src/model/locality.js';
import { validateMeshDocument } from '../../../src/model/validate-mesh.js';
import { ClientProxy } from '../../../src/sim/engine/client-proxy.js';
import { createRng } from '../../../src/sim/rng.js';
import type { ClusterLoadAssignment, LbEndpoint } from '../../../src/sim/xds-types.js';
import { meshDoc } from '../../fixtures/documents/objects.js';
import { lightMesh, run, scenario, withWorkload } from '../../support/sim.js';

const base = await lightMesh();
const ep = (id: string): LbEndpoint => ({ id, address: id, port: 5000, weight: 1, kind: 'direct', cluster: 'c1', network: 'n1', backends: [] });
const twoHosts: ClusterLoadAssignment = { groups: [{ locality: parseLocality('r1/z1'), priority: 0, weight: 2, endpoints: [ep('a'), ep('b')] }] };
const roundRobin = (workers: number) => {
  const p = new ClientProxy(
    { id: 'sleep', cluster: 'c1', network: 'n1', locality: parseLocality('r1/z1'), labels: {} },
    { lbPolicy: 'ROUND_ROBIN', localityWeighted: false, healthyPanicThresholdPct: 0, overprovisioningFactor: 140 },
    { strictMaxEjectionPercent: true, rng: createRng(4), workers },
  );
  p.applyAssignment(twoHosts);
  return p;
};

describe('one load balancer per worker thread', () => {
  it('advances ROUND_ROBIN per worker: picks interleaved over two workers still alternate within each', () => {
    const p = roundRobin(2);
    const seq: Record<number, string[]> = { 0: [], 1: [] };
    for (let i = 0; i < 8; i++) seq[i % 2]!.push(p.pick([], 5, i % 2)!.target);
    for (const w of [0, 1]) for (let i = 1; i < 4; i++) expect(seq[w]![i]).not.toBe(seq[w]![i - 1]);
  });

  it('a single shared LB (concurrency 1) would give one worker the same host every time under that interleaving', () => {
    const p = roundRobin(1);
    const picks = Array.from({ length: 8 }, () => p.pick([], 5, 0)!.target);
    const everyOther = picks.filter((_, i) => i % 2 === 0);
    expect(new Set(everyOther).size).toBe(1);
  });

  it('shares host stats: a host busy on one worker is busy for LEAST_REQUEST on every worker', () => {
    const p = new ClientProxy(
      { id: 'sleep', cluster: 'c1', network: 'n1', locality: parseLocality('r1/z1'), labels: {} },
      { lbPolicy: 'LEAST_REQUEST', localityWeighted: false, healthyPanicThresholdPct: 0, overprovisioningFactor: 140 },
      { strictMaxEjectionPercent: true, rng: createRng(4), workers: 2 },
    );
    p.applyAssignment(twoHosts);
    const a = p.hostList.find((h) => h.target === 'a')!;
    a.activeRequests = 5;
    // Two random choices among two hosts: b wins whenever both are drawn; a only when drawn twice.
    const picks = Array.from({ length: 200 }, (_, i) => p.pick([], 5, i % 2)!.target);
    expect(picks.filter((t) => t === 'b').length).toBeGreaterThan(130);
  });
});

describe('client sidecar concurrency in the mesh', () => {
  it('a client workload’s `proxy.concurrency` overrides `defaults.proxyConcurrency` (Istio: 2 from the 2000m sidecar CPU limit)', () => {
    const doc = meshDoc() as { spec: { clusters: Array<{ workloads: Array<Record<string, unknown>> }> } };
    const sleep = doc.spec.clusters[0]!.workloads.find((w) => w['client'] === true)!;
    sleep['proxy'] = { concurrency: 4 };
    const r = validateMeshDocument(doc);
    expect(r.problems).toEqual([]);
    expect(r.mesh!.defaults.proxyConcurrency).toBe(2);
    expect(r.mesh!.clusters[0]!.workloads.find((w) => w.client)!.proxyConcurrency).toBe(4);
  });

  it('each VU’s keep-alive connection lands on a worker at random (SO_REUSEPORT), drawn from the seed', () => {
    // A remote pod pool behind the gateway: with pinning, the pods a client reaches = the worker pools it uses.
    const light = withWorkload(withWorkload(base, 'cluster1', 'helloworld-v1', { replicas: 0 }), 'cluster2', 'helloworld-v2', { replicas: 8 });
    const sleep = light.clusters[0]!.workloads.find((w) => w.client)!;
    sleep.proxyConcurrency = 4;
    const vus = { kind: 'closed' as const, concurrency: 1, thinkTimeUs: 10_000, durationUs: 1_000_000 };
    const workersUsed = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const { samples } = run(light, scenario({ load: vus }), { seed });
      const pods = new Set(samples.filter((s) => s.status === 200).map((s) => s.instance));
      expect(pods.size).toBe(1);
      workersUsed.add([...pods][0]!);
    }
    // Over seeds the single VU reaches different pods (different workers, different gateway picks).
    expect(workersUsed.size).toBeGreaterThan(1);
  });
});
