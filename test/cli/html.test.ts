import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileResultStore } from '../../src/fs/result-store.js';
import type { Result } from '../../src/model/result.js';
import { runCli } from '../support/cli.js';
import { buildResult } from '../support/results.js';

let cwd: string;
let a: Result;
let b: Result;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'meshbench-html-cli-'));
  a = buildResult({ id: '20261123-214500-failover-3fa2c1', trials: 4 });
  b = buildResult({ id: '20261123-214600-failover-4fa2c1', trials: 4, seed: 5, labels: { istio: '<b>1.22</b>' } });
  const store = createFileResultStore('results', { cwd });
  await store.save(a);
  await store.save(b);
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('--html', () => {
  it('report --html writes one page (and nothing else) and says where, in the terminal order', async () => {
    const run = await runCli(['report', a.id, '--html', 'out/report.html'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^wrote out\/report\.html \(\d+\.\d KiB\)\n$/);
    expect(await readdir(join(cwd, 'out'))).toEqual(['report.html']);
    const html = await readFile(join(cwd, 'out/report.html'), 'utf8');
    const order = ['id="requests"', 'id="distribution-', 'id="locality-', 'id="latency-', 'id="failover-', 'id="thresholds"', 'id="share-of-requests-per-version-over-time"', 'id="error-rate-over-time"', 'id="latency-percentile-spectrum"'];
    const at = order.map((s) => html.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
  });

  it('is the same bytes for the same result', async () => {
    await runCli(['report', a.id, '--html', 'again.html'], { cwd });
    await runCli(['report', a.id, '--html', 'again2.html'], { cwd });
    expect(await readFile(join(cwd, 'again.html'), 'utf8')).toBe(await readFile(join(cwd, 'again2.html'), 'utf8'));
  });

  it('compare --html escapes label values and holds the significance table', async () => {
    const run = await runCli(['compare', a.id, b.id, '--html', 'compare.html'], { cwd });
    expect(run.code).toBe(0);
    const html = await readFile(join(cwd, 'compare.html'), 'utf8');
    expect(html).toContain('istio=&lt;b&gt;1.22&lt;/b&gt;');
    expect(html).not.toContain('<b>1.22</b>');
    expect(html).toContain('id="significance"');
  });

  it('exits 4 naming the file when it cannot be written', async () => {
    await writeFile(join(cwd, 'a-file'), 'x');
    const run = await runCli(['report', a.id, '--html', 'a-file/report.html'], { cwd });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('a-file/report.html');
  });

  it('run --html writes the page of the run it saved', async () => {
    const run = await runCli(['run', 'failover', '--seed', '3', '--out', 'runs', '--html', 'run.html', '--workers', '1'], { cwd });
    expect([0, 10]).toContain(run.code);
    const [saved] = await readdir(join(cwd, 'runs'));
    const html = await readFile(join(cwd, 'run.html'), 'utf8');
    expect(html).toContain(`data-result="${saved!.replace(/\.json$/, '')}"`);
  }, 60_000);
});
