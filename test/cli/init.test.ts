/**
 * Copies of scenarios validate where they land: the built-in scenarios name the bundled
 * DestinationRule as `builtin:locality-lb` (a relative `../manifests/...` broke in a copy), and
 * `meshbench init` writes an editable scenario with its mesh and rule into the current folder.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'meshbench-init-'));

describe('a copied built-in scenario', () => {
  it.each(['failover', 'locality', 'outlier-503'])('%s validates after it is copied elsewhere', async (name) => {
    const dir = fresh();
    copyFileSync(join(process.cwd(), 'scenarios', `${name}.yaml`), join(dir, 'copy.yaml'));
    const r = await runCli(['validate', 'copy.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ok  copy.yaml');
  });

  it('an unknown builtin: manifest is exit 3 listing the bundled ones', async () => {
    const dir = fresh();
    const text = readFileSync(join(process.cwd(), 'scenarios', 'failover.yaml'), 'utf8').replace('builtin:locality-lb', 'builtin:nope');
    writeFileSync(join(dir, 's.yaml'), text);
    const r = await runCli(['validate', 's.yaml'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("no bundled manifest 'nope'");
    expect(r.stderr).toContain('builtin:locality-lb');
  });
});

describe('meshbench init', () => {
  it('writes scenario, mesh and rule that validate as they are', async () => {
    const dir = fresh();
    const r = await runCli(['init', 'canary'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('canary.yaml');
    const scenario = readFileSync(join(dir, 'canary.yaml'), 'utf8');
    expect(scenario).toMatch(/name: canary/);
    expect(scenario).toContain('destinationRule: ./canary-rule.yaml');
    expect(scenario).toContain('# What it shows'); // the built-in's comments survive
    expect(readFileSync(join(dir, 'canary-rule.yaml'), 'utf8')).toBe(readFileSync(join(process.cwd(), 'manifests', '08-locality-lb.yaml'), 'utf8'));
    expect(readFileSync(join(dir, 'canary-mesh.yaml'), 'utf8')).toContain('kind: Mesh');
    // The scenario names its mesh copy (spec.mesh), so no --mesh is needed.
    expect(scenario).toContain('mesh: ./canary-mesh.yaml');
    const v = await runCli(['validate', 'canary.yaml'], { cwd: dir });
    expect(v.code, v.stderr).toBe(0);
    // The rule is the copy: editing it changes what validate sees.
    writeFileSync(join(dir, 'canary-rule.yaml'), readFileSync(join(dir, 'canary-rule.yaml'), 'utf8').replace('interval: 1s', 'interval: soon'));
    const broken = await runCli(['validate', 'canary.yaml'], { cwd: dir });
    expect(broken.code).toBe(3);
    expect(broken.stderr).toContain('canary-rule.yaml:');
  });

  it('defaults to my-scenario from failover; --from picks another built-in', async () => {
    const dir = fresh();
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'my-scenario.yaml'), 'utf8')).toContain('failover:');
    const d = await runCli(['init', 'spread', '--from', 'distribution'], { cwd: dir });
    expect(d.code, d.stderr).toBe(0);
    expect((await runCli(['validate', 'spread.yaml', '--mesh', 'spread-mesh.yaml'], { cwd: dir })).code).toBe(0);
  });

  it('copies the mesh a built-in scenario is written for, not the default one', async () => {
    const dir = fresh();
    const r = await runCli(['init', 'dup', '--from', 'duplicate-gateway'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'dup-mesh.yaml'), 'utf8')).toBe(
      `# Made by \`meshbench init\` from the built-in mesh (builtin:remote-two-zones); edit freely.\n${readFileSync(join(process.cwd(), 'scenarios', 'meshes', 'remote-two-zones.yaml'), 'utf8')}`,
    );
    expect(readFileSync(join(dir, 'dup.yaml'), 'utf8')).toContain('mesh: ./dup-mesh.yaml');
    const v = await runCli(['validate', 'dup.yaml'], { cwd: dir });
    expect(v.code, v.stderr).toBe(0);
  });

  it('refuses to overwrite without --force (exit 4), replaces with it', async () => {
    const dir = fresh();
    expect((await runCli(['init', 'x'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'x-mesh.yaml'), 'mine');
    const again = await runCli(['init', 'x'], { cwd: dir });
    expect(again.code).toBe(4);
    expect(again.stderr).toContain(`${join(dir, 'x.yaml')} already exists`);
    expect(readFileSync(join(dir, 'x-mesh.yaml'), 'utf8')).toBe('mine');
    expect((await runCli(['init', 'x', '--force'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'x-mesh.yaml'), 'utf8')).toContain('kind: Mesh');
  });

  it('a bad name or an unknown built-in is exit 2', async () => {
    const dir = fresh();
    expect((await runCli(['init', 'Bad_Name'], { cwd: dir })).code).toBe(2);
    const r = await runCli(['init', 'ok', '--from', 'nope'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('built-in scenarios: ');
  });
});
