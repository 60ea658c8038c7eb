import type { Sample } from '../model/sample.js';
import { PendingQueue, type Attribution, type PendingRequest } from './k6-correlate.js';
import { newK6Stats, noteMalformed, noteOtherMetric, type K6Stats } from './k6-stats.js';
import { parseRfc3339 } from './rfc3339.js';

export type { K6Stats } from './k6-stats.js';

/**
 * Parser of k6 `--out json` NDJSON (grafana/k6 `internal/output/json`): one envelope per line,
 * `{"type":"Metric",…}` declarations and `{"metric":…,"type":"Point","data":{time,value,tags}}`
 * samples. Turns `http_req_duration` Points into request samples:
 *
 * - `data.time` is the end of the request (k6 `lib/netext/httpext`), `data.value` its duration in
 *   ms; scheduled = start = end − duration (k6 keeps no per-request schedule; `dropped_iterations`
 *   counts the requests an arrival-rate executor could not start). Times are µs from the first Point.
 * - status from the `status` tag (`"0"` = network error);
 * - version/instance/cluster/locality from the request's own tags, else from the first custom
 *   metric whose Points carry a `version` tag (see `k6-correlate.ts`).
 *
 * Fast path: Points of metrics we do not need (the other eight `http_req_*` trends, `checks`,
 * `data_*`, `iteration*`…) are recognised from their prefix and only checked for a closing brace,
 * not parsed — they are ~14 of the ~15 lines per request. Malformed lines (not JSON, truncated,
 * unknown envelope type, a Point without time/value) are counted, never fatal here.
 */
export interface K6Parser {
  /** Feeds one line (without its newline). `lineNo` is 1-based, for problem reports. */
  line(text: string, lineNo: number): void;
  /** Flushes waiting requests and returns the counters. */
  end(): K6Stats;
}

/** k6 built-in metrics whose Points we count but do not use. */
const SKIPPED = new Set([
  'http_reqs',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'checks',
  'data_sent',
  'data_received',
  'iteration_duration',
  'iterations',
  'vus_max',
  'group_duration',
]);

/** How long requests are held to find the clock origin (µs of k6 time after the first request). */
const HOLD_US = 10_000_000;

/** Longest duration accepted (ms): the histograms' range, 1 h. */
const MAX_DURATION_MS = 3_600_000;

/** 1-based column of a Point's `"value":` number, for `file:line:col` reports. */
function valueCol(text: string): number | undefined {
  const at = text.indexOf('"value":');
  return at < 0 ? undefined : at + 9;
}

