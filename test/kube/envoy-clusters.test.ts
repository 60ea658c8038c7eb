import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterHosts, hostIp, outboundClusterName, parseEnvoyClusters } from '../../src/kube/doctor/envoy-clusters.js';

const text = readFileSync(new URL('../fixtures/kube/envoy-clusters.txt', import.meta.url), 'utf8');
const HW = outboundClusterName(5000, 'helloworld.sample.svc.cluster.local');

describe('Envoy /clusters parser', () => {
  it('collects the hosts of a cluster with health flags, priority, weight and locality', () => {
    expect(clusterHosts(text, HW)).toEqual([
      { address: '10.244.1.5:5000', healthFlags: [], healthy: true, priority: 0, weight: 1, region: 'us-east1', zone: 'us-east1-b', subZone: '' },
      { address: '172.18.2.10:15443', healthFlags: ['failed_outlier_check', 'failed_eds_health'], healthy: false, priority: 1, weight: 2, region: 'us-west1', zone: 'us-west1-a', subZone: 'rack7' },
      { address: '[fd00:10:244::7]:5000', healthFlags: [], healthy: true, priority: 0 },
    ]);
  });

  it('keeps clusters apart (subsets, other services) and skips cluster-level lines', () => {
    const all = parseEnvoyClusters(text);
    expect([...all.keys()].sort()).toEqual([
      HW,
      'outbound|5000|v1|helloworld.sample.svc.cluster.local',
      'outbound|80||sleep.sample.svc.cluster.local',
      'xds-grpc',
    ].sort());
    expect(all.get('outbound|5000|v1|helloworld.sample.svc.cluster.local')?.hosts).toHaveLength(1);
    expect(clusterHosts(text, 'outbound|9999||nope')).toEqual([]);
    expect(clusterHosts('', HW)).toEqual([]);
  });

  it('extracts IPs from IPv4 and IPv6 addresses', () => {
    expect(hostIp('10.1.2.3:5000')).toBe('10.1.2.3');
    expect(hostIp('[fd00::1]:15443')).toBe('fd00::1');
  });
});
