import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareJson } from '../../src/app/compare.js';
import { createFileResultStore } from '../../src/fs/result-store.js';
import type { Result } from '../../src/model/result.js';
import { runCli } from '../support/cli.js';
import { buildResult } from '../support/results.js';

let cwd: string;
let old: Result[];
let fresh: Result[];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'meshbench-compare-'));
  old = [1, 2].map((seed) => buildResult({ id: `20261120-10000${seed}-failover-00000${seed}`, seed, trials: 4, istio: '1.22', recoveryMs: [900, 1500] }));
  fresh = [3, 4].map((seed) => buildResult({ id: `20261121-10000${seed}-failover-00000${seed}`, seed, trials: 4, istio: '1.24', recoveryMs: [300, 600] }));
  const store = createFileResultStore('results', { cwd });
  for (const r of [...old, ...fresh]) await store.save(r);
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('meshbench compare', () => {
  it('compares two results side by side with verdicts', async () => {
    const run = await runCli(['compare', old[0]!.id, fresh[0]!.id], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Compare · 2 results · baseline A · α = 0.05 per test');
    expect(run.stdout).toMatch(/recovery\s+A\s+4\s/);
    expect(run.stdout).toContain('Share of v1 over time');
  });

  it('groups by a label, merges each group and tests the difference', async () => {
    const ids = [...old, ...fresh].map((r) => r.id);
    const run = await runCli(['compare', ...ids, '--by', 'istio', '--json'], { cwd });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as CompareJson;
    expect(json.subjects.map((s) => [s.key, s.trials, s.results.length])).toEqual([
      ['1.22', 8, 2],
      ['1.24', 8, 2],
    ]);
    expect(json.subjects[0]!.requests).toBe(old[0]!.summary.requests + old[1]!.summary.requests);
    expect(json.comparisons[0]?.failover?.recovery.kind).toBe('better');
    expect(json.comparisons[0]?.failover?.recovery.pValue).toBeLessThan(0.05);
  });

  it('uses --baseline (a label value with --by, a result without)', async () => {
    const ids = [...old, ...fresh].map((r) => r.id);
    const byValue = await runCli(['compare', ...ids, '--by', 'istio', '--baseline', '1.24', '--json'], { cwd });
    expect((JSON.parse(byValue.stdout) as CompareJson).baseline).toBe('1.24');
    const byResult = await runCli(['compare', old[0]!.id, '--baseline', fresh[1]!.id, '--json'], { cwd });
    const json = JSON.parse(byResult.stdout) as CompareJson;
    expect(json.subjects[0]?.results[0]?.id).toBe(fresh[1]!.id);
    expect(json.comparisons[0]?.failover?.recovery.kind).toBe('worse');
  });

  it('honours --alpha', async () => {
    const run = await runCli(['compare', old[0]!.id, old[1]!.id, '--alpha', '0.000001', '--json'], { cwd });
    expect((JSON.parse(run.stdout) as CompareJson).alpha).toBe(0.000001);
    const bad = await runCli(['compare', old[0]!.id, old[1]!.id, '--alpha', '5'], { cwd });
    expect(bad.code).toBe(2);
  });

  it('exits 2 with fewer than two results or groups', async () => {
    const one = await runCli(['compare', old[0]!.id], { cwd });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('compare needs at least two results');
    const sameGroup = await runCli(['compare', old[0]!.id, old[1]!.id, '--by', 'istio'], { cwd });
    expect(sameGroup.code).toBe(2);
    expect(sameGroup.stderr).toContain('every result has the same istio (1.22)');
    const badBaseline = await runCli(['compare', old[0]!.id, fresh[0]!.id, '--by', 'istio', '--baseline', '1.99'], { cwd });
    expect(badBaseline.code).toBe(2);
    expect(badBaseline.stderr).toContain('--baseline 1.99 is neither a value of istio among the results (1.22, 1.24) nor a stored result');
  });

  it('exits 3 when a result cannot be read', async () => {
    const run = await runCli(['compare', old[0]!.id, 'missing.json'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('missing.json');
  });
});
