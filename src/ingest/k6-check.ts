import { InvalidInputError } from '../errors.js';
import type { LoadSummary } from '../model/result.js';
import type { K6Stats } from './k6-stats.js';

/** More malformed lines than this share of the non-blank lines makes the file unusable. */
export const MAX_MALFORMED_SHARE = 0.5;

/**
 * Refuses a k6 file that is mostly garbage (more than half of its non-blank lines malformed) or
 * holds no request at all, naming the first bad lines (file:line).
 * @throws InvalidInputError (exit 3)
 */
export function checkK6Stats(stats: K6Stats, file: string): void {
  const nonBlank = stats.lines - stats.blank;
  const mostlyBad = nonBlank > 0 && stats.malformed > MAX_MALFORMED_SHARE * nonBlank;
  if (!mostlyBad && stats.requests > 0) return;
  const problems = stats.firstMalformed.map((m) => ({ file, line: m.line, ...(m.col !== undefined ? { col: m.col } : {}), path: '', message: m.reason }));
  const why = mostlyBad
    ? `${stats.malformed} of ${nonBlank} lines are not k6 JSON output`
    : `no http_req_duration Point in ${nonBlank} line${nonBlank === 1 ? '' : 's'}: nothing to measure`;
  problems.unshift({ file, path: '', message: why } as (typeof problems)[number]);
  throw new InvalidInputError(problems, { hint: 'expected the NDJSON written by `k6 run --out json=<file> script.js` with at least one HTTP request' });
}

/**
 * The load model of a k6 run, inferred (k6 writes no executor description): `dropped_iterations`
 * only exist for arrival-rate executors, so such a run is an open model at the observed rate
 * (requests + dropped over the span of the file); otherwise a closed model with the peak `vus`.
 */
export function k6LoadSummary(stats: K6Stats, durationUs: number): LoadSummary {
  const durationMs = durationUs / 1000;
  const offered = stats.requests + stats.droppedIterations;
  const gapMs = offered > 1 ? durationMs / (offered - 1) : 0;
  if (stats.droppedIterations > 0 && durationUs > 0) {
    const ratePerS = offered / (durationUs / 1e6);
    return { model: 'open', ratePerS, durationMs, resolutionMs: 1000 / ratePerS };
  }
  const load: LoadSummary = { model: 'closed', durationMs, resolutionMs: gapMs };
  if (stats.maxVus >= 1) load.concurrency = Math.round(stats.maxVus);
  return load;
}
