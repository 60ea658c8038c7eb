import { describe, expect, it } from 'vitest';
import type { DestinationRule } from '../../src/model/destination-rule.js';
import type { Mesh } from '../../src/model/mesh.js';
import { validateDestinationRuleDocument } from '../../src/model/validate-destination-rule.js';
import { validateMeshDocument } from '../../src/model/validate-mesh.js';
import { formatPath } from '../../src/model/validate-problems.js';
import { scenarioReferences, validateScenarioDocument, type DestinationRuleRef } from '../../src/model/validate-scenario.js';
import { meshDoc, scenarioDoc, seedDrDoc, setAt } from '../fixtures/documents/objects.js';

function mesh(doc = meshDoc()): Mesh {
  const m = validateMeshDocument(doc).mesh;
  if (m === undefined) throw new Error('test mesh invalid');
  return m;
}

function seedRule(): DestinationRule {
  const r = validateDestinationRuleDocument(seedDrDoc(), 'dr.yaml').rule;
  if (r === undefined) throw new Error('seed DR invalid');
  return r;
}

function run(doc: unknown, refs: Record<string, DestinationRuleRef> = {}, m: Mesh = mesh()) {
  return validateScenarioDocument(doc, { mesh: m, source: 's.yaml', destinationRules: new Map(Object.entries(refs)) });
}

function paths(doc: unknown, refs: Record<string, DestinationRuleRef> = {}, m?: Mesh): string[] {
  const r = run(doc, refs, m);
  expect(r.scenario).toBeUndefined();
  return r.problems.map((p) => formatPath(p.path));
}

function messages(doc: unknown): string {
  return run(doc).problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('\n');
}

const scale = (at: string, name: string | undefined, replicas: number) => ({ at, ...(name ? { name } : {}), scale: { cluster: 'cluster1', deployment: 'helloworld-v1', replicas } });

describe('validateScenarioDocument: resolution', () => {
  it('applies request defaults and resolves an open model', () => {
    const r = run(scenarioDoc());
    expect(r.problems).toEqual([]);
    expect(r.scenario).toEqual({
      name: 'test',
      client: { cluster: 'cluster1', workload: 'sleep' },
      request: { service: 'helloworld', namespace: 'sample', port: 5000, path: '/hello', timeoutUs: 10_000_000 },
      load: { kind: 'open', ratePerS: 100, durationUs: 60_000_000 },
      timeline: [],
      measure: {},
      thresholds: [],
      source: 's.yaml',
    });
  });

  it('resolves a closed model, sorts the timeline and defaults the failover measure', () => {
    const doc = scenarioDoc({
      load: { concurrency: 2, duration: '1m', thinkTime: '10ms' },
      timeline: [scale('40s', 'restore', 1), scale('20s', 'fault', 0), { at: '20s', fail: { cluster: 'cluster1', deployment: 'helloworld-v1' } }],
      thresholds: ['failover.recovery.p99 < 5s'],
    });
    const s = run(doc).scenario;
    expect(s?.load).toEqual({ kind: 'closed', concurrency: 2, durationUs: 60_000_000, thinkTimeUs: 10_000 });
    expect(s?.timeline.map((e) => [e.atUs, e.name, e.action.kind])).toEqual([
      [20_000_000, 'fault', 'scale'],
      [20_000_000, undefined, 'fail'],
      [40_000_000, 'restore', 'scale'],
    ]);
    expect(s?.timeline[1]?.action).toEqual({ kind: 'fail', cluster: 'cluster1', deployment: 'helloworld-v1', status: 503, fraction: 1 });
    expect(s?.measure).toEqual({ failover: { fault: 'fault', restore: 'restore' } });
    expect(s?.thresholds[0]?.metric).toEqual(['failover', 'recovery', 'p99']);
  });

  it('defaults the measure to fault only when there is no later restore', () => {
    expect(run(scenarioDoc({ timeline: [scale('20s', 'fault', 0)] })).scenario?.measure).toEqual({ failover: { fault: 'fault' } });
    expect(run(scenarioDoc({ timeline: [scale('20s', 'down', 0)] })).scenario?.measure).toEqual({});
  });

  it('resolves every action kind', () => {
    const doc = scenarioDoc({
      timeline: [
        { at: '1s', deletePods: { cluster: 'cluster1', deployment: 'helloworld-v1', count: 1 } },
        { at: '2s', fail: { cluster: 'cluster1', deployment: 'helloworld-v1', pods: 1, status: 500, fraction: '50%' } },
        { at: '3s', heal: { cluster: 'cluster1', deployment: 'helloworld-v1' } },
        { at: '4s', gatewayDown: { cluster: 'cluster2' } },
        { at: '5s', gatewayUp: { cluster: 'cluster2' } },
        { at: '6s', delay: { cluster: 'cluster2', deployment: 'helloworld-v2', add: '50ms' } },
        { at: '7s', applyDestinationRule: 'dr.yaml' },
      ],
    });
    const rule = seedRule();
    const s = run(doc, { 'dr.yaml': { status: 'ok', rules: [rule], display: 'dr.yaml' } }).scenario;
    expect(s?.timeline.map((e) => e.action)).toEqual([
      { kind: 'deletePods', cluster: 'cluster1', deployment: 'helloworld-v1', count: 1 },
      { kind: 'fail', cluster: 'cluster1', deployment: 'helloworld-v1', pods: 1, status: 500, fraction: 0.5 },
      { kind: 'heal', cluster: 'cluster1', deployment: 'helloworld-v1' },
      { kind: 'gatewayDown', cluster: 'cluster2' },
      { kind: 'gatewayUp', cluster: 'cluster2' },
      { kind: 'delay', cluster: 'cluster2', deployment: 'helloworld-v2', addUs: 50_000 },
      { kind: 'applyDestinationRule', destinationRule: rule },
    ]);
  });

  it('picks the DestinationRule that selects the request service', () => {
    const sleepRule: DestinationRule = { ...seedRule(), name: 'sleep', host: 'sleep' };
    const doc = scenarioDoc({ destinationRule: 'm.yaml' });
    const s = run(doc, { 'm.yaml': { status: 'ok', rules: [sleepRule, seedRule()], display: 'm.yaml' } }).scenario;
    expect(s?.destinationRule?.name).toBe('helloworld');
    const none = run(doc, { 'm.yaml': { status: 'ok', rules: [sleepRule], display: 'm.yaml' } });
    expect(none.problems).toEqual([expect.objectContaining({ path: ['spec', 'destinationRule'], message: 'm.yaml has no DestinationRule for helloworld.sample.svc.cluster.local' })]);
  });

  it('lists the references to load', () => {
    const doc = scenarioDoc({ destinationRule: 'a.yaml', timeline: [{ at: '1s', applyDestinationRule: 'b.yaml' }, { at: '2s', applyDestinationRule: 'a.yaml' }] });
    expect(scenarioReferences(doc)).toEqual(['a.yaml', 'b.yaml']);
    expect(scenarioReferences({})).toEqual([]);
  });
});

