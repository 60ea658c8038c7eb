import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepSet } from '../../src/model/sweep.js';
import { runCli } from '../support/cli.js';

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'meshbench-sweep-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

// A cheap grid: the failover scenario at 5 and 10 req/s (60 s of virtual time each) on two Istio versions.
const GRID = ['sweep', 'failover', '--set', 'load.rate=5,10', '--set', 'istio=1.22,1.24', '--seed', '7', '--workers', '1'];

describe('meshbench sweep', () => {
  it('runs every cell, saves each as a result and the sweep as one file, --json gives the set', async () => {
    const run = await runCli([...GRID, '--out', 'r1', '--json', '--measure', 'failover.recovery.p99,errors.rate'], { cwd });
    expect(run.code).toBe(0);
    const set = JSON.parse(run.stdout) as SweepSet;
    expect(set.cells.map((c) => c.values)).toEqual([['5', '1.22'], ['5', '1.24'], ['10', '1.22'], ['10', '1.24']]);
    expect(set.measures.map((m) => m.path)).toEqual(['failover.recovery.p99', 'errors.rate']);
    const files = (await readdir(join(cwd, 'r1'))).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(set.cells.map((c) => `${c.resultId}.json`).sort());
    const stored = JSON.parse(await readFile(join(cwd, 'r1', 'sweeps', `${set.id}.json`), 'utf8')) as SweepSet;
    expect(stored).toEqual(set);
    const cell = JSON.parse(await readFile(join(cwd, 'r1', `${set.cells[3]!.resultId}.json`), 'utf8')) as { labels: Record<string, string>; summary: { load: { ratePerS: number }; errorRate: number }; target: { istio: string } };
    expect(cell.labels).toMatchObject({ sweep: set.id, rate: '10', istio: '1.24' });
    expect(cell.summary.load.ratePerS).toBe(10);
    expect(cell.target.istio).toBe('1.24');
    expect(set.cells[3]!.measures['errors.rate']).toBe(cell.summary.errorRate);
  }, 120_000);

  it('draws a grid per measure for two varying dimensions, marks passing cells, and writes --html', async () => {
    const run = await runCli([...GRID, '--out', 'r2', '--html', 'sweep.html'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('load.rate \\ istio');
    expect(run.stdout).toMatch(/failover\.recovery\.p99\n/);
    expect(run.stdout).toContain('distribution.v2.share during fault..restore');
    expect(run.stdout).toMatch(/[✓✗]/);
    const html = await readFile(join(cwd, 'sweep.html'), 'utf8');
    expect(html).toContain('data-measure="failover.recovery.p99"');
    expect(html).not.toMatch(/<script/);
  }, 120_000);

  it('exits 3 naming the --set path before running anything', async () => {
    const run = await runCli(['sweep', 'failover', '--set', 'dr.trafficPolicy.outlierDetection.interval=1s,later', '--out', 'r3'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('dr.trafficPolicy.outlierDetection.interval');
    await expect(readdir(join(cwd, 'r3'))).rejects.toThrow();
  });
});
