/**
 * Child process of the ingest benchmark, so each measurement has its own peak RSS:
 * `node ingest-child.js <baseline|import> <file>` prints `{"mbPerS": …, "maxRssMb": …, …}`.
 */
import { statSync } from 'node:fs';
import { importFiles } from '../src/app/import.js';
import { silentProgress } from '../src/app/ports.js';
import { openImportSource } from '../src/fs/import-source.js';
import { forEachLine } from '../src/fs/ndjson-stream.js';

const [mode, file] = process.argv.slice(2);
if (file === undefined || (mode !== 'baseline' && mode !== 'import')) throw new Error('usage: ingest-child <baseline|import> <file>');
const bytes = statSync(file).size;
const t0 = performance.now();
let detail: Record<string, number> = {};
if (mode === 'baseline') {
  // The bare minimum an importer could do: split lines and JSON.parse each one.
  let parsed = 0;
  await forEachLine(file, (line) => {
    if (line.length > 0) {
      JSON.parse(line);
      parsed++;
    }
  });
  detail = { lines: parsed };
} else {
  const source = await openImportSource(file, process.cwd());
  const out = await importFiles(
    [source],
    { labels: {}, toolVersion: 'bench', makeId: (s) => `20260101-000000-${s}-000000`, sha256: () => '0'.repeat(64) },
    { progress: silentProgress },
  );
  detail = { requests: out.result.summary.requests };
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ mbPerS: bytes / 1e6 / seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, ...detail })}\n`);
