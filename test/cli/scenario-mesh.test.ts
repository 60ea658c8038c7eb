/**
 * A scenario names the mesh it is written for (`spec.mesh`): `run`, `validate`, `explain` and
 * `sweep` use it when no `--mesh` is given, `--mesh` overrides it, and a path is relative to the
 * scenario file (fs/scenario-mesh.ts). Built-in scenarios on other topologies run as written.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const scenario = (mesh: string | undefined) => `apiVersion: meshbench.dev/v1alpha1
kind: Scenario
metadata: {name: on-three-regions}
spec:
${mesh === undefined ? '' : `  mesh: ${mesh}\n`}  client: {cluster: cluster1, workload: sleep}
  load: {concurrency: 1, duration: 3s}
  timeline:
    - {at: 1s, name: fault, scale: {cluster: cluster3, deployment: helloworld-v3, replicas: 0}}
`;

describe('spec.mesh: the mesh a scenario is written for', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'meshbench-scenario-mesh-'));
    mkdirSync(join(cwd, 'topo'));
    mkdirSync(join(cwd, 'tests'));
    cpSync(resolve('scenarios/meshes/three-region.yaml'), join(cwd, 'topo', 'regions.yaml'));
    writeFileSync(join(cwd, 'tests', 'named.yaml'), scenario('../topo/regions.yaml'));
    writeFileSync(join(cwd, 'tests', 'builtin.yaml'), scenario('builtin:three-region'));
    writeFileSync(join(cwd, 'tests', 'unnamed.yaml'), scenario(undefined));
  });

  it('validates against the mesh the scenario names, relative to the scenario file', async () => {
    const named = await runCli(['validate', 'tests/named.yaml'], { cwd });
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
    expect((await runCli(['validate', 'tests/builtin.yaml'], { cwd })).code).toBe(0);
    // Without spec.mesh the built-in two-cluster mesh has no cluster3: the mesh really was used.
    const unnamed = await runCli(['validate', 'tests/unnamed.yaml'], { cwd });
    expect(unnamed.code).toBe(3);
    expect(unnamed.stderr).toContain('cluster3');
  });

  it('runs on the named mesh, and --mesh overrides it', async () => {
    const run = await runCli(['run', 'tests/named.yaml', '--seed', '1', '--out', 'r', '--json'], { cwd });
    expect(run.code).toBe(0);
    const file = readdirSync(join(cwd, 'r')).find((f) => f.endsWith('.json')) as string;
    const result = JSON.parse(readFileSync(join(cwd, 'r', file), 'utf8')) as { target: { mesh: { name: string } } };
    expect(result.target.mesh.name).toBe('three-region');
    const overridden = await runCli(['run', 'tests/named.yaml', '--seed', '1', '--out', 'r2', '--mesh', 'builtin:two-cluster'], { cwd });
    expect(overridden.code).toBe(3);
    expect(overridden.stderr).toContain('cluster3');
  });

  it('explains a scenario on its mesh', async () => {
    const out = await runCli(['explain', 'tests/builtin.yaml', '--json'], { cwd });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('helloworld-v3');
  });

  it('lets every built-in scenario validate with no --mesh', async () => {
    const names = readdirSync(resolve('scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    expect(names).toContain('cross-network-failover');
    const r = await runCli(['validate', ...names], { cwd });
    expect(r.stderr).not.toContain('not in');
    expect(r.code).toBe(0);
  });
});
