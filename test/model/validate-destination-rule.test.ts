import { describe, expect, it } from 'vitest';
import { destinationRuleSelects, resolveDestinationRuleHost } from '../../src/model/resolve-dr-host.js';
import { validateDestinationRuleDocument, validateDestinationRuleFile } from '../../src/model/validate-destination-rule.js';
import { formatPath } from '../../src/model/validate-problems.js';
import { seedDrDoc, setAt } from '../fixtures/documents/objects.js';

function problems(doc: unknown): Array<{ path: string; message: string; hint?: string }> {
  const r = validateDestinationRuleDocument(doc, 'dr.yaml');
  expect(r.rule).toBeUndefined();
  return r.problems.map((p) => ({ path: formatPath(p.path), message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}) }));
}

describe('validateDestinationRuleDocument', () => {
  it('resolves the seed DestinationRule', () => {
    const r = validateDestinationRuleDocument(seedDrDoc(), 'manifests/08-locality-lb.yaml');
    expect(r.problems).toEqual([]);
    expect(r.rule).toEqual({
      apiVersion: 'networking.istio.io/v1beta1',
      name: 'helloworld',
      host: 'helloworld.sample.svc.cluster.local',
      trafficPolicy: {
        loadBalancer: { localityLbSetting: { enabled: true } },
        outlierDetection: { consecutiveErrors: 1, intervalUs: 1_000_000, baseEjectionTimeUs: 180_000_000 },
      },
      subsets: [],
      ignored: [],
      source: 'manifests/08-locality-lb.yaml',
    });
  });

  it('reads every interpreted field and records the ignored ones', () => {
    const doc = seedDrDoc();
    setAt(doc, 'apiVersion', 'networking.istio.io/v1');
    setAt(doc, 'metadata', { name: 'hw', namespace: 'sample', labels: { team: 'x' } });
    setAt(doc, 'spec.trafficPolicy', {
      loadBalancer: {
        simple: 'ROUND_ROBIN',
        localityLbSetting: { enabled: true, failover: [{ from: 'us-east1', to: 'us-west1' }], failoverPriority: ['topology.istio.io/network'] },
        warmupDurationSecs: '10s',
      },
      outlierDetection: {
        consecutive5xxErrors: 3,
        consecutiveGatewayErrors: 2,
        consecutiveLocalOriginFailures: 4,
        splitExternalLocalOriginErrors: true,
        interval: '500ms',
        baseEjectionTime: '30s',
        maxEjectionPercent: 100,
        minHealthPercent: 50,
      },
      connectionPool: { tcp: { maxConnections: 10, connectTimeout: '250ms', tcpKeepalive: { time: '7200s' } }, http: { http1MaxPendingRequests: 1, maxRetries: 2, idleTimeout: '5s', h2UpgradePolicy: 'UPGRADE' } },
      tls: { mode: 'ISTIO_MUTUAL' },
      portLevelSettings: [{ port: { number: 5000 } }],
    });
    setAt(doc, 'spec.subsets', [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { tunnel: { targetHost: 'x' } } }]);
    setAt(doc, 'spec.exportTo', ['.']);
    setAt(doc, 'spec.workloadSelector', { matchLabels: { app: 'sleep' } });
    const r = validateDestinationRuleDocument(doc, 'x.yaml');
    expect(r.problems).toEqual([]);
    expect(r.rule?.namespace).toBe('sample');
    expect(r.rule?.trafficPolicy?.outlierDetection).toEqual({
      consecutive5xxErrors: 3,
      consecutiveGatewayErrors: 2,
      consecutiveLocalOriginFailures: 4,
      splitExternalLocalOriginErrors: true,
      intervalUs: 500_000,
      baseEjectionTimeUs: 30_000_000,
      maxEjectionPercent: 100,
      minHealthPercent: 50,
    });
    expect(r.rule?.trafficPolicy?.loadBalancer).toEqual({
      simple: 'ROUND_ROBIN',
      localityLbSetting: { enabled: true, failover: [{ from: 'us-east1', to: 'us-west1' }], failoverPriority: ['topology.istio.io/network'] },
    });
    // Modelled since issue 11 (circuit breakers); keepalive and HTTP/2 settings stay not modelled.
    expect(r.rule?.trafficPolicy?.connectionPool).toEqual({ tcp: { maxConnections: 10, connectTimeoutUs: 250_000 }, http: { http1MaxPendingRequests: 1, maxRetries: 2, idleTimeoutUs: 5_000_000 } });
    expect(r.rule?.trafficPolicy?.portLevelSettings).toEqual([{ port: { number: 5000 } }]);
    expect(r.rule?.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: {} }]);
    expect(r.rule?.ignored.sort()).toEqual(
      [
        'spec.exportTo',
        'spec.subsets[0].trafficPolicy.tunnel',
        'spec.trafficPolicy.connectionPool.http.h2UpgradePolicy',
        'spec.trafficPolicy.connectionPool.tcp.tcpKeepalive',
        'spec.trafficPolicy.loadBalancer.warmupDurationSecs',
        'spec.trafficPolicy.portLevelSettings',
        'spec.trafficPolicy.tls',
        'spec.workloadSelector',
      ].sort(),
    );
  });

  it('keeps distribute weights in file order', () => {
    const doc = setAt(seedDrDoc(), 'spec.trafficPolicy.loadBalancer.localityLbSetting', {
      distribute: [{ from: 'us-east1/us-east1-b/*', to: { 'us-east1/us-east1-b/*': 80, 'us-west1/*': 20 } }],
    });
    const r = validateDestinationRuleDocument(doc, 'x.yaml');
    expect(r.rule?.trafficPolicy?.loadBalancer?.localityLbSetting?.distribute).toEqual([
      { from: 'us-east1/us-east1-b/*', to: [{ locality: 'us-east1/us-east1-b/*', weight: 80 }, { locality: 'us-west1/*', weight: 20 }] },
    ]);
  });

  it.each([
    ['kind', 'VirtualService', 'kind', 'expected kind DestinationRule, found VirtualService'],
    ['apiVersion', 'networking.istio.io/v2', 'apiVersion', 'not supported'],
    ['spec.host', undefined, 'spec.host', 'missing required field "host"'],
    ['spec.host', 'hello world', 'spec.host', 'not a valid hostname'],
    ['metadata.name', 'Hello', 'metadata.name', 'DNS-1123 subdomain'],
    ['spec.trafficPolicy.outlierDetecton', {}, 'spec.trafficPolicy.outlierDetecton', 'unknown field'],
    ['spec.trafficPolicy.outlierDetection.maxEjectionPercent', 101, 'spec.trafficPolicy.outlierDetection.maxEjectionPercent', '≤ 100'],
    ['spec.trafficPolicy.outlierDetection.consecutive5xxErrors', -1, 'spec.trafficPolicy.outlierDetection.consecutive5xxErrors', '≥ 0'],
    ['spec.trafficPolicy.outlierDetection.interval', '1', 'spec.trafficPolicy.outlierDetection.interval', 'needs a unit'],
    ['spec.trafficPolicy.outlierDetection.interval', '1500us', 'spec.trafficPolicy.outlierDetection.interval', 'finer than 1ms'],
    ['spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures', 2, 'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures', 'split external'],
    ['spec.trafficPolicy.loadBalancer.simple', 'ROUND_ROBBIN', 'spec.trafficPolicy.loadBalancer.simple', 'is not one of'],
  ])('%s = %j → %s: %s', (at, value, path, message) => {
    const found = problems(setAt(seedDrDoc(), at, value));
    expect(found.find((p) => p.path === path)?.message ?? found.map((p) => `${p.path}: ${p.message}`).join('\n')).toContain(message);
  });

  it('applies istiod locality rules', () => {
    const lb = (setting: unknown) => problems(setAt(seedDrDoc(), 'spec.trafficPolicy.loadBalancer.localityLbSetting', setting)).map((p) => p.message);
    expect(lb({ distribute: [{ from: 'a/*', to: { 'a/*': 50 } }], failover: [{ from: 'a', to: 'b' }] })).toContain("can not simultaneously specify 'distribute' and 'failover'");
    expect(lb({ distribute: [{ from: 'a/*', to: { 'a/*': 50, 'b/*': 40 } }] })).toContain('total locality weight 90 != 100');
    expect(lb({ distribute: [{ from: 'a/*', to: { 'a/*': 0, 'b/*': 100 } }] })).toContain('locality weight 0 must be in range [1, 100]');
    expect(lb({ distribute: [{ from: '*/a', to: { 'a/*': 100 } }] }).join()).toContain('wildcard');
    expect(lb({ distribute: [{ from: 'a//b', to: { 'a/*': 100 } }] }).join()).toContain('empty');
    expect(lb({ distribute: [{ from: 'a/*', to: { 'a/*': 50, 'a/z': 50 } }] }).join()).toContain('overlaps');
    expect(lb({ failover: [{ from: 'a', to: 'a' }] })).toContain('locality lb failover settings must specify different regions');
    expect(lb({ failover: [{ from: 'a/z', to: 'b' }] })).toContain('locality lb failover only specify region');
    expect(lb({ failover: [{ from: 'a', to: 'b' }], failoverPriority: ['topology.kubernetes.io/zone'] }).join()).toContain("topology label 'topology.kubernetes.io/zone'");
    const hashed = validateDestinationRuleDocument(setAt(seedDrDoc(), 'spec.trafficPolicy.loadBalancer.consistentHash', { useSourceIp: true }), 'x.yaml');
    expect(hashed.rule?.ignored).toEqual(['spec.trafficPolicy.loadBalancer.consistentHash']);
    expect(hashed.rule?.trafficPolicy?.loadBalancer?.consistentHash).toEqual({ useSourceIp: true });
  });

  it('rejects simple together with consistentHash', () => {
    const doc = setAt(seedDrDoc(), 'spec.trafficPolicy.loadBalancer', { simple: 'RANDOM', consistentHash: { useSourceIp: true } });
    expect(problems(doc).map((p) => p.path)).toEqual(['spec.trafficPolicy.loadBalancer.consistentHash']);
  });

  it('checks subsets', () => {
    const doc = setAt(seedDrDoc(), 'spec.subsets', [{ name: 'v1' }, { name: 'v1' }, { name: 'V_2', labels: { version: '-bad' } }]);
    expect(problems(doc).map((p) => p.path).sort()).toEqual(['spec.subsets[1].name', 'spec.subsets[2].labels.version', 'spec.subsets[2].name']);
  });
});

