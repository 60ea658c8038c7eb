/**
 * report.render: `meshbench report` of a 1,000-trial result — load and validate the file, decode
 * its histograms, render tables and charts — against reading and `JSON.parse` of the same file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReportView } from '../src/app/report.js';
import { createFileResultStore } from '../src/fs/result-store.js';
import type { Result } from '../src/model/result.js';
import { renderReport } from '../src/render/report.js';
import { createStyle } from '../src/render/style.js';
import { median, timeRunsAsync, type BenchRow } from './harness.js';

/**
 * Saves `result`, then times `render` (load the stored file and render it; returns the output's
 * size) after one untimed run, and the baseline: reading and `JSON.parse` of the same file.
 */
export async function timeReportOf(
  result: Result,
  reps: number,
  render: (store: ReturnType<typeof createFileResultStore>, path: string) => Promise<number>,
): Promise<{ valueMs: number; baselineMs: number; size: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-report-'));
  try {
    const store = createFileResultStore(dir);
    const path = await store.save(result);
    let size = 0;
    const valueMs = median(await timeRunsAsync(reps, async () => void (size = await render(store, path)), 1));
    const baselineMs = median(
      await timeRunsAsync(reps, async () => {
        JSON.parse(readFileSync(path, 'utf8'));
      }),
    );
    return { valueMs, baselineMs, size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchReportRender(result: Result, reps: number): Promise<BenchRow> {
  const style = createStyle({ color: false, width: 120 });
  const { valueMs, baselineMs, size } = await timeReportOf(result, reps, async (store, path) => renderReport(buildReportView(await store.load(path), path), style).length);
  if (size < 1000) throw new Error('report rendered nearly nothing');
  return {
    name: 'report.render',
    value: valueMs,
    unit: 'ms',
    baseline: baselineMs,
    ratio: valueMs / baselineMs,
    target: `< 200 ms for a ${result.trials}-trial result`,
    ok: valueMs < 200,
    baselineIs: 'reading and JSON.parse of the same result file',
  };
}
