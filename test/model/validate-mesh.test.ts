import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTROL_PLANE, DEFAULT_MESH_DEFAULTS, DEFAULT_NETWORK_DELAY_US } from '../../src/model/mesh.js';
import { validateMeshDocument } from '../../src/model/validate-mesh.js';
import { formatPath } from '../../src/model/validate-problems.js';
import { meshDoc, setAt } from '../fixtures/documents/objects.js';

function problems(doc: unknown): Array<{ path: string; message: string; hint?: string }> {
  const r = validateMeshDocument(doc);
  expect(r.mesh).toBeUndefined();
  return r.problems.map((p) => ({ path: formatPath(p.path), message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}) }));
}

describe('validateMeshDocument', () => {
  it('resolves the seed layout with defaults', () => {
    const r = validateMeshDocument(meshDoc());
    expect(r.problems).toEqual([]);
    const mesh = r.mesh;
    expect(mesh?.name).toBe('two-cluster');
    expect(mesh?.networkDelayUs).toEqual(DEFAULT_NETWORK_DELAY_US);
    expect(mesh?.controlPlane).toEqual(DEFAULT_CONTROL_PLANE);
    expect(mesh?.defaults).toEqual(DEFAULT_MESH_DEFAULTS);
    const c1 = mesh?.clusters[0];
    expect(c1?.eastWestGateway).toEqual({ replicas: 1, locality: { region: 'us-east1', zone: 'us-east1-b', subzone: '' } });
    expect(c1?.workloads[0]).toEqual({
      name: 'helloworld-v1',
      namespace: 'sample',
      service: 'helloworld',
      version: 'v1',
      replicas: 1,
      locality: { region: 'us-east1', zone: 'us-east1-b', subzone: '' },
      client: false,
      latency: { p50Us: 3000, p99Us: 20_000 },
      labels: {},
    });
    expect(c1?.workloads[1]).toMatchObject({ name: 'sleep', client: true, replicas: 1, labels: {} });
    expect(c1?.workloads[1]?.latency).toBeUndefined();
  });

  it('applies workload defaults and explicit timings', () => {
    const doc = meshDoc();
    setAt(doc, 'spec.clusters.1.workloads.0', { name: 'helloworld-v2', service: 'helloworld', version: 'v2', latency: { p50: '1ms', p99: '1ms' } });
    setAt(doc, 'spec.clusters.1.eastWestGateway', { locality: 'us-west1/us-west1-b/sz' });
    setAt(doc, 'spec.network', { crossRegion: '40ms' });
    setAt(doc, 'spec.controlPlane', { push: '75ms' });
    setAt(doc, 'spec.defaults', { podStartup: '5s' });
    setAt(doc, 'spec.meshID', undefined);
    const mesh = validateMeshDocument(doc).mesh;
    expect(mesh?.meshID).toBe('mesh1');
    expect(mesh?.clusters[1]?.workloads[0]).toMatchObject({ namespace: 'sample', replicas: 1, locality: { region: '', zone: '', subzone: '' } });
    expect(mesh?.clusters[1]?.eastWestGateway).toEqual({ replicas: 1, locality: { region: 'us-west1', zone: 'us-west1-b', subzone: 'sz' } });
    expect(mesh?.networkDelayUs).toEqual({ ...DEFAULT_NETWORK_DELAY_US, crossRegion: 40_000 });
    expect(mesh?.controlPlane.pushUs).toBe(75_000);
    expect(mesh?.defaults.podStartupUs).toBe(5_000_000);
  });

  it('reads a control-plane delay as a constant duration or a {p50, p99} distribution', () => {
    const doc = setAt(meshDoc(), 'spec.controlPlane', { endpointUpdate: '250ms', push: { p50: '40ms', p99: '400ms' } });
    const cp = validateMeshDocument(doc).mesh?.controlPlane;
    expect(cp).toMatchObject({ endpointUpdateUs: 250_000, endpointUpdateP99Us: 250_000, pushUs: 40_000, pushP99Us: 400_000 });
    expect(cp?.remoteWatchP99Us).toBe(DEFAULT_CONTROL_PLANE.remoteWatchP99Us);
    const bad = problems(setAt(meshDoc(), 'spec.controlPlane', { remoteWatch: { p50: '1s', p99: '10ms' }, push: { p50: '1ms', p90: '2ms' } }));
    expect(bad).toEqual([
      { path: 'spec.controlPlane.remoteWatch', message: 'p99 10ms is below p50 1s', hint: 'p99 must be at least p50' },
      { path: 'spec.controlPlane.push', message: 'unknown field "p90" in a delay', hint: 'a delay distribution has exactly p50 and p99' },
    ]);
  });

  it('keeps a cluster without a gateway gateway-less', () => {
    const doc = setAt(meshDoc(), 'spec.clusters.1.eastWestGateway', undefined);
    expect(validateMeshDocument(doc).mesh?.clusters[1]?.eastWestGateway).toBeUndefined();
  });

  it('reports the header before anything else', () => {
    expect(problems(setAt(meshDoc(), 'kind', 'Scenario'))).toEqual([
      { path: 'kind', message: 'expected kind Mesh, found Scenario', hint: expect.stringContaining('--mesh') as string },
    ]);
    expect(problems(setAt(meshDoc(), 'apiVersion', 'v1'))[0]?.path).toBe('apiVersion');
    expect(problems([1, 2])[0]?.message).toContain('got a list');
  });

  it('collects every problem', () => {
    const doc = meshDoc();
    setAt(doc, 'spec.clusters.1.name', 'cluster1');
    setAt(doc, 'spec.clusters.0.workloads.0.replicas', -1);
    setAt(doc, 'spec.clusters.0.workloads.0.locality', 'a/b/c/d');
    setAt(doc, 'spec.clusters.0.workloads.1.replica', 2);
    setAt(doc, 'spec.clusters.1.workloads.0.version', undefined);
    setAt(doc, 'spec.clusters.1.workloads.0.latency', { p50: '30ms', p99: '20ms' });
    setAt(doc, 'spec.controlPlane', { debounceAfter: '1s', debounceMax: '100ms' });
    const found = problems(doc);
    expect(found.map((p) => p.path).sort()).toEqual(
      [
        'spec.clusters[0].workloads[0].locality',
        'spec.clusters[0].workloads[0].replicas',
        'spec.clusters[0].workloads[1].replica',
        'spec.clusters[1].name',
        'spec.clusters[1].workloads[0].latency.p99',
        'spec.clusters[1].workloads[0].version',
        'spec.controlPlane.debounceMax',
      ].sort(),
    );
    expect(found.find((p) => p.path.endsWith('replica'))?.hint).toBe('did you mean "replicas"?');
  });

  it.each([
    ['spec.clusters.0.name', 'Cluster1', 'not a DNS-1123 label'],
    ['spec.clusters.0.workloads.0.namespace', 'Sample', 'not a DNS-1123 label'],
    ['spec.clusters.0.workloads.0.replicas', 1.5, 'expected an integer'],
    ['spec.clusters.0.workloads.0.locality', 'us-east1/*', 'wildcard'],
    ['spec.clusters.0.workloads.0.locality', '/zone', 'no region'],
    ['spec.clusters.0.workloads.0.latency', { p50: '3', p99: '20ms' }, 'needs a unit'],
    ['spec.clusters.0.workloads.0.latency', undefined, 'needs a service time'],
    ['spec.clusters.0.workloads.0.labels', { version: 'v9' }, 'contradicts'],
    ['spec.clusters.0.workloads.0.labels', { 'bad key': 'x' }, 'label key'],
    ['spec.clusters', [], 'at least 1'],
    ['spec.network', { sameZone: 5 }, 'needs a unit'],
    ['metadata', { name: 'x', owner: 'me' }, 'unknown field "owner"'],
  ])('%s = %j → %s', (path, value, message) => {
    const found = problems(setAt(meshDoc(), path, value));
    expect(found.map((p) => p.message).join('\n')).toContain(message);
  });

  it('asks for a gateway locality when the cluster has no workloads', () => {
    const doc = setAt(meshDoc(), 'spec.clusters.1.workloads', []);
    expect(problems(doc)).toEqual([expect.objectContaining({ path: 'spec.clusters[1].eastWestGateway.locality' })]);
  });
});
