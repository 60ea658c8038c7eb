/**
 * ingest.k6: streaming a ≥ 1 GB k6 `--out json` file (generated on the fly into a temp dir) into
 * samples and histograms, against splitting lines and `JSON.parse` alone. Each measurement runs in
 * its own child process so peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, type BenchRow } from './harness.js';
import { writeK6Stream } from './k6-stream.js';

interface ChildOut {
  mbPerS: number;
  maxRssMb: number;
}

export async function benchIngestK6(reps: number, bytes: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-ingest-'));
  try {
    const file = join(dir, 'k6-out.ndjson');
    const written = await writeK6Stream(file, bytes);
    const child = fileURLToPath(new URL('./ingest-child.js', import.meta.url));
    const run = (mode: string) => JSON.parse(execFileSync(process.execPath, [child, mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 })) as ChildOut;
    const base: ChildOut[] = [];
    const imp: ChildOut[] = [];
    for (let i = 0; i < reps; i++) {
      base.push(run('baseline'));
      imp.push(run('import'));
    }
    const value = median(imp.map((r) => r.mbPerS));
    const baseline = median(base.map((r) => r.mbPerS));
    const rss = Math.max(...imp.map((r) => r.maxRssMb));
    const baseRss = Math.max(...base.map((r) => r.maxRssMb));
    const gb = (written / 1e9).toFixed(2);
    return [
      {
        name: 'ingest.k6',
        value,
        unit: 'MB/s',
        baseline,
        ratio: value / baseline,
        target: `≥ 0.70 of the baseline (${gb} GB file)`,
        ok: value / baseline >= 0.7,
        baselineIs: 'line split + JSON.parse of every line, same file, separate process',
      },
      {
        name: 'ingest.k6.peakRss',
        value: rss,
        unit: 'MB',
        baseline: baseRss,
        ratio: rss / baseRss,
        target: `< 200 MB peak RSS (${gb} GB file)`,
        ok: rss < 200,
        baselineIs: "the baseline process's peak RSS",
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
