/**
 * `run` refuses, before running anything, flags that belong to the other target and labels that
 * contradict the run's own settings (both were silently accepted: ignored flags, mislabelled results).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'meshbench-flags-'));

describe('run: flags for the other target are exit 2', () => {
  it.each([
    [['--context', 'c1'], '--context', 'kube', 'sim'],
    [['--kubeconfig', 'k.yaml'], '--kubeconfig', 'kube', 'sim'],
    [['--load', 'curl'], '--load', 'kube', 'sim'],
    [['--parallelism', '2'], '--parallelism', 'kube', 'sim'],
  ])('%j with --target sim', async (flags, name, only, target) => {
    const out = fresh();
    const r = await runCli(['run', 'failover', '--target', 'sim', '--seed', '1', '--out', out, ...flags]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${name} applies to --target ${only} only, not to --target ${target}`);
    expect(readdirSync(out)).toEqual([]);
  });

  it.each([
    [['--seed', '7'], '--seed'],
    [['--istio', '1.18'], '--istio'],
    [['--workers', '2'], '--workers'],
  ])('%j with --target kube (before any kubeconfig is read)', async (flags, name) => {
    const r = await runCli(['run', 'failover', '--target', 'kube', '--context', 'c1', '--context', 'c2', ...flags], { env: { KUBECONFIG: '/nonexistent' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${name} applies to --target sim only, not to --target kube`);
  });

  it('defaults of the other target are not "given": a plain sim run still works', async () => {
    const r = await runCli(['run', 'distribution', '--seed', '1', '--out', fresh()]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('run: a label that contradicts the run is exit 2', () => {
  it('--istio 1.18 --label istio=1.31 is refused before running', async () => {
    const out = fresh();
    const r = await runCli(['run', 'failover', '--seed', '1', '--istio', '1.18', '--label', 'istio=1.31', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--label istio=1.31 contradicts --istio 1.18');
    expect(readdirSync(out)).toEqual([]);
  });

  it('a label that agrees (istio=1.18.3 under --istio 1.18) is kept', async () => {
    const r = await runCli(['run', 'distribution', '--seed', '1', '--istio', '1.18', '--label', 'istio=1.18.3', '--out', fresh()]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('the default profile counts too: --label istio=1.18 without --istio is refused', async () => {
    const r = await runCli(['run', 'distribution', '--seed', '1', '--label', 'istio=1.18', '--out', fresh()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('contradicts --istio 1.31');
  });
});

describe('run --quiet', () => {
  it('prints only the verdict line and the result path (no report, no progress, no seed line)', async () => {
    const out = fresh();
    const r = await runCli(['run', 'failover', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const [verdict, path, ...rest] = r.stdout.trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(verdict).toMatch(/^PASS failover {2}\d+ of \d+ thresholds$/);
    expect(readdirSync(out).map((f) => join(out, f))).toEqual([path]);
  });

  it('names the failed thresholds on the verdict line, and --quiet with --json is exit 2', async () => {
    const out = fresh();
    const r = await runCli(['run', 'outlier-503', '--seed', '1', '--out', out, '-q']);
    expect(r.code).toBe(10);
    expect(r.stdout).toMatch(/^FAIL outlier-503 {2}\d+ of \d+ thresholds \(failed: .+\)\n/);
    expect((await runCli(['run', 'failover', '--quiet', '--json', '--out', out])).code).toBe(2);
  });
});
