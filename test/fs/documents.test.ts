import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, InvalidInputError, type Problem } from '../../src/errors.js';
import { listBuiltins } from '../../src/fs/document-files.js';
import { loadDestinationRule, loadMesh, loadScenario } from '../../src/fs/documents.js';
import { packageRoot } from '../../src/fs/package-root.js';

const root = packageRoot();
const fixtures = join(root, 'test', 'fixtures', 'documents');

async function problemsOf(p: Promise<unknown>): Promise<Problem[]> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).exitCode).toBe(ExitCode.Invalid);
    return [...(err as InvalidInputError).problems];
  }
  throw new Error('expected InvalidInputError');
}

describe('loadMesh', () => {
  it('loads the built-in mesh: the seed layout of product.md §3.1', async () => {
    const mesh = await loadMesh(undefined, root);
    expect(mesh.name).toBe('two-cluster');
    expect(mesh.meshID).toBe('mesh1');
    expect(mesh.clusters.map((c) => [c.name, c.network, c.eastWestGateway?.replicas, c.workloads.map((w) => w.name)])).toEqual([
      ['cluster1', 'network1', 1, ['helloworld-v1', 'sleep']],
      ['cluster2', 'network2', 1, ['helloworld-v2']],
    ]);
    expect(mesh.clusters[0]?.eastWestGateway?.locality).toEqual({ region: 'us-east1', zone: 'us-east1-b', subzone: '' });
    expect(mesh.clusters[1]?.workloads[0]).toMatchObject({ version: 'v2', service: 'helloworld', locality: { region: 'us-west1', zone: 'us-west1-a', subzone: '' }, server: { workers: 1, cpuP50Us: 33_000, cpuP99Us: 41_000, cpuLimitMillicores: undefined, backlog: 2048, gracefulTimeoutUs: 30_000_000, signalCheckUs: 1_000_000 } });
    expect(mesh.networkDelayUs).toEqual({ sameZone: 100, crossZone: 500, crossRegion: 30_000 });
    expect(mesh.controlPlane).toEqual({ endpointUpdateUs: 300_000, endpointUpdateP99Us: 1_000_000, remoteWatchUs: 200_000, remoteWatchP99Us: 800_000, debounceAfterUs: 100_000, debounceMaxUs: 10_000_000, pushUs: 50_000, pushP99Us: 250_000 });
    expect(mesh.defaults).toMatchObject({ terminationGracePeriodUs: 30_000_000, terminationDrainDurationUs: 5_000_000 });
  });

  it('resolves the built-in by reference, by name and by path alike', async () => {
    const a = await loadMesh('builtin:two-cluster', '/');
    const b = await loadMesh('two-cluster', '/');
    const c = await loadMesh('scenarios/meshes/two-cluster.yaml', root);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('reports a missing file with its absolute path (exit 3)', async () => {
    const [p] = await problemsOf(loadMesh('nope/mesh.yaml', fixtures));
    expect(p?.message).toBe(`file not found: ${join(fixtures, 'nope', 'mesh.yaml')}`);
    const [byName] = await problemsOf(loadMesh('three-cluster', fixtures));
    expect(byName?.hint).toMatch(/built-in meshes: .*two-cluster/);
  });

  it('names the expected kind when given a scenario', async () => {
    const [p] = await problemsOf(loadMesh('scenarios/failover.yaml', root));
    expect(p).toMatchObject({ file: 'scenarios/failover.yaml', path: 'kind', message: 'expected kind Mesh, found Scenario' });
  });
});

describe('loadScenario', () => {
  it('loads every built-in scenario cleanly against the built-in mesh', async () => {
    const names = await listBuiltins('scenario');
    expect(names).toEqual(expect.arrayContaining(['distribution', 'failover', 'gateway-down', 'locality', 'outlier-503']));
    // Some built-ins show a topology of their own (their header names the --mesh to use).
    const meshes = await Promise.all((await listBuiltins('mesh')).map((m) => loadMesh(`builtin:${m}`, root)));
    for (const name of names) {
      let loaded: Awaited<ReturnType<typeof loadScenario>> | undefined;
      const errors: unknown[] = [];
      for (const mesh of meshes) {
        try {
          loaded = await loadScenario(name, '/', mesh);
          break;
        } catch (err) {
          errors.push(err);
        }
      }
      if (loaded === undefined) throw new Error(`built-in scenario ${name} loads against no built-in mesh: ${String(errors[0])}`);
      expect(loaded.scenario.name).toBe(name);
      expect(loaded.scenario.source).toBe(`builtin:${name}`);
      expect(loaded.scenario.thresholds.length).toBeGreaterThan(0);
    }
  });

  it('loads the failover scenario exactly as product.md §3.2 writes it', async () => {
    const mesh = await loadMesh(undefined, root);
    const loaded = await loadScenario('failover', root, mesh);
    const file = join(root, 'scenarios', 'failover.yaml');
    expect(loaded.path).toBe(file);
    expect(loaded.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect((loaded.raw as { metadata: { name: string } }).metadata.name).toBe('failover');
    const s = loaded.scenario;
    // Issue 11: the seed's curl loop (1 VU) instead of product.md's 100 req/s, which saturates helloworld.
    expect(s.load).toEqual({ kind: 'closed', concurrency: 1, thinkTimeUs: 0, durationUs: 60_000_000 });
    expect(s.request).toEqual({ service: 'helloworld', namespace: 'sample', port: 5000, path: '/hello', timeoutUs: 10_000_000 });
    expect(s.timeline).toEqual([
      { atUs: 20_000_000, name: 'fault', action: { kind: 'scale', cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 0 } },
      { atUs: 40_000_000, name: 'restore', action: { kind: 'scale', cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 1 } },
    ]);
    expect(s.measure).toEqual({ failover: { fault: 'fault', restore: 'restore' } });
    expect(s.thresholds.map((t) => t.expr)).toEqual(['failover.recovery.p99 < 5s', 'distribution.v2.share > 0.9 during fault..restore']);
    expect(s.destinationRule).toMatchObject({
      name: 'helloworld',
      apiVersion: 'networking.istio.io/v1beta1',
      source: 'builtin:manifests/08-locality-lb.yaml',
      trafficPolicy: { loadBalancer: { localityLbSetting: { enabled: true } }, outlierDetection: { consecutiveErrors: 1, intervalUs: 1_000_000, baseEjectionTimeUs: 180_000_000 } },
    });
  });

  it('keeps the seed DestinationRule manifest unchanged', () => {
    const text = readFileSync(join(root, 'manifests', '08-locality-lb.yaml'), 'utf8');
    const body = text.split('\n').filter((l) => !l.startsWith('#')).join('\n');
    expect(body).toBe(
      [
        'apiVersion: networking.istio.io/v1beta1',
        'kind: DestinationRule',
        'metadata:',
        '  name: helloworld',
        'spec:',
        '  host: helloworld.sample.svc.cluster.local',
        '  trafficPolicy:',
        '    loadBalancer:',
        '      localityLbSetting:',
        '        enabled: true',
        '    outlierDetection:',
        '      consecutiveErrors: 1',
        '      interval: 1s',
        '      baseEjectionTime: 3m',
        '',
      ].join('\n'),
    );
  });

  it('resolves DestinationRule paths from the scenario directory, not cwd', async () => {
    const mesh = await loadMesh(undefined, root);
    // cwd is elsewhere: a path outside cwd is shown absolute.
    const loaded = await loadScenario(join(fixtures, 'valid', 'scenarios', 'apply-later.yaml'), join(root, 'src'), mesh);
    expect(loaded.scenario.destinationRule).toMatchObject({ name: 'helloworld', host: 'helloworld', ignored: ['spec.exportTo'] });
    expect(loaded.scenario.destinationRule?.source).toBe(join(fixtures, 'valid', 'manifests', 'helloworld-dr.yaml'));
    const applied = loaded.scenario.timeline.at(-1)?.action;
    expect(applied).toMatchObject({ kind: 'applyDestinationRule', destinationRule: { name: 'helloworld-plain', ignored: [], trafficPolicy: { connectionPool: { tcp: { maxConnections: 100 } } } } });
    expect(loaded.scenario.timeline.map((e) => e.atUs)).toEqual([5_000_000, 15_000_000, 15_000_000, 25_000_000]);
  });

  it('reports a missing DestinationRule at the field that names it, with the path resolved from the scenario', async () => {
    const mesh = await loadMesh(undefined, root);
    const [p] = await problemsOf(loadScenario('test/fixtures/documents/invalid/dr-missing.yaml', root, mesh));
    expect(p).toMatchObject({ file: 'test/fixtures/documents/invalid/dr-missing.yaml', path: 'spec.destinationRule', line: 7, col: 20 });
    expect(p?.message).toBe(`DestinationRule file not found: ${resolve(fixtures, 'manifests', 'does-not-exist.yaml')}`);
  });

  it('reports problems inside a referenced DestinationRule with that file name', async () => {
    const mesh = await loadMesh(undefined, root);
    const problems = await problemsOf(loadScenario('test/fixtures/documents/invalid/dr-invalid-ref.yaml', root, mesh));
    expect(problems).toContainEqual(
      expect.objectContaining({ file: 'test/fixtures/documents/invalid/dr-unknown-field.yaml', path: 'spec.trafficPolicy.outlierDetecton', line: 11, col: 5, hint: 'did you mean "outlierDetection"?' }),
    );
    expect(problems).toContainEqual(expect.objectContaining({ file: 'test/fixtures/documents/invalid/dr-invalid-ref.yaml', path: 'spec.destinationRule' }));
  });

  it('names the expected kind when given a mesh', async () => {
    const mesh = await loadMesh(undefined, root);
    const [p] = await problemsOf(loadScenario('scenarios/meshes/two-cluster.yaml', root, mesh));
    expect(p).toMatchObject({ path: 'kind', message: 'expected kind Scenario, found Mesh', line: 8, col: 7 });
    expect(p?.hint).toContain('--mesh');
  });

  it('lists the built-in names when a name-like reference is missing', async () => {
    const mesh = await loadMesh(undefined, root);
    const [p] = await problemsOf(loadScenario('failovr', fixtures, mesh));
    expect(p?.message).toBe(`file not found: ${join(fixtures, 'failovr')}`);
    expect(p?.hint).toMatch(/built-in scenarios: circuit-breaker, .*distribution, .*failover, .*gateway-down, locality, outlier-503/);
  });

  it('refuses a directory and an empty or multi-document file', async () => {
    const mesh = await loadMesh(undefined, root);
    expect((await problemsOf(loadScenario('valid', fixtures, mesh)))[0]?.message).toContain('is a directory');
    expect((await problemsOf(loadScenario('invalid/empty.yaml', fixtures, mesh)))[0]?.message).toContain('empty file');
    expect((await problemsOf(loadScenario('invalid/dr-two-for-host.yaml', fixtures, mesh)))[0]).toMatchObject({ line: 17, message: 'a Scenario file holds one document; found 2' });
  });
});

describe('loadDestinationRule', () => {
  it('loads the seed manifest', async () => {
    const rule = await loadDestinationRule('manifests/08-locality-lb.yaml', root);
    expect(rule).toMatchObject({ name: 'helloworld', source: 'manifests/08-locality-lb.yaml', ignored: [] });
  });

  it('picks by service in a file with several rules, and refuses to guess otherwise', async () => {
    const file = 'valid/manifests/helloworld-dr.yaml';
    expect((await loadDestinationRule(file, fixtures, { service: 'sleep' })).name).toBe('sleep');
    expect((await loadDestinationRule(file, fixtures, { service: 'helloworld' })).name).toBe('helloworld');
    const [p] = await problemsOf(loadDestinationRule(file, fixtures));
    expect(p?.message).toBe('2 DestinationRules in the file (helloworld, sleep)');
    const [none] = await problemsOf(loadDestinationRule(file, fixtures, { service: 'goodbye' }));
    expect(none?.message).toBe('no DestinationRule for goodbye.sample.svc.cluster.local in the file');
  });

  it('reports the file problems (exit 3)', async () => {
    const problems = await problemsOf(loadDestinationRule('invalid/dr-wrong-apiversion.yaml', fixtures));
    expect(problems).toEqual([expect.objectContaining({ file: 'invalid/dr-wrong-apiversion.yaml', path: 'apiVersion', line: 1, col: 13 })]);
    const [vs] = await problemsOf(loadDestinationRule('invalid/dr-virtual-service.yaml', fixtures));
    expect(vs).toMatchObject({ path: 'kind', message: 'expected kind DestinationRule, found VirtualService' });
  });
});
