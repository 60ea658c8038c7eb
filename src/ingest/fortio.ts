import { InvalidInputError, type Problem } from '../errors.js';
import { parseRfc3339 } from './rfc3339.js';

/**
 * A fortio HTTP load result (`fortio load -json`, fortio `fhttp.HTTPRunnerResults` embedding
 * `periodic.RunnerResults`). fortio keeps no per-request data: what it gives is a duration
 * histogram (seconds, `DurationHistogram.Data` buckets `{Start, End, Count}`), status counts
 * (`RetCodes`, `"-1"` = socket error) and the load parameters.
 */
export interface FortioRun {
  /** Start of the run (µs since the epoch) and as written. */
  startEpochUs: number;
  startTime: string;
  /** `ActualDuration` (ns in the file) in µs. */
  durationUs: number;
  /** `RequestedQPS` as a number; null for `"max"` (as fast as possible: a closed model). */
  requestedQps: number | null;
  threads: number;
  /** HTTP status → count; fortio's `-1` (socket error) becomes `0`. */
  statusCodes: Record<string, number>;
  /** Latency buckets in µs. */
  buckets: Array<{ startUs: number; endUs: number; count: number }>;
  /** `DurationHistogram.Count`. */
  count: number;
  /** `DurationHistogram` Min, Max and Avg in µs: exact, unlike anything rebuilt from the buckets. Null when absent. */
  exact: { minUs: number; maxUs: number; meanUs: number } | null;
  url: string | null;
  labels: string | null;
}

type Obj = Record<string, unknown>;

/** Largest count accepted anywhere in a fortio file (10¹²: a million requests per second for 11 days). */
const MAX_COUNT = 1e12;

/**
 * 1-based line and column of element `index` of `DurationHistogram.Data`, or of the
 * `DurationHistogram` key itself (index −1), from a small scan of the JSON text (strings skipped).
 */
export function locateBucket(text: string, index: number): { line: number; col: number } | undefined {
  const at = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, col: offset - before.lastIndexOf('\n') };
  };
  const hist = text.indexOf('"DurationHistogram"');
  if (hist < 0) return undefined;
  if (index < 0) return at(hist);
  const data = text.indexOf('"Data"', hist);
  const open = data < 0 ? -1 : text.indexOf('[', data);
  if (open < 0) return at(hist);
  let depth = 0;
  let seen = -1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth === 2 && c === '{' && ++seen === index) return at(i);
    } else if (c === ']' || c === '}') {
      if (--depth === 0) break;
    }
  }
  return at(data);
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Parses the text of a fortio JSON result.
 * @throws InvalidInputError (exit 3) listing every missing or mistyped field, with the file name;
 *   gRPC results (`GRPCRunnerResults`) are refused with a hint.
 */
