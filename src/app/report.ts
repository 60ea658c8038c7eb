import { crossCheck, type CrossCheck } from '../model/prometheus-check.js';
import type { RunEvent } from '../model/sample.js';
import type { Result, Summary } from '../model/result.js';
import type { ThresholdOutcome } from '../model/threshold.js';
import type { ReportView } from '../render/report-view.js';
import { errorRatePerBucket, sharePerBucket } from '../render/series.js';
import { spectrumPoints, type SpectrumInput, type SpectrumPoint } from '../render/spectrum.js';
import type { ResultStore } from './ports.js';
import { ResultHistograms } from './result-histograms.js';

/** Default significance level of every test meshbench reports (documented in `report --help`). */
export const DEFAULT_ALPHA = 0.05;

/** What to report. */
export interface ReportInput {
  /** Result paths or ids, in the order to report them. */
  refs: readonly string[];
  alpha?: number;
}

/**
 * Loads each result (exit 3 on a bad file, before anything is printed) and prepares what the
 * report draws. Histograms are decoded once here.
 */
export async function reportResults(input: ReportInput, ports: { store: ResultStore }): Promise<ReportView[]> {
  const views: ReportView[] = [];
  for (const ref of input.refs) {
    // Name the file that was read: `report 2026` must not show "2026" as the file.
    const { result, path } = ports.store.open !== undefined ? await ports.store.open(ref) : { result: await ports.store.load(ref), path: ref };
    views.push(buildReportView(result, path, input.alpha ?? DEFAULT_ALPHA));
  }
  return views;
}

/** The view of one loaded result: its latency histograms decoded for the spectrum. */
export function buildReportView(result: Result, source: string, alpha: number = DEFAULT_ALPHA): ReportView {
  const hist = new ResultHistograms(result, source);
  const spectra: SpectrumInput[] = [];
  const overall = hist.get('latency');
  if (overall !== null) spectra.push({ name: 'all', histogram: overall });
  const versions = Object.keys(result.summary.latencyByVersionMs).sort();
  if (versions.length > 1) {
    for (const v of versions) {
      const h = hist.get(`latency.${v}`);
      if (h !== null) spectra.push({ name: v, histogram: h });
    }
  }
  return { source, result, spectra, alpha };
}

/** Machine output of `report --json`: the summary plus the data behind every chart. */
export interface ReportJson {
  id: string;
  source: string;
  scenario: { name: string; description?: string; sha256: string };
  target: Result['target'];
  labels: Record<string, string>;
  tool: Result['tool'];
  startedAt: string;
  finishedAt: string;
  trials: number;
  summary: Summary;
  distributionVerdict: { alpha: number; consistent: boolean } | null;
  /** Client vs Prometheus (`istio_requests_total`) for kube runs that stored server-side counts; null otherwise. */
  prometheusCheck: CrossCheck | null;
  events: RunEvent[];
  thresholds: ThresholdOutcome[];
  charts: {
    bucketMs: number;
    /** Start of each bucket (ms from the run start). */
    timeMs: number[];
    /** Share of all requests answered by each version, per bucket; null for a bucket without requests. */
    sharePerVersion: Record<string, Array<number | null>>;
    errorRate: Array<number | null>;
    p99Ms: Array<number | null>;
    /** Latency (ms) at standard percentiles, overall (`all`) and per version. */
    latencySpectrum: Record<string, SpectrumPoint[]>;
  };
}

/** Builds the `--json` document of one report (no scenario spec or histograms: the result file has those). */
export function reportJson(view: ReportView): ReportJson {
  const r = view.result;
  const test = r.summary.distributionTest;
  const scenario: ReportJson['scenario'] = { name: r.scenario.name, sha256: r.scenario.sha256 };
  if (r.scenario.description !== undefined) scenario.description = r.scenario.description;
  return {
    id: r.id,
    source: view.source,
    scenario,
    target: r.target,
    labels: r.labels,
    tool: r.tool,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    trials: r.trials,
    summary: r.summary,
    distributionVerdict: test === undefined ? null : { alpha: view.alpha, consistent: test.pValue >= view.alpha },
    prometheusCheck: r.target.kind === 'kube' && r.target.prometheus !== undefined ? crossCheck(r.summary, r.target.prometheus) : null,
    events: r.events,
    thresholds: r.thresholds,
    charts: {
      bucketMs: r.series.bucketMs,
      timeMs: r.series.requests.map((_, i) => i * r.series.bucketMs),
      sharePerVersion: sharePerBucket(r.series),
      errorRate: errorRatePerBucket(r.series),
      p99Ms: r.series.p99Ms,
      latencySpectrum: Object.fromEntries(view.spectra.map((s) => [s.name, spectrumPoints(s.histogram)])),
    },
  };
}
