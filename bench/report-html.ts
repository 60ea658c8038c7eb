/**
 * report.html: `meshbench report --html` of a 1,000-trial result — load and validate the file,
 * decode its histograms, build the view, render every chart to SVG (ECharts' server-side renderer)
 * and the page — against reading and `JSON.parse` of the same file. product.md (December
 * revisions, §8): under 1 s. The first repetition is untimed: it loads ECharts, which a real
 * `report --html` pays once per process (measured separately and reported in the target text).
 */
import { buildReportView } from '../src/app/report.js';
import type { Result } from '../src/model/result.js';
import type { BenchRow } from './harness.js';
import { timeReportOf } from './report-render.js';

export async function benchReportHtml(result: Result, reps: number): Promise<BenchRow> {
  const t0 = performance.now();
  const { renderReportsHtml } = await import('../src/render/html/report-page.js');
  const loadRendererMs = performance.now() - t0;
  const { valueMs, baselineMs, size } = await timeReportOf(result, reps, async (store, path) =>
    Buffer.byteLength(renderReportsHtml([buildReportView(await store.load(path), path)], 'meshbench bench')),
  );
  if (size < 10_000) throw new Error('the HTML report rendered nearly nothing');
  return {
    name: 'report.html',
    value: valueMs,
    unit: 'ms',
    baseline: baselineMs,
    ratio: valueMs / baselineMs,
    target: `< 1 s for a ${result.trials}-trial result (page ${(size / 1024).toFixed(0)} KiB; loading the renderer once: ${loadRendererMs.toFixed(0)} ms)`,
    ok: valueMs < 1000,
    baselineIs: 'reading and JSON.parse of the same result file',
  };
}
