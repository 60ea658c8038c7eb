import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFileResultStore } from '../../src/fs/result-store.js';
import type { Result } from '../../src/model/result.js';
import { describeWithTool, TOOLS } from '../support/system-tool.js';
import { runCli } from '../support/cli.js';
import { buildResult } from '../support/results.js';

/**
 * The HTML pages in real headless Chromium (Debian's, never a downloaded build): no console
 * errors, no network, every chart drawn with its axis names, the numbers equal to the result
 * JSON, screenshots at desktop and phone widths in test-output/ (git-ignored).
 */

const SHOTS = resolve('test-output/html');

describeWithTool(TOOLS.chromium, 'HTML pages in headless Chromium', (chromiumPath) => {
  let browser: Browser;
  let cwd: string;
  let a: Result;
  let b: Result;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'meshbench-html-'));
    await mkdir(SHOTS, { recursive: true });
    const store = createFileResultStore('results', { cwd });
    a = buildResult({ id: '20261123-214500-failover-aaaaaa', trials: 8, istio: '1.24', labels: { istio: '1.24' } });
    b = buildResult({ id: '20261123-214600-failover-bbbbbb', trials: 8, istio: '1.22', labels: { istio: '1.22' }, seed: 99, recoveryMs: [800, 1500] });
    await store.save(a);
    await store.save(b);
    expect((await runCli(['report', a.id, '--html', 'report.html'], { cwd })).code).toBe(0);
    expect((await runCli(['compare', a.id, b.id, '--html', 'compare.html'], { cwd })).code).toBe(0);
    // launch() gives every run a fresh profile in a temp directory (a persistent context would reuse one).
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  /** Opens a page file; fails on any console error and on any request that is not the page itself. */
  async function open(file: string, width: number): Promise<{ page: Page; problems: string[] }> {
    const url = pathToFileURL(join(cwd, file)).href;
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.route('**/*', async (route) => {
      const u = route.request().url();
      if (u === url || u.startsWith('data:')) return route.continue();
      problems.push(`request: ${u}`);
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems };
  }

  /** Exact numbers of the table row whose header is `row`, under the section with this id. */
  async function rowValues(page: Page, section: string, row: string): Promise<number[]> {
    return page.$$eval(`section#${section} tr`, (trs, r) => {
      const tr = trs.find((t) => t.querySelector('th')?.textContent === r);
      return tr === undefined ? [] : [...tr.querySelectorAll('td[data-value]')].map((td) => Number(td.getAttribute('data-value')));
    }, row);
  }

  it('report: no console errors, no requests, every chart with its axis names, numbers equal to the result', async () => {
    const { page, problems } = await open('report.html', 1280);
    const charts = await page.$$eval('figure[data-chart]', (fs) => fs.map((f) => ({ id: f.id, text: [...f.querySelectorAll('svg text')].map((t) => t.textContent) })));
    expect(charts.map((c) => c.id)).toEqual([
      'locality-of-successful-responses',
      'recovery-over-trials',
      'errors-during-failover-over-trials',
      'failback-over-trials',
      'share-of-requests-per-version-over-time',
      'error-rate-over-time',
      'latency-percentile-spectrum',
    ]);
    const axes: Record<string, string[]> = {
      'recovery-over-trials': ['ms', 'share of trials'],
      'share-of-requests-per-version-over-time': ['time since start', 'share of requests', 'fault', 'restore'],
      'error-rate-over-time': ['time since start', 'error rate'],
      'latency-percentile-spectrum': ['percentile', 'latency (ms)', 'p99', 'max'],
    };
    for (const c of charts) for (const name of axes[c.id] ?? []) expect(c.text, `${c.id} shows "${name}"`).toContain(name);
    // Each chart is named by its caption (the text alternative) and has its data table.
    const named = await page.$$eval('figure', (fs) => fs.map((f) => ({ by: f.querySelector('svg[role="img"]')?.getAttribute('aria-labelledby'), cap: f.querySelector('figcaption') })).map((x) => x.by === x.cap?.id && (x.cap?.textContent ?? '').length > 20));
    expect(named.every((x) => x)).toBe(true);
    expect(await page.$$eval('figure', (fs) => fs.every((f) => f.querySelector('details table') !== null))).toBe(true);

    const s = a.summary;
    expect(await rowValues(page, 'requests', 'requests')).toEqual([s.requests]);
    expect(await rowValues(page, 'requests', 'failed')).toEqual([s.errors]);
    expect(await rowValues(page, 'latency-from-the-scheduled-send-time', 'all')).toEqual([s.latencyMs.count, s.latencyMs.p50, s.latencyMs.p90, s.latencyMs.p99, s.latencyMs.p999, s.latencyMs.max, s.latencyMs.mean]);
    const v1 = s.distribution.v1!;
    expect(await rowValues(page, 'distribution-successful-responses-per-version', 'v1')).toEqual([v1.count, v1.share, ...(v1.expectedShare !== undefined ? [v1.expectedShare] : [])]);
    const f = s.failover!;
    const failoverId = await page.$eval('section:has(h2:text-matches("^Failover"))', (e) => e.id);
    expect(await rowValues(page, failoverId, 'recovery')).toEqual([f.recoveryMs!.n, f.recoveryMs!.min, f.recoveryMs!.p50, f.recoveryMs!.p90, f.recoveryMs!.p99, f.recoveryMs!.max]);
    expect(Number(await page.textContent('[data-count="notRecovered"]'))).toBe(f.notRecovered);
    // The share chart's table: one row per bucket, the exact share of each version.
    const shares = await page.$$eval('#share-of-requests-per-version-over-time tbody tr', (trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[0]?.getAttribute('data-value'))));
    expect(shares).toEqual(a.series.byVersion.v1!.map((x, i) => x / a.series.requests[i]!));
    expect(await page.textContent('[data-verdict]')).toMatch(/thresholds (passed|failed)/);

    await page.screenshot({ path: join(SHOTS, 'report-desktop.png'), fullPage: true });
    await page.locator('#share-of-requests-per-version-over-time svg').screenshot({ path: join(SHOTS, 'report-share-chart.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    // Nothing overflows the phone's width: the charts scale down, wide tables scroll inside their box.
    expect(await page.$eval('html', (h) => h.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, 'report-narrow.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await page.$eval('body', (b) => b.ownerDocument.defaultView!.getComputedStyle(b).backgroundColor);
    expect(dark).not.toBe('rgb(255, 255, 255)');
    await page.screenshot({ path: join(SHOTS, 'report-dark.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('compare: overlays per subject and the significance table, numbers equal to compare --json', async () => {
    const json = JSON.parse((await runCli(['compare', a.id, b.id, '--json'], { cwd })).stdout) as { subjects: Array<{ key: string; requests: number; errors: number; errorRate: number }>; comparisons: Array<{ errors: { pValue: number | null } }> };
    const { page, problems } = await open('compare.html', 1280);
    for (const subj of json.subjects) expect(await rowValues(page, 'requests-and-errors', subj.key)).toEqual([subj.requests, subj.errors, subj.errorRate]);
    const legends = await page.$$eval('#recovery-over-trials svg text', (t) => t.map((x) => x.textContent));
    expect(legends).toEqual(expect.arrayContaining(json.subjects.map((s) => s.key)));
    const errorsP = await page.$$eval('#significance tr', (trs) => trs.find((t) => t.querySelectorAll('td')[0]?.textContent === 'errors')?.querySelector('td[data-value]')?.getAttribute('data-value') ?? null);
    expect(errorsP === null ? null : Number(errorsP)).toBe(json.comparisons[0]!.errors.pValue);
    await page.screenshot({ path: join(SHOTS, 'compare-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, 'compare-narrow.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('holds no script, no external reference and no web font', async () => {
    for (const file of ['report.html', 'compare.html']) {
      const html = await readFile(join(cwd, file), 'utf8');
      expect(html).not.toMatch(/<script|<link|@import|@font-face|url\((?!#)/i);
      expect(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]*"/g, '')).not.toMatch(/https?:\/\//);
    }
  });
});
