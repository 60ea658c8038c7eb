import { InvalidInputError } from '../errors.js';

/** Formats `meshbench import` reads. */
export type ImportFormat = 'k6' | 'fortio';

const K6_PREFIXES = ['{"metric":"', '{"type":"Point"', '{"type":"Metric"'];

/**
 * Tells a k6 `--out json` NDJSON file from a fortio JSON result by content (the first bytes,
 * decompressed), not by file name.
 * @throws InvalidInputError (exit 3) for anything else, with a hint for the usual mix-ups (a k6
 *   end-of-test summary, an empty file).
 */
export function detectImportFormat(head: string, file: string): ImportFormat {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text === '') throw new InvalidInputError([{ file, path: '', message: 'the file is empty' }]);
  if (K6_PREFIXES.some((p) => text.startsWith(p))) return 'k6';
  const nl = text.indexOf('\n');
  const firstLine = (nl < 0 ? text : text.slice(0, nl)).trim();
  if (firstLine.startsWith('{') && firstLine.endsWith('}')) {
    try {
      const env = JSON.parse(firstLine) as { type?: unknown; metric?: unknown };
      if ((env.type === 'Point' || env.type === 'Metric') && typeof env.metric === 'string') return 'k6';
    } catch {
      // not one JSON object per line: fall through to the multi-line formats
    }
  }
  if (text.startsWith('{') && /"(RunType|DurationHistogram|RetCodes)"\s*:/.test(text)) return 'fortio';
  // Junk before or between k6 lines (a shell banner, k6's own log lines in `kubectl logs`, JSON
  // log lines of `--log-format json`): the k6 reader skips and counts it (src/ingest/k6-check.ts).
  if (text.split('\n').some((l) => K6_PREFIXES.some((p) => l.trimStart().startsWith(p)))) return 'k6';
  if (text.startsWith('{') && /"(root_group|metrics)"\s*:/.test(text)) {
    throw new InvalidInputError([{ file, path: '', message: 'this looks like a k6 end-of-test summary, which has no per-request data' }], {
      hint: 'import the NDJSON written by `k6 run --out json=<file> …` instead',
    });
  }
  throw new InvalidInputError([{ file, path: '', message: 'not a k6 `--out json` NDJSON file or a fortio JSON result' }], {
    hint: 'meshbench import reads `k6 run --out json=<file>` output (optionally .gz) and `fortio load -json <file>` results',
  });
}
