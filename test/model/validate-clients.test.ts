import { describe, expect, it } from 'vitest';
import type { Mesh } from '../../src/model/mesh.js';
import { tryParseThreshold } from '../../src/model/threshold-parse.js';
import { validateMeshDocument } from '../../src/model/validate-mesh.js';
import { formatPath } from '../../src/model/validate-problems.js';
import { validateScenarioDocument } from '../../src/model/validate-scenario.js';
import { meshDoc, scenarioDoc } from '../fixtures/documents/objects.js';

/** The test mesh with a second client: sleep in cluster2 too. */
function twoClientMesh(): Mesh {
  const doc = meshDoc();
  const clusters = (doc['spec'] as { clusters: Array<{ workloads: unknown[] }> }).clusters;
  clusters[1]!.workloads.push({ name: 'sleep', namespace: 'sample', client: true, locality: 'us-west1/us-west1-a' });
  const m = validateMeshDocument(doc).mesh;
  if (m === undefined) throw new Error('test mesh invalid');
  return m;
}

const mesh = twoClientMesh();

/** A scenario with `clients` instead of `client`. */
function doc(clients: unknown, spec: Record<string, unknown> = {}): Record<string, unknown> {
  const d = scenarioDoc(spec);
  const s = d['spec'] as Record<string, unknown>;
  delete s['client'];
  s['clients'] = clients;
  return d;
}

function run(d: unknown) {
  return validateScenarioDocument(d, { mesh, source: 's.yaml', destinationRules: new Map() });
}

function problems(d: unknown): string[] {
  const r = run(d);
  expect(r.scenario).toBeUndefined();
  return r.problems.map((p) => `${formatPath(p.path)}: ${p.message}${p.hint !== undefined ? ` (hint: ${p.hint})` : ''}`);
}

const c1 = { cluster: 'cluster1', workload: 'sleep' };
const c2 = { cluster: 'cluster2', workload: 'sleep' };

describe('scenario clients: resolution', () => {
  it('the single `client:` form resolves without a clients field (results of old scenarios keep their bytes)', () => {
    const s = run(scenarioDoc()).scenario;
    expect(s?.client).toEqual(c1);
    expect(s !== undefined && 'clients' in s).toBe(false);
  });

  it('shares split an open load by rate and a closed load into whole VUs', () => {
    const open = run(doc([{ ...c1, share: 0.3 }, { ...c2, share: '70%' }])).scenario;
    expect(open?.client).toEqual(c1);
    expect(open?.clients?.map((c) => c.load)).toEqual([
      { kind: 'open', ratePerS: 30, durationUs: 60_000_000 },
      { kind: 'open', ratePerS: 70, durationUs: 60_000_000 },
    ]);
    const closed = run(doc([{ ...c1, share: 0.25 }, { ...c2, share: 0.75 }], { load: { concurrency: 4, duration: '60s' } })).scenario;
    expect(closed?.clients?.map((c) => c.load)).toEqual([
      { kind: 'closed', concurrency: 1, durationUs: 60_000_000, thinkTimeUs: 0 },
      { kind: 'closed', concurrency: 3, durationUs: 60_000_000, thinkTimeUs: 0 },
    ]);
  });

  it('a client with its own load keeps it (duration defaults to the scenario), one with neither sends the whole scenario load', () => {
    const s = run(doc([{ ...c1 }, { ...c2, load: { concurrency: 2, thinkTime: '10ms' } }])).scenario;
    expect(s?.clients).toEqual([
      { ...c1, load: { kind: 'open', ratePerS: 100, durationUs: 60_000_000 } },
      { ...c2, load: { kind: 'closed', concurrency: 2, durationUs: 60_000_000, thinkTimeUs: 10_000 } },
    ]);
  });

  it('thresholds may name a client of the scenario', () => {
    const s = run(doc([c1, c2], { thresholds: ['distribution.v2.share{client=cluster2/sleep} > 0.99', 'errors.rate{client=cluster1/sleep} < 1%'] })).scenario;
    expect(s?.thresholds.map((t) => t.client)).toEqual(['cluster2/sleep', 'cluster1/sleep']);
  });
});

