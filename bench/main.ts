/**
 * `npm run bench [-- --json] [-- --only name,name]`: the performance targets of product.md §8,
 * measured in one run on this machine. Prints a table, or one JSON object per line
 * `{name, value, unit, baseline, ratio}` with --json.
 */
import { loadMesh, loadScenario } from '../src/fs/documents.js';
import { formatValue, type BenchRow } from './harness.js';
import { buildResult } from '../src/app/build-result.js';
import { mergeTrials } from '../src/measure/merge.js';
import { benchIngestK6 } from './ingest-k6.js';
import { benchReportHtml } from './report-html.js';
import { benchReportRender } from './report-render.js';
import { benchSimClients } from './sim-clients.js';
import { benchSimScale } from './sim-scale.js';
import { benchSimThroughput } from './sim-throughput.js';
import { benchSimTrials } from './sim-trials.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyArg = args[args.indexOf('--only') + 1];
const only = args.includes('--only') && onlyArg !== undefined ? new Set(onlyArg.split(',')) : undefined;
const want = (name: string) => only === undefined || only.has(name);

const cwd = process.cwd();
const mesh = await loadMesh(undefined, cwd);
const failover = await loadScenario('failover', cwd, mesh);
const base = { mesh, scenario: failover.scenario, istio: '1.31' };

const rows: BenchRow[] = [];
const emit = (row: BenchRow) => {
  rows.push(row);
  if (json) {
    process.stdout.write(`${JSON.stringify({ name: row.name, value: row.value, unit: row.unit, baseline: row.baseline, ratio: row.ratio })}\n`);
  } else {
    process.stderr.write(`${row.name}: ${formatValue(row.value, row.unit)} (${row.ok ? 'ok' : 'MISSED'})\n`);
  }
};

if (want('sim.throughput')) for (const row of benchSimThroughput(base, 9)) emit(row);
if (want('sim.scale')) emit(benchSimScale(base, 5));
if (want('sim.clients')) emit(benchSimClients(base, 7));
if (want('ingest.k6')) for (const row of await benchIngestK6(3, 1_050_000_000)) emit(row);
if (want('sim.trials') || want('report.render') || want('report.html')) {
  const trials = await benchSimTrials(base, 1000);
  if (want('sim.trials')) for (const row of trials.rows) emit(row);
  if (want('report.render') || want('report.html')) {
    const result = buildResult({
      id: '20260101-000000-failover-000000',
      scenario: { name: 'failover', sha256: failover.sha256, spec: trials.job.scenario },
      target: { kind: 'sim', istio: '1.31', seed: 1, mesh },
      labels: { istio: '1.31' },
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      merged: mergeTrials([trials.batch.measures]),
      events: trials.batch.events,
      thresholds: [],
      toolVersion: 'bench',
    });
    if (want('report.render')) emit(await benchReportRender(result, 5));
    if (want('report.html')) emit(await benchReportHtml(result, 5));
  }
}

if (!json) {
  const header = ['benchmark', 'value', 'baseline', 'ratio', 'target', 'verdict'];
  const table = rows.map((r) => [r.name, formatValue(r.value, r.unit), formatValue(r.baseline, r.unit), r.ratio.toFixed(3), r.target, r.ok ? 'ok' : 'MISSED']);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  process.stdout.write(`${line(header)}\n${table.map(line).join('\n')}\n\nBaselines:\n${rows.map((r) => `  ${r.name}: ${r.baselineIs}`).join('\n')}\n`);
}
if (rows.some((r) => !r.ok)) process.exitCode = 1;
