/** What a k6 NDJSON file contained, for the import report and the "mostly garbage" check. */
export interface K6Stats {
  lines: number;
  blank: number;
  /** Point lines (parsed or skipped), metric declarations. */
  points: number;
  metricLines: number;
  /** `http_req_duration` Points, i.e. requests. */
  requests: number;
  /** `http_req_failed` Points with value 1 (k6's own failure count, for cross-checking). */
  httpReqFailed: number;
  /** Sum of `dropped_iterations` (requests an arrival-rate executor never started). */
  droppedIterations: number;
  /** Points of the version-carrying custom metric, and those that matched no waiting request. */
  versionPoints: number;
  unattributedVersionPoints: number;
  /** Points of metrics not needed for the measures. */
  ignoredPoints: number;
  /** Names of metrics that are neither k6 built-ins we know nor the version metric (first 20). */
  otherMetrics: string[];
  /** Requests without a `status` tag (status guessed from `expected_response`). */
  statusGuessed: number;
  /** Requests that started before the first Point of the file (start clamped to 0). */
  clampedStarts: number;
  /** Version points paired with their request by `vu` and `iter` (exact), or by time within the scenario (nearest). */
  pairedExact: number;
  pairedNearest: number;
  /** How far the clock origin was moved back from the first Point to the earliest request start (µs, ≥ 0). */
  originBackUs: number;
  /** Durations out of range (negative, not finite, or above 1 h): the requests were skipped. */
  outOfRange: number;
  malformed: number;
  /** The first malformed lines (up to 5), with the reason. */
  firstMalformed: Array<{ line: number; col?: number; reason: string }>;
  /** First and last Point time (µs since the epoch), null before any Point. */
  firstEpochUs: number | null;
  lastEpochUs: number | null;
  /** `scenario` tag of the first request. */
  scenario: string | null;
  /** Highest `vus` gauge value. */
  maxVus: number;
}

/** Zeroed counters. */
export function newK6Stats(): K6Stats {
  return {
    lines: 0,
    blank: 0,
    points: 0,
    metricLines: 0,
    requests: 0,
    httpReqFailed: 0,
    droppedIterations: 0,
    versionPoints: 0,
    unattributedVersionPoints: 0,
    ignoredPoints: 0,
    otherMetrics: [],
    statusGuessed: 0,
    clampedStarts: 0,
    pairedExact: 0,
    pairedNearest: 0,
    originBackUs: 0,
    outOfRange: 0,
    malformed: 0,
    firstMalformed: [],
    firstEpochUs: null,
    lastEpochUs: null,
    scenario: null,
    maxVus: 0,
  };
}

/** Counts a malformed line and remembers the first few. */
export function noteMalformed(stats: K6Stats, line: number, reason: string, col?: number): void {
  stats.malformed++;
  if (stats.firstMalformed.length < 5) stats.firstMalformed.push(col === undefined ? { line, reason } : { line, col, reason });
}

/** Remembers the name of a metric we do not know (bounded list). */
export function noteOtherMetric(stats: K6Stats, name: string): void {
  if (stats.otherMetrics.length < 20 && !stats.otherMetrics.includes(name)) stats.otherMetrics.push(name);
}
