import { censoredTrials, reachesCensored } from './censored.js';
import type { Distribution, LatencySummary, Summary } from './result.js';

/**
 * The threshold metric registry (product.md §5): every valid metric path, its unit and how to read
 * it from a result `Summary`. Paths follow the summary: `failover.recovery.p99` reads
 * `summary.failover.recoveryMs.p99` (ms). A path may hold one placeholder (`<version>`, `<cluster>`,
 * `<code>`) that takes the segments between its fixed prefix and suffix, so dotted versions work.
 */

/** ms: a time; fraction: a share or rate in [0, 1]; count: a number of requests or trials. */
export type MetricUnit = 'ms' | 'fraction' | 'count';

/** Values bound to a path's placeholder, e.g. `{ version: 'v2' }` for `distribution.v2.share`. */
export interface MetricParams {
  version?: string;
  cluster?: string;
  code?: string;
}

/** One metric path pattern of the registry. */
export interface MetricDef {
  /** Path pattern with at most one placeholder, e.g. `latency.<version>.p99`. */
  pattern: string;
  unit: MetricUnit;
  description: string;
  /** True when `during a..b` may restrict it (metrics over requests); failover figures have their own window. */
  windowable: boolean;
  /** The value in `unit`, or null when the summary cannot say (no requests, no failover section…). */
  read(summary: Summary, params: MetricParams): number | null;
}

/** A path matched to its definition. */
export interface ResolvedMetric {
  def: MetricDef;
  params: MetricParams;
}

const LATENCY_STATS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const;
const DISTRIBUTION_STATS = ['min', 'p50', 'p90', 'p99', 'max', 'mean'] as const;

function latencyStat(l: LatencySummary | undefined, stat: (typeof LATENCY_STATS)[number]): number | null {
  return l === undefined || l.count === 0 ? null : l[stat];
}

function successes(s: Summary): number {
  let n = 0;
  for (const v of Object.values(s.distribution)) n += v.count;
  return n;
}

type FailoverDistKey = 'recoveryMs' | 'firstFailoverSuccessMs' | 'failbackMs' | 'errorsDuringFailover';

/** Null when the figure is not measured, or the stat reaches trials that never recovered / failed back (censored). */
function failoverStat(s: Summary, key: FailoverDistKey, stat: (typeof DISTRIBUTION_STATS)[number]): number | null {
  const f = s.failover;
  if (f === undefined) return null;
  const d: Distribution | null = f[key];
  if (reachesCensored(d, censoredTrials(f, key), stat)) return null;
  return d === null ? null : d[stat];
}

/**
 * Why a metric has no value because of censored trials (`failover.recovery.p99` when 5 of 10
 * trials never recovered), or null when censoring is not the reason.
 */
export function censoredNote(summary: Summary, metric: readonly string[]): string | null {
  const f = summary.failover;
  if (f === undefined || metric[0] !== 'failover' || metric.length !== 3) return null;
  const key = metric[1] === 'recovery' ? 'recoveryMs' : metric[1] === 'failback' ? 'failbackMs' : null;
  const stat = metric[2] as (typeof DISTRIBUTION_STATS)[number];
  if (key === null || !(DISTRIBUTION_STATS as readonly string[]).includes(stat)) return null;
  const censored = censoredTrials(f, key);
  if (!reachesCensored(f[key], censored, stat)) return null;
  const runEnded = (key === 'recoveryMs' ? f.recoveryRunEnded : f.failbackRunEnded) ?? 0;
  const what = key === 'recoveryMs' ? 'never recovered' : 'never failed back';
  const ended = runEnded > 0 ? ` (${runEnded} not measured: the run ended before a full window)` : '';
  return `${stat} reaches trials that ${what}: ${censored} of ${f.trials}${ended}`;
}

