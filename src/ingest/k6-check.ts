import type { K6LoadShape } from './k6-load-shape.js';
import { InvalidInputError } from '../errors.js';
import type { LoadSummary } from '../model/result.js';
import type { K6Stats } from './k6-stats.js';

/**
 * Fewest k6 lines (Point and Metric envelopes) among the non-blank lines of a file that is still
 * read as k6 output: one in twenty. What else can sit between k6's lines in a real capture:
 * `kubectl logs` of a k6 pod writing `--out json=/dev/stdout` interleaves k6's own log lines
 * (logrus text or `--log-format json`), the script's `console.log`, and with `--http-debug=full`
 * a dump of every request and response (headers and body, tens of lines per request). Each HTTP
 * request writes about nine Points (http_reqs, http_req_duration, the six timing trends,
 * http_req_failed: grafana/k6 lib/netext/httpext `Trail` samples, output/json/wrapper.go
 * `wrapSample` one line each) plus four per iteration, so even a debug dump leaves k6 a large share
 * of the lines. A file where fewer than one line in twenty is k6 output is something else (a log
 * file that happens to hold a stray k6 line) and is refused.
 */
export const MIN_K6_LINE_SHARE = 0.05;

/**
 * Refuses a k6 file that holds no request, or whose lines are almost all something else (fewer
 * than MIN_K6_LINE_SHARE of the non-blank lines are k6 envelopes), naming the first bad lines
 * (file:line:col). Anything else is read: the junk is skipped, counted and reported by the import.
 * @throws InvalidInputError (exit 3)
 */
export function checkK6Stats(stats: K6Stats, file: string): void {
  const nonBlank = stats.lines - stats.blank;
  const k6Lines = stats.points + stats.metricLines;
  const notK6 = nonBlank > 0 && k6Lines < MIN_K6_LINE_SHARE * nonBlank;
  if (!notK6 && stats.requests > 0) return;
  const problems = stats.firstMalformed.map((m) => ({ file, line: m.line, col: m.col ?? 1, path: '', message: m.reason }));
  const why =
    stats.requests > 0
    ? `only ${k6Lines} of ${nonBlank} lines are k6 JSON output (fewer than 1 in ${Math.round(1 / MIN_K6_LINE_SHARE)}): probably not a k6 \`--out json\` file`
      : `no http_req_duration Point in ${nonBlank} line${nonBlank === 1 ? '' : 's'}: nothing to measure`;
  problems.unshift({ file, path: '', message: why } as (typeof problems)[number]);
  throw new InvalidInputError(problems, { hint: 'expected the NDJSON written by `k6 run --out json=<file> script.js` with at least one HTTP request' });
}

/**
 * The load model of a k6 run, inferred (k6 writes no executor description; see k6-load-shape.ts):
 * `dropped_iterations` only exist for arrival-rate executors, so such a run is an open model at the
 * observed rate (requests + dropped over the span of the file); evenly spaced starts under varying
 * response times are an arrival-rate schedule too; otherwise a closed model with the peak `vus`.
 * `inferred` says how, for the import's notes.
 */
export function k6LoadSummary(stats: K6Stats, durationUs: number, shape?: K6LoadShape): { load: LoadSummary; inferred: string } {
  const durationMs = durationUs / 1000;
  const offered = stats.requests + stats.droppedIterations;
  const gapMs = offered > 1 ? durationMs / (offered - 1) : 0;
  if (stats.droppedIterations > 0 && durationUs > 0) {
    const ratePerS = offered / (durationUs / 1e6);
    return { load: { model: 'open', ratePerS, durationMs, resolutionMs: 1000 / ratePerS }, inferred: `open model: k6 dropped ${stats.droppedIterations} iteration(s), which only arrival-rate executors do` };
  }
  if (shape?.kind === 'open-schedule') {
    return {
      load: { model: 'open', ratePerS: shape.ratePerS, durationMs, resolutionMs: shape.gapUs / 1000 },
      inferred: `open model (inferred): requests start every ${(shape.gapUs / 1000).toFixed(3)} ms whatever their response times, as an arrival-rate executor schedules them; k6 records no executor`,
    };
  }
  const load: LoadSummary = { model: 'closed', durationMs, resolutionMs: gapMs };
  if (stats.maxVus >= 1) load.concurrency = Math.round(stats.maxVus);
  const why =
    shape === undefined || shape.kind === 'irregular'
      ? 'request starts follow the response times, as closed executors (constant-vus, ramping-vus) start them'
      : shape.kind === 'ambiguous'
        ? 'starts and response times are both evenly spaced, so a paced closed loop and an arrival-rate run look alike here'
        : `only ${shape.requests} requests, too few to tell from their start times`;
  return { load, inferred: `closed model (inferred; k6 records no executor): ${why}` };
}
