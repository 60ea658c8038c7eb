import { describe, expect, it } from 'vitest';
import { endpointForPod, gatewaysOf, podIp, podName, proxyViewOf, serviceEndpoints } from '../../../src/sim/topology.js';
import { twoClusterMesh } from '../explain/mesh-fixture.js';

describe('topology', () => {
  const mesh = twoClusterMesh();
  it('pod names look like Kubernetes ones and are stable', () => {
    const a = podName('cluster1', 'helloworld-v1', 0);
    expect(a).toMatch(/^helloworld-v1-[0-9a-f]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(podName('cluster1', 'helloworld-v1', 0)).toBe(a);
    expect(podName('cluster1', 'helloworld-v1', 1)).not.toBe(a);
    expect(podName('cluster2', 'helloworld-v1', 0)).not.toBe(a);
    expect(podName('cluster1', 'helloworld-v1', 1).slice(0, 24)).toBe(a.slice(0, 24)); // same pod-template-hash
    const names = new Set(Array.from({ length: 500 }, (_, i) => podName('c', 'd', i)));
    expect(names.size).toBe(500);
  });
  it('pod IPs are per cluster and per workload', () => {
    expect(podIp(0, 0, 0)).toBe('10.1.0.1');
    expect(podIp(1, 1, 2)).toBe('10.2.16.3');
  });
  it('endpoints, gateways and the client proxy of the two-cluster mesh', () => {
    const eps = serviceEndpoints(mesh, 'helloworld', 'sample');
    expect(eps.map((e) => [e.cluster, e.network, e.labels['version'], e.labels['app']])).toEqual([
      ['cluster1', 'network1', 'v1', 'helloworld'],
      ['cluster2', 'network2', 'v2', 'helloworld'],
    ]);
    expect(eps[0]).toEqual(endpointForPod(mesh, 'cluster1', 'helloworld-v1', 0));
    expect(gatewaysOf(mesh)).toEqual([
      { id: 'cluster1/istio-eastwestgateway', address: '172.18.1.1', port: 15443, network: 'network1', cluster: 'cluster1' },
      { id: 'cluster2/istio-eastwestgateway', address: '172.18.2.1', port: 15443, network: 'network2', cluster: 'cluster2' },
    ]);
    const proxy = proxyViewOf(mesh, 'cluster1', 'sleep');
    expect(proxy.labels).toMatchObject({
      app: 'sleep',
      'topology.istio.io/network': 'network1',
      'topology.istio.io/cluster': 'cluster1',
      'topology.kubernetes.io/region': 'us-east1',
      'topology.kubernetes.io/zone': 'us-east1-b',
    });
    expect(() => proxyViewOf(mesh, 'cluster9', 'sleep')).toThrow(RangeError);
  });
});
