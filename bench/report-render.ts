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

export async function benchReportRender(result: Result, reps: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-report-'));
  try {
    const store = createFileResultStore(dir);
    const path = await store.save(result);
    const style = createStyle({ color: false, width: 120 });
    let chars = 0;
    const value = median(
      await timeRunsAsync(
        reps,
        async () => {
          const loaded = await store.load(path);
          chars = renderReport(buildReportView(loaded, path), style).length;
        },
        1,
      ),
    );
    if (chars < 1000) throw new Error('report rendered nearly nothing');
    const baseline = median(
      await timeRunsAsync(reps, async () => {
        JSON.parse(readFileSync(path, 'utf8'));
      }),
    );
    return {
      name: 'report.render',
      value,
      unit: 'ms',
      baseline,
      ratio: value / baseline,
      target: `< 200 ms for a ${result.trials}-trial result`,
      ok: value < 200,
      baselineIs: 'reading and JSON.parse of the same result file',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