function buildRegistry(): MetricDef[] {
  const defs: MetricDef[] = [
    { pattern: 'requests', unit: 'count', windowable: true, description: 'requests sent', read: (s) => s.requests },
    { pattern: 'errors.count', unit: 'count', windowable: true, description: 'failed requests (non-2xx or connection error)', read: (s) => s.errors },
    { pattern: 'errors', unit: 'count', windowable: true, description: 'alias of errors.count', read: (s) => s.errors },
    {
      pattern: 'errors.rate',
      unit: 'fraction',
      windowable: true,
      description: 'failed requests / requests',
      read: (s) => (s.requests === 0 ? null : s.errorRate),
    },
    { pattern: 'lateStarts.count', unit: 'count', windowable: false, description: 'requests that left later than scheduled', read: (s) => s.lateStarts.count },
    { pattern: 'lateStarts.max', unit: 'ms', windowable: false, description: 'worst late start', read: (s) => s.lateStarts.maxMs },
    {
      pattern: 'statusCodes.<code>',
      unit: 'count',
      windowable: true,
      description: 'responses with this HTTP status (0 = connection error/timeout)',
      read: (s, p) => s.statusCodes[p.code ?? ''] ?? 0,
    },
  ];
  for (const stat of LATENCY_STATS) {
    defs.push({
      pattern: `latency.${stat}`,
      unit: 'ms',
      windowable: true,
      description: `latency ${stat} over all requests`,
      read: (s) => latencyStat(s.latencyMs, stat),
    });
    defs.push({
      pattern: `latency.<version>.${stat}`,
      unit: 'ms',
      windowable: true,
      description: `latency ${stat} of responses from one version`,
      read: (s, p) => latencyStat(s.latencyByVersionMs[p.version ?? ''], stat),
    });
  }
  defs.push(
    {
      pattern: 'distribution.<version>.share',
      unit: 'fraction',
      windowable: true,
      description: 'share of successful responses served by a version',
      read: (s, p) => (successes(s) === 0 ? null : (s.distribution[p.version ?? '']?.share ?? 0)),
    },
    {
      pattern: 'distribution.<version>.count',
      unit: 'count',
      windowable: true,
      description: 'successful responses served by a version',
      read: (s, p) => s.distribution[p.version ?? '']?.count ?? 0,
    },
  );
  for (const key of ['sameLocality', 'sameCluster', 'sameNetwork'] as const) {
    defs.push({
      pattern: `locality.${key}`,
      unit: 'fraction',
      windowable: true,
      description: `share of successful responses from the client's ${key.slice(4).toLowerCase()}`,
      read: (s) => s.locality?.[key] ?? null,
    });
  }
  defs.push({
    pattern: 'locality.byCluster.<cluster>',
    unit: 'fraction',
    windowable: true,
    description: 'share of successful responses served by a cluster',
    read: (s, p) => (s.locality === null ? null : (s.locality.byCluster[p.cluster ?? ''] ?? 0)),
  });
  const failover: Array<[string, FailoverDistKey, 'ms' | 'count', string]> = [
    ['recovery', 'recoveryMs', 'ms', 'time from the fault until every request succeeds again'],
    ['firstFailoverSuccess', 'firstFailoverSuccessMs', 'ms', 'time from the fault to the first success served elsewhere'],
    ['failback', 'failbackMs', 'ms', 'time from restore until the restored workload serves 99% again'],
    ['errorsDuringFailover', 'errorsDuringFailover', 'count', 'failures among requests scheduled in [fault, restore)'],
    ['errors', 'errorsDuringFailover', 'count', 'alias of failover.errorsDuringFailover'],
  ];
  for (const [name, key, unit, description] of failover) {
    for (const stat of DISTRIBUTION_STATS) {
      defs.push({
        pattern: `failover.${name}.${stat}`,
        unit,
        windowable: false,
        description: `${description} (${stat} over trials)`,
        read: (s) => failoverStat(s, key, stat),
      });
    }
  }
  for (const key of ['hitless', 'notRecovered', 'notFailedBack'] as const) {
    defs.push({
      pattern: `failover.${key}`,
      unit: 'count',
      windowable: false,
      description: `trials counted as ${key}`,
      read: (s) => s.failover?.[key] ?? null,
    });
  }
  return defs;
}

/** Every metric path meshbench knows, in the order `--help`-style listings show them. */
export const METRICS: readonly MetricDef[] = buildRegistry();

/** First segments of valid paths, for "unknown metric" hints. */
export const METRIC_PREFIXES: readonly string[] = [...new Set(METRICS.map((d) => d.pattern.split('.')[0] ?? ''))];

const PLACEHOLDER = /^<(version|cluster|code)>$/;

function matchPattern(pattern: string, metric: readonly string[]): MetricParams | undefined {
  const segs = pattern.split('.');
  const hole = segs.findIndex((s) => PLACEHOLDER.test(s));
  if (hole === -1) {
    return segs.length === metric.length && segs.every((s, i) => s === metric[i]) ? {} : undefined;
  }
  const before = segs.slice(0, hole);
  const after = segs.slice(hole + 1);
  if (metric.length < segs.length) return undefined;
  if (!before.every((s, i) => s === metric[i])) return undefined;
  if (!after.every((s, i) => s === metric[metric.length - after.length + i])) return undefined;
  const value = metric.slice(hole, metric.length - after.length).join('.');
  if (value === '') return undefined;
  const name = (PLACEHOLDER.exec(segs[hole] ?? '')?.[1] ?? 'version') as keyof MetricParams;
  return { [name]: value };
}

/**
 * Finds the definition of a metric path (split on dots). Fixed paths win over patterns, so
 * `latency.p99` is the overall p99 and never "version p99".
 */
export function lookupMetric(metric: readonly string[]): ResolvedMetric | undefined {
  let viaPattern: ResolvedMetric | undefined;
  for (const def of METRICS) {
    const params = matchPattern(def.pattern, metric);
    if (params === undefined) continue;
    if (Object.keys(params).length === 0) return { def, params };
    viaPattern ??= { def, params };
  }
  return viaPattern;
}

/**
 * Reads a metric from a summary in the metric's unit (ms, fraction or count); null when the summary
 * cannot say (e.g. no failover section, no successful response) or the path is unknown.
 * @example readMetric(summary, ['failover', 'recovery', 'p99']) // summary.failover.recoveryMs.p99
 */
export function readMetric(summary: Summary, metric: readonly string[]): number | null {
  const found = lookupMetric(metric);
  return found === undefined ? null : found.def.read(summary, found.params);
}

/** Unit of a metric path, or undefined for an unknown path. */
export function metricUnit(metric: readonly string[]): MetricUnit | undefined {
  return lookupMetric(metric)?.def.unit;
}

/** Patterns that start like `metric` (same first segment), for "did you mean" hints. */
export function patternsLike(metric: readonly string[]): string[] {
  const first = metric[0] ?? '';
  return METRICS.filter((d) => d.pattern.split('.')[0] === first).map((d) => d.pattern);
}
