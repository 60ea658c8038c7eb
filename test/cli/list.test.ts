import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileResultStore } from '../../src/fs/result-store.js';
import type { ListRow } from '../../src/render/list.js';
import { runCli } from '../support/cli.js';
import { buildResult } from '../support/results.js';

let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'meshbench-list-'));
  const store = createFileResultStore('results', { cwd });
  await store.save(buildResult({ id: '20261122-080000-failover-aaaaaa', startedAt: '2026-11-22T08:00:00.000Z' }));
  await store.save(buildResult({ id: '20261124-080000-distribution-bbbbbb', scenario: 'distribution', startedAt: '2026-11-24T08:00:00.000Z' }));
  await writeFile(join(cwd, 'results', 'broken.json'), '{"schema": "meshbench.dev/result/v9"}');
  await createFileResultStore('elsewhere', { cwd }).save(buildResult({ id: '20261125-080000-failover-cccccc' }));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('meshbench list', () => {
  it('lists ./results newest first and warns about unreadable files on stderr', async () => {
    const run = await runCli(['list'], { cwd });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+requests\s+.*thresholds$/);
    expect(lines[1]).toContain('20261124-080000-distribution-bbbbbb');
    expect(lines[2]).toContain('20261122-080000-failover-aaaaaa');
    expect(run.stderr).toBe(
      'warning: skipped results/broken.json: 1:12 schema: result schema meshbench.dev/result/v9 is not supported by meshbench 0.1.0; supported: meshbench.dev/result/v1, meshbench.dev/result/v2\n',
    );
  });

  it('reads another directory with --out, and prints JSON with --json', async () => {
    const run = await runCli(['list', '--out', 'elsewhere', '--json'], { cwd });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { dir: string; results: ListRow[]; unreadable: unknown[] };
    expect(json.dir).toBe('elsewhere');
    expect(json.results.map((r) => [r.id, r.path, r.requests])).toEqual([['20261125-080000-failover-cccccc', 'elsewhere/20261125-080000-failover-cccccc.json', 6000]]);
    expect(json.results[0]?.recoveryP50Ms).toBeGreaterThan(0);
  });

  it('says so when there are no results', async () => {
    const run = await runCli(['list', '--out', 'empty'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no results in empty');
  });

  it('keeps the thresholds verdict at 100 columns: 0/3 FAIL stays visible, other columns give way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshbench-list-'));
    const r = buildResult({ id: '20261126-080000-failover-on-gateway-dddddd', scenario: 'failover', trials: 3 });
    const failed = ['errors.rate < 1%', 'latency.p99 < 500ms', 'distribution.v2.share > 0.9'].map((expr) => ({ expr, ok: false, value: 1 }));
    await createFileResultStore(dir, { cwd }).save({
      ...r,
      labels: { istio: '1.31', team: 'payments-platform-long-label', run: 'nightly-regression-check' },
      thresholds: failed as typeof r.thresholds,
    });
    for (const args of [['--width', '100'], []]) {
      const run = await runCli(['list', '--out', dir, ...args], { cwd });
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/thresholds$/);
      expect(lines[1]).toMatch(/0\/3 FAIL$/);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    }
  });
});
