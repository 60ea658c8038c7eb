/**
 * report.html: `meshbench report --html` of a 1,000-trial result — load and validate the file,
 * decode its histograms, build the view, render every chart to SVG (ECharts' server-side renderer)
 * and the page — against reading and `JSON.parse` of the same file. product.md (December
 * revisions, §8): under 1 s. The first repetition is untimed: it loads ECharts, which a real
 * `report --html` pays once per process (measured separately and reported in the target text).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReportView } from '../src/app/report.js';
import { createFileResultStore } from '../src/fs/result-store.js';
import type { Result } from '../src/model/result.js';
import { median, timeRunsAsync, type BenchRow } from './harness.js';

export async function benchReportHtml(result: Result, reps: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-report-html-'));
  try {
    const store = createFileResultStore(dir);
    const path = await store.save(result);
    const t0 = performance.now();
    const { renderReportsHtml } = await import('../src/render/html/report-page.js');
    const firstPageMs = performance.now() - t0;
    let bytes = 0;
    const value = median(
      await timeRunsAsync(
        reps,
        async () => {
          const loaded = await store.load(path);
          bytes = Buffer.byteLength(renderReportsHtml([buildReportView(loaded, path)], 'meshbench bench'));
        },
        1,
      ),
    );
    if (bytes < 10_000) throw new Error('the HTML report rendered nearly nothing');
    const baseline = median(
      await timeRunsAsync(reps, async () => {
        JSON.parse(readFileSync(path, 'utf8'));
      }),
    );
    return {
      name: 'report.html',
      value,
      unit: 'ms',
      baseline,
      ratio: value / baseline,
      target: `< 1 s for a ${result.trials}-trial result (page ${(bytes / 1024).toFixed(0)} KiB; loading the renderer once: ${firstPageMs.toFixed(0)} ms)`,
      ok: value < 1000,
      baselineIs: 'reading and JSON.parse of the same result file',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
