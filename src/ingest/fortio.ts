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
  url: string | null;
  labels: string | null;
}

type Obj = Record<string, unknown>;

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
  const hist = doc['DurationHistogram'];
  if (!isObj(hist)) bad('DurationHistogram', 'missing');
  else {
    count = typeof hist['Count'] === 'number' ? hist['Count'] : 0;
    const data = hist['Data'];
    if (data !== null && !Array.isArray(data)) bad('DurationHistogram.Data', 'expected an array of buckets');
    (Array.isArray(data) ? data : []).forEach((b: unknown, i) => {
      const at = `DurationHistogram.Data[${i}]`;
      if (!isObj(b) || typeof b['Start'] !== 'number' || typeof b['End'] !== 'number' || typeof b['Count'] !== 'number') {
        bad(at, 'expected {Start, End, Count} with numbers (seconds, seconds, calls)');
        return;
      }
      if (b['Count'] < 0 || b['End'] < b['Start'] || b['Start'] < 0) {
        bad(at, 'bucket with a negative count or End before Start');
        return;
      }
      buckets.push({ startUs: b['Start'] * 1e6, endUs: b['End'] * 1e6, count: b['Count'] });
    });
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
    url: typeof doc['URL'] === 'string' ? doc['URL'] : null,
    labels: typeof doc['Labels'] === 'string' ? doc['Labels'] : null,
  };
}