describe('validateScenarioDocument: problems', () => {
  it.each([
    [{ client: { cluster: 'cluster3', workload: 'sleep' } }, 'spec.client.cluster', 'cluster "cluster3" is not in mesh two-cluster'],
    [{ client: { cluster: 'cluster1', workload: 'curl' } }, 'spec.client.workload', 'workload "curl" is not in cluster cluster1'],
    [{ client: { cluster: 'cluster2', workload: 'sleep' } }, 'spec.client.workload', 'workload "sleep" is not in cluster cluster2'],
    [{ client: { cluster: 'cluster1', workload: 'helloworld-v1' } }, 'spec.client.workload', 'is not a client'],
    [{ request: { service: 'goodbye' } }, 'spec.request.service', 'no workload in mesh two-cluster backs service goodbye.sample'],
    [{ request: { namespace: 'other' } }, 'spec.request.namespace', 'backs service helloworld.other'],
    [{ request: { port: 70000 } }, 'spec.request.port', '≤ 65535'],
    [{ request: { path: 'hello' } }, 'spec.request.path', 'must start with "/"'],
    [{ load: { duration: '60s' } }, 'spec.load', 'needs rate'],
    [{ load: { rate: 10, concurrency: 2, duration: '60s' } }, 'spec.load.concurrency', 'exclude each other'],
    [{ load: { rate: 10, duration: '60s', thinkTime: '1s' } }, 'spec.load.thinkTime', 'closed model only'],
    [{ load: { rate: '6000/m', duration: '0s' } }, 'spec.load.duration', 'at least 1us'],
    [{ load: { rate: 10, duration: '60s', burst: 2 } }, 'spec.load.burst', 'unknown field "burst"'],
    [{ timeline: [scale('60s', 'x', 0)] }, 'spec.timeline[0].at', 'is not before the end of the run'],
    [{ timeline: [{ at: '1s', name: 'bad name', heal: { cluster: 'cluster1', deployment: 'helloworld-v1' } }] }, 'spec.timeline[0].name', 'not a valid event name'],
    [{ timeline: [{ at: '1s', gatewayDown: { cluster: 'cluster9' } }] }, 'spec.timeline[0].gatewayDown.cluster', 'cluster "cluster9" is not in mesh'],
    [{ timeline: [{ at: '1s', deletePods: { cluster: 'cluster1', deployment: 'helloworld-v1', count: 0 } }] }, 'spec.timeline[0].deletePods.count', '≥ 1'],
    [{ timeline: [{ at: '1s', delay: { cluster: 'cluster1', deployment: 'helloworld-v1', add: '0s' } }] }, 'spec.timeline[0].delay.add', 'at least 1us'],
    [{ timeline: [{ at: '1s', fail: { cluster: 'cluster1', deployment: 'helloworld-v2' } }] }, 'spec.timeline[0].fail.deployment', 'runs in cluster2'],
    [{ timeline: [{ at: '1s', fail: { cluster: 'cluster1', deployment: 'helloworld-v1', fraction: 0 } }] }, 'spec.timeline[0].fail.fraction', 'in (0, 1]'],
    [{ measure: { failover: { fault: 'x' } } }, 'spec.measure.failover.fault', 'not a named timeline entry'],
    [{ thresholds: ['distribution.v3.share > 0.5'] }, 'spec.thresholds[0]', 'names version "v3"'],
    [{ thresholds: [7] }, 'spec.thresholds[0]', 'expected a string, got 7'],
  ])('%j → %s', (spec, path, message) => {
    const r = run(scenarioDoc(spec));
    expect(r.scenario).toBeUndefined();
    const found = r.problems.find((p) => formatPath(p.path) === path);
    expect(found === undefined ? messages(scenarioDoc(spec)) : `${found.message} (${found.hint ?? ''})`).toContain(message);
  });

  it('needs a gateway for gatewayDown/gatewayUp', () => {
    const noGateway = mesh(setAt(meshDoc(), 'spec.clusters.1.eastWestGateway', undefined));
    const doc = scenarioDoc({ timeline: [{ at: '1s', gatewayUp: { cluster: 'cluster2' } }] });
    const r = run(doc, {}, noGateway);
    expect(r.problems).toEqual([
      { path: ['spec', 'timeline', 0, 'gatewayUp', 'cluster'], message: 'gatewayUp needs an east-west gateway, and cluster cluster2 has none', hint: 'clusters with a gateway: cluster1' },
    ]);
  });

  it('reports DestinationRule references that could not be used', () => {
    const doc = scenarioDoc({ destinationRule: 'gone.yaml', timeline: [{ at: '1s', applyDestinationRule: 'bad.yaml' }] });
    expect(
      paths(doc, {
        'gone.yaml': { status: 'missing', display: 'gone.yaml', message: 'DestinationRule file not found: /x/gone.yaml' },
        'bad.yaml': { status: 'invalid', display: 'bad.yaml' },
      }),
    ).toEqual(['spec.destinationRule', 'spec.timeline[0].applyDestinationRule']);
  });

  it('reports one and two actions per entry, not the missing action of an unknown one', () => {
    const doc = scenarioDoc({
      timeline: [
        { at: '1s', name: 'a' },
        { at: '2s', scale: { cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 0 }, heal: { cluster: 'cluster1', deployment: 'helloworld-v1' } },
        { at: '3s', scaleTo: {} },
      ],
    });
    expect(paths(doc)).toEqual(['spec.timeline[2].scaleTo', 'spec.timeline[0]', 'spec.timeline[1].heal']);
  });

  it('lists every problem of a document at once', () => {
    const doc = scenarioDoc({
      client: { cluster: 'cluster1', workload: 'curl' },
      load: { rate: -1, duration: '60' },
      timeline: [scale('20s', 'fault', -1), scale('30s', 'fault', 1)],
      thresholds: ['nope > 1', 'errors.rate < 1% during fault..gone'],
    });
    expect(paths(doc).sort()).toEqual(
      [
        'spec.client.workload',
        'spec.load.duration',
        'spec.load.rate',
        'spec.thresholds[0]',
        'spec.thresholds[1]',
        'spec.timeline[0].scale.replicas',
        'spec.timeline[1].name',
      ].sort(),
    );
  });

  it('checks the header first', () => {
    expect(paths(setAt(scenarioDoc(), 'kind', 'Mesh'))).toEqual(['kind']);
    expect(paths(setAt(scenarioDoc(), 'apiVersion', undefined))).toEqual(['apiVersion']);
    expect(paths(setAt(setAt(scenarioDoc(), 'apiVersion', undefined), 'kind', undefined))).toEqual(['kind', 'apiVersion']);
  });
});
