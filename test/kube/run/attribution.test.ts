/**
 * From a response to where it was served: the pod's `istio-locality` label wins over its node's
 * topology labels (istiod's order); versions pick the closest behaviour profile; names going into
 * the load generator's arguments are checked; simulator-only actions are named entry by entry.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { kubernetesMinor, majorMinor, profileVersionFor } from '../../../src/kube/run/observed-mesh.js';
import { checkRequestNames, refuseSimOnlyActions, requestUrl } from '../../../src/kube/run/preflight.js';
import { nodeLocality, podLocality } from '../../../src/kube/run/topology.js';
import type { KubeObject } from '../../../src/kube/gateway.js';
import type { Scenario } from '../../../src/model/scenario.js';

const node = (labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', labels } });
const pod = (labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels } });

describe('localities', () => {
  it('come from the node, the legacy failure-domain labels, or the pod\'s istio-locality label', () => {
    expect(nodeLocality(node({ 'topology.kubernetes.io/region': 'us-east1', 'topology.kubernetes.io/zone': 'us-east1-b', 'topology.istio.io/subzone': 'rack1' }))).toEqual({ region: 'us-east1', zone: 'us-east1-b', subzone: 'rack1' });
    expect(nodeLocality(node({ 'failure-domain.beta.kubernetes.io/region': 'r', 'failure-domain.beta.kubernetes.io/zone': 'z' }))).toEqual({ region: 'r', zone: 'z', subzone: '' });
    expect(nodeLocality(undefined)).toEqual({ region: '', zone: '', subzone: '' });
    expect(podLocality(pod({ 'istio-locality': 'eu.eu-1.a' }), node({ 'topology.kubernetes.io/region': 'us' }))).toEqual({ region: 'eu', zone: 'eu-1', subzone: 'a' });
  });
});

describe('versions', () => {
  it('pick the behaviour profile of the client cluster\'s Istio, clamped to the supported range', () => {
    expect(majorMinor('1.24.2')).toBe('1.24');
    expect(majorMinor('v1.31.0')).toBe('1.31');
    expect(profileVersionFor('1.24.2')).toBe('1.24');
    expect(profileVersionFor('1.40.0')).toBe('1.31');
    expect(profileVersionFor('1.4.0')).toBe('1.6');
    expect(profileVersionFor(undefined)).toBe('1.31');
    expect(kubernetesMinor('v1.29.3-gke.100')).toBe(29);
    expect(kubernetesMinor('weird')).toBeUndefined();
  });
});

const scenario = (over: Partial<Scenario> = {}): Scenario => ({
  name: 's',
  client: { cluster: 'cluster1', workload: 'sleep' },
  request: { service: 'helloworld', namespace: 'sample', port: 5000, path: '/hello', timeoutUs: 1_000_000 },
  load: { kind: 'closed', concurrency: 1, durationUs: 1_000_000, thinkTimeUs: 0 },
  timeline: [],
  measure: {},
  thresholds: [],
  source: 'x.yaml',
  ...over,
});

describe('what reaches the load generator', () => {
  it('is a checked URL', () => {
    expect(requestUrl(scenario())).toBe('http://helloworld.sample:5000/hello');
    expect(() => checkRequestNames(scenario())).not.toThrow();
    const bad = scenario({ request: { service: 'Hello World', namespace: 'sample', port: 70000, path: '/a b"$(x)', timeoutUs: 1 } });
    try {
      checkRequestNames(bad);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).problems.map((p) => p.path)).toEqual(['spec.request.service', 'spec.request.port', 'spec.request.path']);
    }
  });

  it('never includes simulator-only actions', () => {
    const s = scenario({
      timeline: [
        { atUs: 1, name: 'slow', action: { kind: 'delay', cluster: 'cluster1', deployment: 'helloworld-v1', addUs: 50_000 } },
        { atUs: 2, action: { kind: 'scale', cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 0 } },
      ],
    });
    expect(() => refuseSimOnlyActions(s)).toThrow(InvalidInputError);
    try {
      refuseSimOnlyActions(s);
    } catch (err) {
      expect((err as InvalidInputError).problems).toEqual([expect.objectContaining({ file: 'x.yaml', path: 'spec.timeline[0].delay' })]);
    }
    expect(() => refuseSimOnlyActions(scenario())).not.toThrow();
  });

  it('refuses several clients (a kube run sends from one client pod)', () => {
    const base = scenario();
    const two: Scenario = { ...base, clients: [{ cluster: 'cluster1', workload: 'sleep', load: base.load }, { cluster: 'cluster2', workload: 'sleep', load: base.load }] };
    expect(() => refuseSimOnlyActions(two)).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ path: 'spec.clients', message: '2 clients: a kube run sends from one client pod' })] }));
    expect(() => refuseSimOnlyActions({ ...base, clients: [{ cluster: 'cluster1', workload: 'sleep', load: base.load }] })).not.toThrow();
  });
});