export function parseFortio(text: string, file: string): FortioRun {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError([{ file, path: '', message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  const problems: Problem[] = [];
  const bad = (path: string, message: string, hint?: string) => problems.push(hint === undefined ? { file, path, message } : { file, path, message, hint });
  if (!isObj(doc)) throw new InvalidInputError([{ file, path: '', message: 'expected a fortio JSON result object' }]);
  if (doc['RunType'] !== undefined && doc['RunType'] !== 'HTTP') {
    bad('RunType', `RunType ${JSON.stringify(doc['RunType'])} is not supported`, 'only fortio HTTP load results (`fortio load -json …`) can be imported');
  }
  const start = typeof doc['StartTime'] === 'string' ? parseRfc3339(doc['StartTime']) : null;
  if (start === null) bad('StartTime', 'missing or not an RFC 3339 time');
  const actualNs = doc['ActualDuration'];
  if (typeof actualNs !== 'number' || !(actualNs >= 0)) bad('ActualDuration', 'missing or not a duration in nanoseconds');
  const qpsText = doc['RequestedQPS'];
  let requestedQps: number | null = null;
  if (qpsText === 'max') requestedQps = null;
  else if (typeof qpsText === 'string' && Number(qpsText) > 0) requestedQps = Number(qpsText);
  else if (typeof qpsText === 'number' && qpsText > 0) requestedQps = qpsText;
  else bad('RequestedQPS', `expected a rate or "max", got ${JSON.stringify(qpsText ?? null)}`);
  const threads = doc['NumThreads'];
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1) bad('NumThreads', 'missing or not a positive integer');

  const statusCodes: Record<string, number> = {};
  const ret = doc['RetCodes'];
  if (!isObj(ret)) bad('RetCodes', 'missing or not an object of status → count');
  else {
    for (const [code, count] of Object.entries(ret)) {
      const status = code === '-1' ? 0 : Number(code);
      if (!Number.isInteger(status) || status < 0 || status > 999) {
        bad(`RetCodes.${code}`, `"${code}" is not an HTTP status`, 'gRPC results (health/ping status names) cannot be imported; use fortio load over HTTP');
      } else if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        bad(`RetCodes.${code}`, 'count is not a non-negative integer');
      } else {
        statusCodes[String(status)] = (statusCodes[String(status)] ?? 0) + count;
      }
    }
  }

  const buckets: FortioRun['buckets'] = [];
  let count = 0;
  let exact: FortioRun['exact'] = null;
  const hist = doc['DurationHistogram'];
  const located = (path: string, index: number, message: string) => {
    const pos = locateBucket(text, index);
    problems.push(pos === undefined ? { file, path, message } : { file, path, message, line: pos.line, col: pos.col });
  };
  if (!isObj(hist)) bad('DurationHistogram', 'missing');
  else {
    count = typeof hist['Count'] === 'number' ? hist['Count'] : 0;
    if (!Number.isInteger(count) || count < 0 || count > MAX_COUNT) located('DurationHistogram.Count', -1, `Count ${count} is not a count between 0 and ${MAX_COUNT}`);
    const data = hist['Data'];
    if (data !== null && !Array.isArray(data)) bad('DurationHistogram.Data', 'expected an array of buckets');
    let inBuckets = 0;
    (Array.isArray(data) ? data : []).forEach((b: unknown, i) => {
      const at = `DurationHistogram.Data[${i}]`;
      if (!isObj(b) || typeof b['Start'] !== 'number' || typeof b['End'] !== 'number' || typeof b['Count'] !== 'number') {
        located(at, i, 'expected {Start, End, Count} with numbers (seconds, seconds, calls)');
        return;
      }
      if (b['Count'] < 0 || b['End'] < b['Start'] || b['Start'] < 0) {
        located(at, i, 'bucket with a negative count or End before Start');
        return;
      }
      if (!Number.isInteger(b['Count']) || b['Count'] > MAX_COUNT || b['End'] > 3600) {
        located(at, i, `bucket out of range: Count ${b['Count']} (at most ${MAX_COUNT}, whole), End ${b['End']} s (at most 3600 s)`);
        return;
      }
      inBuckets += b['Count'];
      buckets.push({ startUs: b['Start'] * 1e6, endUs: b['End'] * 1e6, count: b['Count'] });
    });
    if (Array.isArray(data) && problems.length === 0) {
      if (data.length === 0 && count > 0) located('DurationHistogram.Data', -1, `empty Data, but Count says ${count} calls: no latency can be read`);
      else if (inBuckets !== count) located('DurationHistogram.Data', -1, `the buckets hold ${inBuckets} calls, but Count says ${count}`);
    }
    const [min, max, avg] = [hist['Min'], hist['Max'], hist['Avg']];
    if (typeof min === 'number' && typeof max === 'number' && typeof avg === 'number' && min >= 0 && max >= min && avg >= min && avg <= max && max <= 3600) {
      exact = { minUs: min * 1e6, maxUs: max * 1e6, meanUs: avg * 1e6 };
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems, { hint: 'expected the JSON written by `fortio load -json <file> …` (fhttp.HTTPRunnerResults)' });
  return {
    startEpochUs: start!.epochS * 1e6 + Math.floor(start!.nanos / 1000),
    startTime: doc['StartTime'] as string,
    durationUs: (actualNs as number) / 1000,
    requestedQps,
    threads: threads as number,
    statusCodes,
    buckets,
    count,
    exact,
    url: typeof doc['URL'] === 'string' ? doc['URL'] : null,
    labels: typeof doc['Labels'] === 'string' ? doc['Labels'] : null,
  };
}
