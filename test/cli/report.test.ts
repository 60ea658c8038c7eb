import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileResultStore } from '../../src/fs/result-store.js';
import type { Result } from '../../src/model/result.js';
import { visibleWidth } from '../../src/render/style.js';
import { runCli } from '../support/cli.js';
import { buildResult } from '../support/results.js';

let cwd: string;
let result: Result;
let path: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'meshbench-report-'));
  result = buildResult({ id: '20261123-214500-failover-3fa2c1' });
  path = await createFileResultStore('results', { cwd }).save(result);
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('meshbench report', () => {
  it('reports a result named by id, without colour in a non-TTY log', async () => {
    const run = await runCli(['report', result.id], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`failover · ${result.id}`);
    expect(run.stdout).toContain('Share of requests per version over time');
    expect(run.stdout).toContain('^fault');
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('names the file it read, not the id prefix that was typed', async () => {
    const prefix = result.id.slice(0, 12);
    const run = await runCli(['report', prefix], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`results/${result.id}.json`);
    expect(run.stdout).not.toMatch(new RegExp(`(^|\\s)${prefix}(\\s|$)`, 'm'));
    const json = JSON.parse((await runCli(['report', prefix, '--json'], { cwd })).stdout) as { reports: Array<{ source: string }> };
    expect(json.reports[0]?.source).toBe(`results/${result.id}.json`);
  });

  it('accepts a path and honours FORCE_COLOR and --no-color', async () => {
    const coloured = await runCli(['report', 'results/20261123-214500-failover-3fa2c1.json'], { cwd, env: { FORCE_COLOR: '1' } });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain('\u001b[');
    const plain = await runCli(['--no-color', 'report', path], { cwd, env: { FORCE_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('fits --width', async () => {
    const run = await runCli(['report', result.id, '--width', '60'], { cwd });
    expect(run.code).toBe(0);
    for (const line of run.stdout.split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(60);
  });

  it('prints the summary and chart data with --json', async () => {
    const run = await runCli(['report', result.id, '--json'], { cwd });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { reports: Array<{ id: string; summary: Result['summary']; charts: { errorRate: number[] } }> };
    expect(json.reports[0]?.id).toBe(result.id);
    expect(json.reports[0]?.summary.requests).toBe(6000);
    expect(json.reports[0]?.charts.errorRate).toHaveLength(60);
  });

  it('exits 3 with a hint for a missing result', async () => {
    const run = await runCli(['report', 'no-such-result'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('result not found');
    expect(run.stderr).toContain('hint: `meshbench list`');
  });

  it('exits 3 naming the file and the field of a hand-edited result', async () => {
    await writeFile(join(cwd, 'edited.json'), JSON.stringify({ ...result, summary: { ...result.summary, requests: 'many' } }, null, 2));
    const run = await runCli(['report', 'edited.json'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/edited\.json:\d+:\d+ {2}summary\.requests {2}expected a number, got "many"/);
    expect(run.stderr).not.toContain('    at ');
  });

  it('exits 3 for a truncated result', async () => {
    await writeFile(join(cwd, 'cut.json'), JSON.stringify(result).slice(0, 500));
    const run = await runCli(['report', 'cut.json'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/cut\.json:1:501 {2}\(document\) {2}truncated JSON/);
  });

  it('exits 3 for a result of another schema version, naming it', async () => {
    await writeFile(join(cwd, 'v2.json'), JSON.stringify({ ...result, schema: 'meshbench.dev/result/v3' }));
    const run = await runCli(['report', 'v2.json'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('v2.json:1:11  schema  result schema meshbench.dev/result/v3 is not supported by meshbench 0.1.0; supported: meshbench.dev/result/v1, meshbench.dev/result/v2');
    expect(run.stderr).toContain('hint: it was written by a newer meshbench');
  });

  it('exits 3 naming the histogram when one is not an HdrHistogram', async () => {
    await writeFile(join(cwd, 'hist.json'), JSON.stringify({ ...result, histograms: { ...result.histograms, latency: 'AAAAAAAA' } }));
    const run = await runCli(['report', 'hist.json'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('hist.json  histograms.latency  not a valid HdrHistogram encoding');
  });

  it('exits 2 for a width it cannot use', async () => {
    const run = await runCli(['report', result.id, '--width', '10'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('between 40 and 200');
  });

  // Its speed (< 200 ms) is a performance claim: `npm run bench` (report.render) measures it, not a timed test.
  it('reports a 1,000-trial result over all its trials', async () => {
    const big = buildResult({ id: '20261123-214500-failover-b1b1b1', trials: 1000, ratePerS: 10 });
    await createFileResultStore('results', { cwd }).save(big);
    const run = await runCli(['report', big.id], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('over 1,000 trials');
  });
});
