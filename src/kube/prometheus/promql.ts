/**
 * The PromQL meshbench reads `istio_requests_total` with, and the readings' arithmetic. Pure.
 *
 * Which series: Istio's standard metrics (istio.io "Istio Standard Metrics") label every request
 * twice, once by each proxy; `reporter="source"` is the client sidecar's report, the same vantage as
 * the client's own count — it includes requests that never reached a server (503 "no healthy
 * upstream", `destination_version="unknown"`), which a `reporter="destination"` series never sees.
 * The service is selected by `destination_service_name` and `destination_service_namespace` (the
 * short name and namespace, what Kiali groups by); the client by `source_workload_namespace`.
 *
 * Why `last_over_time` per series and not `sum by (...) (increase(...[Ns]))`: `increase`
 * extrapolates to the window's edges (fractional counts) and, for a series born inside the window
 * — a k6 pod's sidecar, new every run — misses the first scraped value entirely. meshbench reads
 * each series' last value before the load starts and after it ended, and subtracts per series;
 * `last_over_time` keeps a series whose pod has gone (a finished k6 Job) readable, where an instant
 * selector would drop it at its staleness marker.
 */
import type { PrometheusRow } from '../../model/prometheus-check.js';

/** Which requests: the service the scenario targets and the client's namespace. */
export interface RequestSelector {
  service: string;
  namespace: string;
  clientNamespace: string;
}

/** The labels the cross-check groups by (Istio's names). */
export const GROUP_LABELS = ['destination_version', 'destination_cluster', 'source_cluster', 'response_code'] as const;

/** A PromQL string literal (double-quoted; backslash and quote escaped, as PromQL's Go-style strings want). */
export function promString(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `istio_requests_total{reporter="source",…}`: the client sidecar's series for the service. */
export function requestsSelector(sel: RequestSelector): string {
  const labels: Array<[string, string]> = [
    ['reporter', 'source'],
    ['destination_service_name', sel.service],
    ['destination_service_namespace', sel.namespace],
    ['source_workload_namespace', sel.clientNamespace],
  ];
  return `istio_requests_total{${labels.map(([k, v]) => `${k}=${promString(v)}`).join(',')}}`;
}

/** Every series' last value within `lookbackS` before the evaluation time. */
export function lastValuesQuery(sel: RequestSelector, lookbackS: number): string {
  if (!Number.isInteger(lookbackS) || lookbackS < 1) throw new RangeError(`lookback must be a whole number of seconds ≥ 1, got ${lookbackS}`);
  return `last_over_time(${requestsSelector(sel)}[${lookbackS}s])`;
}

/** One series of an instant vector: its labels and value. */
export interface SeriesValue {
  labels: Record<string, string>;
  value: number;
}

/** A series' identity: all its labels, sorted (`__name__` is gone after `last_over_time`). */
export function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Parses a `/api/v1/query` answer of result type `vector` (Prometheus HTTP API:
 * `{status:"success",data:{resultType:"vector",result:[{metric:{…},value:[<unix s>,"<value>"]}]}}`).
 * @throws Error with Prometheus' own `error` text when it answered `status:"error"`.
 */
export function parseVector(body: unknown): { series: SeriesValue[]; timeS: number | undefined } {
  const b = body as { status?: string; error?: string; errorType?: string; data?: { resultType?: string; result?: unknown } } | null;
  if (b === null || typeof b !== 'object') throw new Error('Prometheus answered something that is not a JSON object');
  if (b.status !== 'success') throw new Error(`Prometheus refused the query: ${b.errorType ?? 'error'}: ${b.error ?? '(no message)'}`);
  const data = b.data;
  if (data?.resultType === 'scalar') {
    const v = data.result as [number, string];
    return { series: [], timeS: Number(v[0]) };
  }
  if (data?.resultType !== 'vector' || !Array.isArray(data.result)) throw new Error(`Prometheus answered a ${data?.resultType ?? 'missing'} result where a vector was expected`);
  let timeS: number | undefined;
  const series = data.result.map((r) => {
    const x = r as { metric?: Record<string, string>; value?: [number, string] };
    if (x.value === undefined || x.metric === undefined) throw new Error('Prometheus answered a vector sample without metric or value');
    timeS = Number(x.value[0]);
    return { labels: x.metric, value: Number(x.value[1]) };
  });
  return { series, timeS };
}

/** Rows of the cross-check and what made them uncertain. */
export interface Increase {
  rows: PrometheusRow[];
  /** Series whose counter went down (a restarted sidecar): counted from 0. */
  resets: number;
}

/**
 * Per series, after − before (a series absent before counts from 0, as Istio creates it at its
 * first request; one that went down was reset and counts its new value), then summed by
 * destination version, destination cluster, source cluster and response code. Rows sorted, zero
 * rows left out.
 */
export function increaseBySeries(before: readonly SeriesValue[], after: readonly SeriesValue[]): Increase {
  const prior = new Map(before.map((s) => [seriesKey(s.labels), s.value]));
  const rows = new Map<string, PrometheusRow>();
  let resets = 0;
  for (const s of after) {
    const was = prior.get(seriesKey(s.labels)) ?? 0;
    let inc = s.value - was;
    if (inc < 0) {
      resets++;
      inc = s.value;
    }
    if (!Number.isFinite(inc) || inc <= 0) continue;
    const row = {
      destinationVersion: s.labels['destination_version'] ?? '',
      destinationCluster: s.labels['destination_cluster'] ?? '',
      sourceCluster: s.labels['source_cluster'] ?? '',
      responseCode: s.labels['response_code'] ?? '',
    };
    const key = JSON.stringify(row);
    const cur = rows.get(key);
    if (cur !== undefined) cur.requests += Math.round(inc);
    else rows.set(key, { ...row, requests: Math.round(inc) });
  }
  const sorted = [...rows.values()].sort((a, b) => {
    const ka = `${a.destinationVersion}\u0000${a.destinationCluster}\u0000${a.sourceCluster}\u0000${a.responseCode}`;
    const kb = `${b.destinationVersion}\u0000${b.destinationCluster}\u0000${b.sourceCluster}\u0000${b.responseCode}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return { rows: sorted, resets };
}

/** `global.scrape_interval` from `/api/v1/status/config`'s YAML (Prometheus' default 1m when unset), in s. */
export function scrapeIntervalS(configYaml: string): number {
  const global = /^global:\s*\n((?:[ \t]+.*\n?)*)/m.exec(configYaml);
  const m = global !== null ? /^[ \t]+scrape_interval:\s*(\S+)/m.exec(global[1] ?? '') : null;
  return m !== null ? parsePromDurationS(m[1] as string) : 60;
}

/** A Prometheus duration (`15s`, `1m`, `1m30s`, `500ms`) in seconds. */
export function parsePromDurationS(text: string): number {
  const re = /(\d+)(ms|s|m|h|d|w|y)/g;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (unit[m[2] as string] as number);
    consumed += m[0].length;
  }
  if (consumed !== text.length || consumed === 0) throw new Error(`Prometheus reported a scrape interval meshbench cannot read: ${JSON.stringify(text)}`);
  return total;
}
