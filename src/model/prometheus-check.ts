/**
 * Server-side counts of a kube run — Istio's `istio_requests_total` as Prometheus recorded it over
 * the run — and their cross-check against the client's own counts. Pure.
 *
 * Tolerance: Prometheus only knows a counter at its scrapes. meshbench reads the counters just before
 * the load starts (their last scrape may be up to one scrape interval old) and waits for a scrape
 * after the load ended, so the one edge that can shift requests in or out of the window is the
 * start: at most one scrape interval of the client's traffic. A row whose difference exceeds the
 * requests the client sends in one scrape interval (its mean rate × the interval, at least 1) is
 * flagged: the client and Istio disagree about where requests went (mis-attribution) or samples
 * were lost (a scrape missed before a pod went away, a counter reset).
 */
import type { Summary } from './result.js';

/** One `istio_requests_total` label set and how many requests it counted in the run's window. */
export interface PrometheusRow {
  destinationVersion: string;
  destinationCluster: string;
  sourceCluster: string;
  responseCode: string;
  requests: number;
}

/** What a kube run stores of Prometheus (beside the client's counts in `summary`). */
export interface PrometheusCounts {
  /** Where Prometheus was reached: `service proxy istio-system/prometheus:9090 (cluster1)` or the URL without credentials. */
  source: string;
  /** The PromQL read before and after the run (per series, differences taken by meshbench). */
  query: string;
  /** Prometheus' scrape interval (its `global.scrape_interval`), the basis of the tolerance. */
  scrapeIntervalS: number;
  /** Prometheus time from the reading before the load to the reading after it. */
  windowS: number;
  rows: PrometheusRow[];
  /** What made the counts less certain (a counter reset, no scrape after the end within the wait). */
  notes?: string[];
}

/** One line of the cross-check: the client's count, Prometheus', their difference and whether it is flagged. */
export interface CrossCheckLine {
  /** `total`, `errors`, `version v1`, `cluster cluster2`. */
  what: string;
  client: number;
  prometheus: number;
  /** prometheus − client. */
  difference: number;
  flagged: boolean;
}

export interface CrossCheck {
  lines: CrossCheckLine[];
  /** Requests one scrape interval of the client's traffic holds: the largest difference not flagged. */
  tolerance: number;
  flagged: boolean;
}

function isSuccessCode(code: string): boolean {
  return /^2\d\d$/.test(code);
}

/**
 * Client vs Prometheus: all requests, failed ones, successful ones per version (the version Istio's
 * `destination_version` names), and successful ones per serving cluster (client: its locality share
 * of the successes, rounded).
 */
export function crossCheck(summary: Summary, counts: PrometheusCounts): CrossCheck {
  const durationS = Math.max(summary.load.durationMs / 1000, counts.scrapeIntervalS);
  const tolerance = Math.max(1, Math.ceil((summary.requests / durationS) * counts.scrapeIntervalS));
  const sum = (pick: (r: PrometheusRow) => boolean) => counts.rows.filter(pick).reduce((n, r) => n + r.requests, 0);
  const line = (what: string, client: number, prometheus: number): CrossCheckLine => ({
    what,
    client,
    prometheus,
    difference: prometheus - client,
    flagged: Math.abs(prometheus - client) > tolerance,
  });
  const lines: CrossCheckLine[] = [line('total', summary.requests, sum(() => true)), line('errors', summary.errors, sum((r) => !isSuccessCode(r.responseCode)))];
  const successes = summary.requests - summary.errors;
  const versions = new Set([...Object.keys(summary.distribution), ...counts.rows.filter((r) => isSuccessCode(r.responseCode)).map((r) => r.destinationVersion)]);
  for (const v of [...versions].sort()) {
    lines.push(line(`version ${v}`, summary.distribution[v]?.count ?? 0, sum((r) => isSuccessCode(r.responseCode) && r.destinationVersion === v)));
  }
  if (summary.locality !== null) {
    const byCluster = summary.locality.byCluster;
    const clusters = new Set([...Object.keys(byCluster), ...counts.rows.filter((r) => isSuccessCode(r.responseCode)).map((r) => r.destinationCluster)]);
    for (const c of [...clusters].sort()) {
      lines.push(line(`cluster ${c}`, Math.round((byCluster[c] ?? 0) * successes), sum((r) => isSuccessCode(r.responseCode) && r.destinationCluster === c)));
    }
  }
  return { lines, tolerance, flagged: lines.some((l) => l.flagged) };
}
