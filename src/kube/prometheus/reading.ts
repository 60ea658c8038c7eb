/**
 * The server-side count of a kube run: every `istio_requests_total` series of the client's sidecar
 * for the service, read just before the load starts and again once Prometheus has scraped after the
 * load ended; the difference per series, grouped by version, clusters and response code.
 *
 * Waiting is measured on Prometheus' own clock (`time()`), not the driver's: "a scrape after the
 * end" is a fact about Prometheus' time, and it keeps working when the driver's clock is virtual.
 */
import type { Clock } from '../../app/ports.js';
import { EnvironmentError } from '../../errors.js';
import type { PrometheusCounts } from '../../model/prometheus-check.js';
import type { PrometheusApi } from './api.js';
import { increaseBySeries, lastValuesQuery, parseVector, scrapeIntervalS, type RequestSelector, type SeriesValue } from './promql.js';

/** Prometheus' default lookback (`--query.lookback-delta`, 5m): the "before" reading looks no further. */
const BEFORE_LOOKBACK_S = 300;

export interface PrometheusReadingDeps {
  clock: Clock;
  signal?: AbortSignal;
}

/** The "before" reading, to be finished after the load. */
export interface PrometheusReading {
  readonly api: PrometheusApi;
  readonly selector: RequestSelector;
  readonly scrapeIntervalS: number;
  readonly beforeTimeS: number;
  readonly before: SeriesValue[];
}

async function query(api: PrometheusApi, promql: string, timeS?: number): Promise<{ series: SeriesValue[]; timeS: number | undefined }> {
  const params = new URLSearchParams({ query: promql });
  if (timeS !== undefined) params.set('time', timeS.toFixed(3));
  try {
    return parseVector(await api.getJson(`api/v1/query?${params.toString()}`));
  } catch (err) {
    if (err instanceof EnvironmentError) throw err;
    throw new EnvironmentError(`${api.source}: ${(err as Error).message}`, { code: 'PROMETHEUS' });
  }
}

/** Prometheus' current time (s since the epoch). */
export async function prometheusNowS(api: PrometheusApi): Promise<number> {
  const r = await query(api, 'time()');
  if (r.timeS === undefined || !Number.isFinite(r.timeS)) throw new EnvironmentError(`${api.source} answered time() without a time`, { code: 'PROMETHEUS' });
  return r.timeS;
}

/** Reads the scrape interval and every series' value now. */
export async function readBefore(api: PrometheusApi, selector: RequestSelector): Promise<PrometheusReading> {
  const config = (await api.getJson('api/v1/status/config')) as { status?: string; data?: { yaml?: string } };
  if (config.status !== 'success' || typeof config.data?.yaml !== 'string') throw new EnvironmentError(`${api.source} did not answer /api/v1/status/config (is it a Prometheus?)`, { code: 'PROMETHEUS' });
  let interval: number;
  try {
    interval = scrapeIntervalS(config.data.yaml);
  } catch (err) {
    throw new EnvironmentError(`${api.source}: ${(err as Error).message}`, { code: 'PROMETHEUS' });
  }
  const beforeTimeS = await prometheusNowS(api);
  const r = await query(api, lastValuesQuery(selector, BEFORE_LOOKBACK_S), beforeTimeS);
  return { api, selector, scrapeIntervalS: interval, beforeTimeS, before: r.series };
}

/**
 * Waits until Prometheus' clock is one scrape interval (plus a second for the scrape itself) past
 * the end of the load — every live target has then been scraped after it — and reads again.
 * @param pollMs driver-clock pause between two looks at Prometheus' clock.
 */
export async function readAfter(reading: PrometheusReading, deps: PrometheusReadingDeps, pollMs = 250): Promise<PrometheusCounts> {
  const { api, selector } = reading;
  const endS = await prometheusNowS(api);
  const readyS = endS + reading.scrapeIntervalS + 1;
  let nowS = endS;
  while (nowS < readyS) {
    await deps.clock.sleep(Math.max(1, Math.min(pollMs, (readyS - nowS) * 1000)), deps.signal);
    nowS = await prometheusNowS(api);
  }
  const lookbackS = Math.ceil(nowS - reading.beforeTimeS + reading.scrapeIntervalS) + 1;
  const promql = lastValuesQuery(selector, lookbackS);
  const after = await query(api, promql, nowS);
  const inc = increaseBySeries(reading.before, after.series);
  const notes: string[] = [];
  if (inc.resets > 0) notes.push(`${inc.resets} series went down during the run (a restarted sidecar): counted from 0`);
  return {
    source: api.source,
    query: promql,
    scrapeIntervalS: reading.scrapeIntervalS,
    windowS: Math.round((nowS - reading.beforeTimeS) * 1000) / 1000,
    rows: inc.rows,
    ...(notes.length > 0 ? { notes } : {}),
  };
}