/** `vu` / `iter` from the Point's metadata (k6 ≥ 0.41) or, in older files, its tags. */
function metaOf(data: PointData, key: 'vu' | 'iter'): string | undefined {
  const v = data.metadata?.[key] ?? data.tags?.[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Metrics we parse fully. */
const USED = new Set(['http_req_duration', 'http_req_failed', 'dropped_iterations', 'vus']);

const POINT_PREFIX = '{"metric":"';
const POINT_INFIX = '","type":"Point","data":';

interface PointData {
  time?: unknown;
  value?: unknown;
  tags?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Creates a parser that calls `onSample` for every request (the sample object is reused). */
export function createK6Parser(onSample: (s: Sample) => void): K6Parser {
  const stats = newK6Stats();
  let originS: number | null = null;
  let originNanos = 0;
  /** The custom metric that carries versions (the first seen with a `version` tag). */
  let versionMetric: string | null = null;
  const sample: Sample = { scheduledUs: 0, startUs: 0, endUs: 0, status: 0 };
  /**
   * The clock origin is the earliest request *start* (end − duration), not the first Point: k6
   * writes its first `vus` Point about 1 s in, after the first requests began. Requests are held
   * until 10 s of k6 time past the first one (or the end of the file), the origin is moved back to
   * the earliest start among them, then everything flows; a later request that began earlier
   * still (one longer than 10 s) is clamped and counted.
   */
  let early: PendingRequest[] | null = [];
  let firstEndUs: number | null = null;
  let shiftUs = 0;
  const release = (): void => {
    if (early === null) return;
    let minStart = Infinity;
    for (const r of early) minStart = Math.min(minStart, r.endUs - r.durationUs);
    shiftUs = minStart === Infinity ? 0 : Math.min(0, Math.floor(minStart));
    stats.originBackUs = -shiftUs;
    if (stats.firstEpochUs !== null) stats.firstEpochUs += shiftUs;
    const held = early;
    early = null;
    for (const r of held) emitShifted(r);
  };

  const emit = (r: PendingRequest): void => {
    if (early !== null) {
      firstEndUs ??= r.endUs;
      early.push({ ...r });
      if (r.endUs - firstEndUs > HOLD_US) release();
      return;
    }
    emitShifted(r);
  };

  const emitShifted = (r: PendingRequest): void => {
    const end = Math.round(r.endUs - shiftUs);
    let start = Math.round(r.endUs - shiftUs - r.durationUs);
    if (start < 0) {
      stats.clampedStarts++;
      start = 0;
    }
    sample.scheduledUs = start;
    sample.startUs = start;
    sample.endUs = Math.max(end, start);
    sample.status = r.status;
    const a = r.attribution;
    sample.version = a?.version;
    sample.instance = a?.instance;
    sample.cluster = a?.cluster;
    sample.locality = a?.locality;
    onSample(sample);
  };
  const pending = new PendingQueue(emit);

  /** µs since the first Point, or null when `time` is not an RFC 3339 timestamp. */
  const relativeUs = (time: unknown): number | null => {
    if (typeof time !== 'string') return null;
    const t = parseRfc3339(time);
    if (t === null) return null;
    if (originS === null) {
      originS = t.epochS;
      originNanos = t.nanos;
      stats.firstEpochUs = t.epochS * 1e6 + Math.floor(t.nanos / 1000);
    }
    const epochUs = t.epochS * 1e6 + Math.floor(t.nanos / 1000);
    if (stats.lastEpochUs === null || epochUs > stats.lastEpochUs) stats.lastEpochUs = epochUs;
    return (t.epochS - originS) * 1e6 + (t.nanos - originNanos) / 1000;
  };

  const attributionOf = (tags: Record<string, unknown>): Attribution | undefined => {
    const version = str(tags['version']);
    if (version === undefined) return undefined;
    const a: Attribution = { version };
    const instance = str(tags['instance']);
    const cluster = str(tags['cluster']);
    const locality = str(tags['locality']);
    if (instance !== undefined) a.instance = instance;
    if (cluster !== undefined) a.cluster = cluster;
    if (locality !== undefined) a.locality = locality;
    return a;
  };

  // Scenario only: a version counter outside the `group()` that made the request still pairs.
  const keyOf = (tags: Record<string, unknown>): string => str(tags['scenario']) ?? '';

  const request = (data: PointData, lineNo: number): void => {
    const endUs = relativeUs(data.time);
    if (endUs === null || typeof data.value !== 'number') return noteMalformed(stats, lineNo, 'http_req_duration Point without an RFC 3339 time and a numeric value');
    if (!Number.isFinite(data.value) || data.value < 0 || data.value > MAX_DURATION_MS) {
      stats.outOfRange++;
      return noteMalformed(stats, lineNo, `http_req_duration value ${data.value} ms is out of range (0 … ${MAX_DURATION_MS} ms)`, valueCol(lineText));
    }
    const tags = data.tags ?? {};
    let status = Number(str(tags['status']) ?? NaN);
    if (!Number.isInteger(status) || status < 0) {
      // `status` is a default system tag; without it, expected_response is the best clue.
      stats.statusGuessed++;
      status = tags['expected_response'] === 'true' ? 200 : 0;
    }
    stats.requests++;
    stats.scenario ??= str(tags['scenario']) ?? null;
    const r: PendingRequest = { endUs, durationUs: data.value * 1000, status, key: keyOf(tags), vu: metaOf(data, 'vu'), iter: metaOf(data, 'iter'), attribution: attributionOf(tags) };
    if (r.attribution !== undefined || status < 200 || status > 299) {
      pending.flush(endUs - 10_000_000);
      emit(r);
    } else {
      pending.push(r);
    }
  };

  const point = (metric: string, data: PointData, lineNo: number): void => {
    stats.points++;
    if (originS === null) relativeUs(data.time); // the first Point of any metric starts the clock
    if (metric === 'http_req_duration') return request(data, lineNo);
    if (metric === 'http_req_failed') {
      if (data.value === 1 || data.value === true) stats.httpReqFailed++;
      return;
    }
    if (metric === 'dropped_iterations') {
      if (typeof data.value === 'number') stats.droppedIterations += data.value;
      return;
    }
    if (metric === 'vus') {
      if (typeof data.value === 'number') stats.maxVus = Math.max(stats.maxVus, data.value);
      return;
    }
    const tags = data.tags ?? {};
    const a = attributionOf(tags);
    if (a === undefined || SKIPPED.has(metric)) {
      if (!SKIPPED.has(metric)) noteOtherMetric(stats, metric);
      stats.ignoredPoints++;
      return;
    }
    versionMetric ??= metric;
    if (metric !== versionMetric) {
      stats.ignoredPoints++;
      return;
    }
    const t = relativeUs(data.time);
    if (t === null) return noteMalformed(stats, lineNo, `${metric} Point without an RFC 3339 time`);
    stats.versionPoints++;
    const paired = pending.attribute(keyOf(tags), metaOf(data, 'vu'), metaOf(data, 'iter'), t, a);
    if (paired === 'exact') stats.pairedExact++;
    else if (paired === 'nearest') stats.pairedNearest++;
    else stats.unattributedVersionPoints++;
  };

  const parseFull = (text: string, lineNo: number): void => {
    let env: unknown;
    try {
      env = JSON.parse(text);
    } catch {
      return noteMalformed(stats, lineNo, text.trimStart().startsWith('{') ? 'truncated or invalid JSON' : 'not JSON');
    }
    if (env === null || typeof env !== 'object' || Array.isArray(env)) return noteMalformed(stats, lineNo, 'not a k6 JSON envelope (expected an object)');
    const e = env as { type?: unknown; metric?: unknown; data?: unknown };
    if (e.type === 'Metric') {
      stats.metricLines++;
      return;
    }
    if (e.type !== 'Point') return noteMalformed(stats, lineNo, `unknown envelope type ${JSON.stringify(e.type ?? null)} (expected "Point" or "Metric")`);
    if (typeof e.metric !== 'string' || e.data === null || typeof e.data !== 'object') return noteMalformed(stats, lineNo, 'Point without a metric name or data');
    point(e.metric, e.data as PointData, lineNo);
  };

  let lineText = '';
  return {
    line(text: string, lineNo: number): void {
      stats.lines++;
      lineText = text;
      let end = text.length;
      while (end > 0 && text.charCodeAt(end - 1) <= 32) end--; // trailing \r and blanks
      if (end === 0) {
        stats.blank++;
        return;
      }
      if (text.startsWith(POINT_PREFIX)) {
        const q = text.indexOf('"', POINT_PREFIX.length);
        if (q > 0 && originS !== null && text.startsWith(POINT_INFIX, q)) {
          const metric = text.slice(POINT_PREFIX.length, q);
          if (SKIPPED.has(metric) || (!USED.has(metric) && !text.includes('"version":"', q))) {
            // Not needed: only check it is complete (a truncated last line is the common damage).
            if (text.charCodeAt(end - 1) !== 125 /* } */) return noteMalformed(stats, lineNo, 'truncated line');
            if (!SKIPPED.has(metric)) noteOtherMetric(stats, metric);
            stats.points++;
            stats.ignoredPoints++;
            return;
          }
        }
      } else if (text.startsWith('{"type":"Metric"')) {
        if (text.charCodeAt(end - 1) !== 125) return noteMalformed(stats, lineNo, 'truncated line');
        stats.metricLines++;
        return;
      }
      parseFull(end === text.length ? text : text.slice(0, end), lineNo);
    },

    end(): K6Stats {
      pending.drain();
      release();
      return stats;
    },
  };
}