describe('scenario clients: problems (file:line:col field message + hint come from these)', () => {
  it('unknown cluster, unknown workload and a workload that is not a client', () => {
    expect(problems(doc([{ cluster: 'cluster3', workload: 'sleep' }, { cluster: 'cluster1', workload: 'slep' }, { cluster: 'cluster2', workload: 'helloworld-v2' }]))).toEqual([
      'spec.clients[0].cluster: cluster "cluster3" is not in mesh two-cluster (hint: clusters: cluster1, cluster2 (did you mean "cluster1"?))',
      expect.stringMatching(/^spec\.clients\[1\]\.workload: .*slep/),
      'spec.clients[2].workload: workload "helloworld-v2" in cluster2 is not a client (hint: clients in cluster2: sleep)',
    ]);
  });

  it('a client listed twice', () => {
    expect(problems(doc([c1, c2, c1]))).toEqual([
      'spec.clients[2].workload: client cluster1/sleep is listed twice (spec.clients[0] and [2]) (hint: list each client workload once; give it a larger load or share instead)',
    ]);
  });

  it('shares that do not add up to 1, a share beside clients with neither, share with load', () => {
    expect(problems(doc([{ ...c1, share: 0.3 }, { ...c2, share: 0.6 }]))).toEqual([
      "spec.clients: the clients' shares add up to 0.9, not 1 (hint: shares split the scenario load: e.g. 0.3 and 0.7)",
    ]);
    expect(problems(doc([{ ...c1, share: 0.3 }, c2]))[0]).toMatch(/^spec\.clients\[1\]: some clients take a share/);
    expect(problems(doc([{ ...c1, share: 1, load: { rate: 5 } }, c2]))[0]).toMatch(/^spec\.clients\[0\]\.load: share and load exclude each other/);
  });

  it('a share of a closed load that is not whole VUs, an own load with both models or past the scenario', () => {
    expect(problems(doc([{ ...c1, share: 0.5 }, { ...c2, share: 0.5 }], { load: { concurrency: 3, duration: '60s' } }))[0]).toMatch(/share 0\.5 of concurrency 3 is not a whole number of VUs/);
    expect(problems(doc([{ ...c1, load: { rate: 5, concurrency: 1 } }, c2]))[0]).toMatch(/^spec\.clients\[0\]\.load\.concurrency: rate \(open model\) and concurrency/);
    expect(problems(doc([{ ...c1, load: { rate: 5, duration: '2m' } }, c2]))[0]).toMatch(/^spec\.clients\[0\]\.load\.duration: the client's load lasts longer than the scenario's/);
  });

  it('client and clients together, or neither', () => {
    const both = doc([c1, c2]);
    (both['spec'] as Record<string, unknown>)['client'] = c1;
    expect(problems(both)).toEqual([expect.stringMatching(/^spec\.clients: client and clients exclude each other/)]);
    const none = scenarioDoc();
    delete (none['spec'] as Record<string, unknown>)['client'];
    expect(problems(none)).toEqual([expect.stringMatching(/^spec: the scenario names no client/)]);
  });

  it('a threshold naming a client the scenario does not have; failover thresholds must name a client when there are several', () => {
    expect(problems(doc([c1, c2], { thresholds: ['errors.rate{client=cluster3/sleep} < 1%'] }))).toEqual([
      'spec.thresholds[0]: threshold names client "cluster3/sleep", which is not a client of this scenario (hint: clients: cluster1/sleep, cluster2/sleep (did you mean "cluster1/sleep"?))',
    ]);
    expect(problems(scenarioDoc({ thresholds: ['errors.rate{client=cluster2/sleep} < 1%'] }))[0]).toMatch(/client "cluster2\/sleep", which is not a client of this scenario/);
    const failover = {
      timeline: [
        { at: '20s', name: 'fault', scale: { cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 0 } },
        { at: '40s', name: 'restore', scale: { cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 1 } },
      ],
      thresholds: ['failover.recovery.p99 < 5s', 'failover.recovery.p99{client=cluster1/sleep} < 5s'],
    };
    expect(problems(doc([c1, c2], failover))).toEqual([expect.stringMatching(/^spec\.thresholds\[0\]: metric "failover\.recovery\.p99" needs a client/)]);
  });
});

describe('threshold {client=…} syntax', () => {
  it('parses the selector after the metric; its `=` is not the operator', () => {
    const t = tryParseThreshold('failover.recovery.p99{client=cluster1/sleep} < 5s during fault..restore');
    expect(t).toEqual({ ok: true, value: { expr: 'failover.recovery.p99{client=cluster1/sleep} < 5s during fault..restore', metric: ['failover', 'recovery', 'p99'], op: '<', value: { unit: 'ms', value: 5000 }, client: 'cluster1/sleep', during: { from: 'fault', to: 'restore' } } });
    expect(tryParseThreshold('errors.rate{client=cluster2/sleep}==0')).toMatchObject({ ok: true, value: { op: '==', client: 'cluster2/sleep' } });
  });

  it('refuses other selectors and malformed clients', () => {
    expect(tryParseThreshold('errors.rate{zone=a/b} < 1%')).toMatchObject({ ok: false, message: '"{zone=…}" is not a selector' });
    expect(tryParseThreshold('errors.rate{client=sleep} < 1%')).toMatchObject({ ok: false, message: '"sleep" is not a client' });
    expect(tryParseThreshold('errors.rate{client=cluster1/sleep < 1%')).toMatchObject({ ok: false });
  });
});
