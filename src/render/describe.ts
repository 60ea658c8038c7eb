import { lookupMetric } from '../model/metrics.js';
import type { LoadSummary, Result, ResultTarget } from '../model/result.js';
import { tryParseThreshold } from '../model/threshold-parse.js';
import { formatCount, formatDuration, formatMs, formatNumber, formatPercent } from './format.js';

/** Short descriptions of a result's parts, shared by report, compare and list. */

/** The mesh's name when the stored mesh has one. */
export function meshName(mesh: unknown): string | undefined {
  const name = (mesh as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** One version per cluster, or `a/b` when clusters differ. */
function istioVersions(istio: Record<string, string>): string {
  const versions = [...new Set(Object.values(istio))].sort();
  return versions.length === 0 ? 'unknown' : versions.join('/');
}

/**
 * `sim · Istio 1.24 profile · seed 7` (seeds 7..9 over trials), `kube · contexts c1, c2 · Istio 1.24.2 · k6`,
 * `import · k6 · out.json`.
 */
export function describeTarget(target: ResultTarget, trials = 1, opts: { mesh?: boolean } = {}): string {
  switch (target.kind) {
    case 'sim': {
      const seeds = trials > 1 ? `seeds ${target.seed}..${target.seed + trials - 1}` : `seed ${target.seed}`;
      const mesh = opts.mesh === true ? meshName(target.mesh) : undefined;
      return `sim · Istio ${target.istio} profile · ${seeds}${mesh !== undefined ? ` · mesh ${mesh}` : ''}`;
    }
    case 'kube':
      return `kube · contexts ${target.contexts.join(', ')} · Istio ${istioVersions(target.istio)} · ${target.load}`;
    case 'import':
      return `import · ${target.format} · ${target.files.join(', ')}${target.skippedLines > 0 ? ` · ${formatCount(target.skippedLines)} lines skipped` : ''}`;
  }
}

/** A short target for narrow columns: `sim istio 1.24 seed 7`, `kube c1,c2 istio 1.24.2`, `import k6`. */
export function shortTarget(target: ResultTarget, trials = 1): string {
  switch (target.kind) {
    case 'sim':
      return `sim istio ${target.istio} ${trials > 1 ? `seeds ${target.seed}..${target.seed + trials - 1}` : `seed ${target.seed}`}`;
    case 'kube':
      return `kube ${target.contexts.join(',')} istio ${istioVersions(target.istio)}`;
    case 'import':
      return `import ${target.format}`;
  }
}

/** `open model · 100 req/s · 60s · resolution 10ms` or `closed model · concurrency 1 · …`. */
export function describeLoad(load: LoadSummary): string {
  const parts =
    load.model === 'open'
      ? ['open model', load.ratePerS !== undefined ? `${formatNumber(load.ratePerS)} req/s` : 'rate unknown']
      : ['closed model', `concurrency ${load.concurrency ?? '?'}`, ...(load.ratePerS !== undefined ? [`paced at ${formatNumber(load.ratePerS)} req/s`] : [])];
  return [...parts, formatDuration(load.durationMs), `resolution ${formatDuration(load.resolutionMs)}`].join(' · ');
}

/** `istio=1.24 env=ci`, or `-` without labels. */
export function describeLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${v}`).join(' ');
}

/** A threshold's observed value in its metric's unit (`430ms`, `0.63%`, `38`), or `n/a`. */
export function formatThresholdValue(expr: string, value: number | null): string {
  if (value === null) return 'n/a';
  const parsed = tryParseThreshold(expr);
  const unit = parsed.ok ? lookupMetric(parsed.value.metric)?.def.unit : undefined;
  if (unit === 'ms') return formatMs(value);
  if (unit === 'fraction') return formatPercent(value);
  return formatNumber(value);
}

/** Label for an HTTP status code key (`0` is a connection error or timeout). */
export function statusLabel(code: string): string {
  return code === '0' ? '0 (conn. error/timeout)' : code;
}

/** Whether a result measured failover figures. */
export function hasFailover(result: Result): boolean {
  return result.summary.failover !== undefined;
}