describe('validateDestinationRuleFile', () => {
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } };

  it('takes the DestinationRules and ignores other kinds', () => {
    const r = validateDestinationRuleFile([deployment, seedDrDoc(), null], 'f.yaml', 'sample');
    expect(r.problems).toEqual([]);
    expect(r.rules.map((x) => x.name)).toEqual(['helloworld']);
  });

  it('names the expected kind when there is no DestinationRule', () => {
    const r = validateDestinationRuleFile([deployment], 'f.yaml', 'sample');
    expect(r.problems).toEqual([{ doc: 0, problem: expect.objectContaining({ path: ['kind'], message: 'expected kind DestinationRule, found Deployment' }) }]);
    expect(validateDestinationRuleFile([], 'f.yaml', 'sample').problems[0]?.problem.message).toContain('empty file');
    expect(validateDestinationRuleFile([{ spec: {} }], 'f.yaml', 'sample').problems[0]?.problem.message).toBe('missing "kind"');
  });

  it('reports two rules for the same host, short names included', () => {
    const second = setAt(setAt(seedDrDoc(), 'metadata.name', 'other'), 'spec.host', 'helloworld');
    const r = validateDestinationRuleFile([seedDrDoc(), second], 'f.yaml', 'sample');
    expect(r.problems).toEqual([{ doc: 1, problem: expect.objectContaining({ path: ['spec', 'host'], message: expect.stringContaining('a second DestinationRule for host helloworld.sample.svc.cluster.local') as string }) }]);
    expect(validateDestinationRuleFile([seedDrDoc(), second], 'f.yaml', 'other').problems).toEqual([]);
  });
});

describe('DestinationRule hosts', () => {
  it('completes short names like istiod ResolveShortnameToFQDN', () => {
    expect(resolveDestinationRuleHost({ host: 'helloworld' }, 'sample')).toBe('helloworld.sample.svc.cluster.local');
    expect(resolveDestinationRuleHost({ host: 'helloworld', namespace: 'ns' }, 'sample')).toBe('helloworld.ns.svc.cluster.local');
    expect(resolveDestinationRuleHost({ host: 'helloworld.sample' }, 'sample')).toBe('helloworld.sample');
  });

  it('matches exact hosts and wildcards', () => {
    expect(destinationRuleSelects({ host: 'helloworld.sample.svc.cluster.local' }, 'helloworld', 'sample')).toBe(true);
    expect(destinationRuleSelects({ host: '*.sample.svc.cluster.local' }, 'helloworld', 'sample')).toBe(true);
    expect(destinationRuleSelects({ host: '*' }, 'helloworld', 'sample')).toBe(true);
    expect(destinationRuleSelects({ host: 'helloworld.sample' }, 'helloworld', 'sample')).toBe(false);
    expect(destinationRuleSelects({ host: 'sleep' }, 'helloworld', 'sample')).toBe(false);
  });
});
