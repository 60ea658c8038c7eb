import { formatDurationUs } from './duration.js';
import { METRIC_PREFIXES, lookupMetric, patternsLike, type MetricUnit } from './metrics.js';
import { suggest } from './schemas/suggest.js';
import type { Threshold, ThresholdValue } from './threshold.js';
import { tryParseThreshold } from './threshold-parse.js';
import { fail, ok, type DocProblem, type Parsed, type PathSeg } from './validate-problems.js';

/** What a threshold may refer to: the mesh's versions and clusters, the scenario's named events. */
export interface ThresholdContext {
  /** Versions of the workloads backing the scenario's service. */
  versions: readonly string[];
  clusters: readonly string[];
  /** `cluster/workload` of each scenario client, for `{client=…}` (absent: any client is refused). */
  clients?: readonly string[];
  /** Named timeline entries → time (µs). */
  events: ReadonlyMap<string, number>;
  /** Failover measure in force (explicit or defaulted), if any. */
  failover?: { fault: string; restore?: string };
}

/** Checks a value's unit against a metric's unit: durations for ms, fractions for shares, numbers for counts. */
export function checkThresholdUnit(metricPath: string, unit: MetricUnit, value: ThresholdValue): Parsed<true> {
  if (unit === 'ms') {
    if (value.unit === 'ms') return ok(true);
    return fail(
      `${metricPath} is a time, but ${describe(value)} is not a duration`,
      `add a unit, e.g. "${metricPath} < ${value.unit === 'number' ? value.value : 250}ms" (units: us, ms, s, m, h)`,
    );
  }
  if (unit === 'fraction') {
    if (value.unit === 'fraction') return ok(true);
    if (value.unit === 'number') {
      if (value.value <= 1) return ok(true);
      return fail(`${metricPath} is a share between 0 and 1, but the value is ${value.value}`, `write a percentage (${value.value}%) or a fraction (${value.value / 100})`);
    }
    return fail(`${metricPath} is a share, but ${describe(value)} is a duration`, 'write a percentage (1%) or a fraction (0.01)');
  }
  if (value.unit === 'number') return ok(true);
  const related = metricPath === 'errors.count' || metricPath === 'errors' ? ' (for a share of requests use errors.rate)' : '';
  return fail(`${metricPath} is a count, but ${describe(value)} is ${value.unit === 'ms' ? 'a duration' : 'a percentage'}`, `write a plain number, e.g. "${metricPath} < 10"${related}`);
}

function describe(v: ThresholdValue): string {
  if (v.unit === 'ms') return formatDurationUs(Math.round(v.value * 1000));
  if (v.unit === 'fraction') return `${Number((v.value * 100).toFixed(6))}%`;
  return String(v.value);
}

function listOr(items: readonly string[], none: string): string {
  return items.length === 0 ? none : items.join(', ');
}

/** Checks the metric path of a parsed threshold against the registry and the context. */
function checkMetric(t: Threshold, ctx: ThresholdContext): Parsed<MetricUnit> {
  const path = t.metric.join('.');
  const found = lookupMetric(t.metric);
  if (found === undefined) {
    const like = patternsLike(t.metric);
    const close = suggest(t.metric[0] ?? '', METRIC_PREFIXES);
    const hint =
      like.length > 0
        ? `metrics under ${t.metric[0]}: ${like.join(', ')}`
        : `valid metrics start with ${METRIC_PREFIXES.join(', ')}${close !== undefined && close !== t.metric[0] ? ` (did you mean "${close}"?)` : ''}`;
    return fail(`unknown metric "${path}"`, hint);
  }
  const { def, params } = found;
  if (params.version !== undefined && !ctx.versions.includes(params.version)) {
    const close = suggest(params.version, ctx.versions);
    return fail(
      `metric "${path}" names version "${params.version}", which no workload of the service has`,
      `versions: ${listOr(ctx.versions, '(none)')}${close !== undefined ? ` (did you mean "${close}"?)` : ''}`,
    );
  }
  if (params.cluster !== undefined && !ctx.clusters.includes(params.cluster)) {
    return fail(`metric "${path}" names cluster "${params.cluster}", which is not in the mesh`, `clusters: ${listOr(ctx.clusters, '(none)')}`);
  }
  if (t.client !== undefined && !(ctx.clients ?? []).includes(t.client)) {
    const names = ctx.clients ?? [];
    const close = suggest(t.client, names);
    return fail(
      `threshold names client "${t.client}", which is not a client of this scenario`,
      `clients: ${listOr(names, '(none)')}${close !== undefined ? ` (did you mean "${close}"?)` : ''}`,
    );
  }
  if (params.code !== undefined && !/^(0|[1-5]\d\d)$/.test(params.code)) {
    return fail(`"${params.code}" in "${path}" is not an HTTP status`, 'use 100…599, or 0 for connection errors and timeouts');
  }
  if (def.pattern.startsWith('failover.') && t.client === undefined && (ctx.clients?.length ?? 0) > 1) {
    return fail(
      `metric "${path}" needs a client: with several clients each has its own failover figures`,
      `name one, e.g. "${path}{client=${ctx.clients?.[0] ?? 'cluster1/sleep'}} …"`,
    );
  }
  if (def.pattern.startsWith('failover.') && ctx.failover === undefined) {
    return fail(
      `metric "${path}" needs a failover measure`,
      'add "measure: {failover: {fault: <event>, restore: <event>}}" or name timeline entries "fault" and "restore"',
    );
  }
  if (def.pattern.startsWith('failover.failback.') && ctx.failover !== undefined && ctx.failover.restore === undefined) {
    return fail(`metric "${path}" needs a restore event`, 'set measure.failover.restore to the timeline entry that undoes the fault');
  }
  if (t.during !== undefined && !def.windowable) {
    return fail(`"during" does not apply to ${path}`, 'failover figures and late starts are measured over their own window; drop the during clause');
  }
  return ok(def.unit);
}

function checkDuring(t: Threshold, ctx: ThresholdContext): Parsed<true> {
  if (t.during === undefined) return ok(true);
  const names = [...ctx.events.keys()];
  for (const name of [t.during.from, t.during.to]) {
    if (!ctx.events.has(name)) {
      const close = suggest(name, names);
      return fail(
        `"during ${t.during.from}..${t.during.to}" names "${name}", which is not a named timeline entry`,
        `named entries: ${listOr(names, '(none: add `name:` to timeline entries)')}${close !== undefined ? ` (did you mean "${close}"?)` : ''}`,
      );
    }
  }
  const fromUs = ctx.events.get(t.during.from) ?? 0;
  const toUs = ctx.events.get(t.during.to) ?? 0;
  if (toUs <= fromUs) {
    return fail(
      `"during ${t.during.from}..${t.during.to}" is empty: ${t.during.to} (${formatDurationUs(toUs)}) is not after ${t.during.from} (${formatDurationUs(fromUs)})`,
      'the first event must come before the second',
    );
  }
  return ok(true);
}

/**
 * Parses and checks every threshold of a scenario; returns the parsed thresholds (only the valid
 * ones) and a problem per invalid one at `path[i]`.
 */
export function validateThresholds(raw: readonly unknown[], path: PathSeg[], ctx: ThresholdContext): { thresholds: Threshold[]; problems: DocProblem[] } {
  const thresholds: Threshold[] = [];
  const problems: DocProblem[] = [];
  raw.forEach((expr, i) => {
    if (typeof expr !== 'string') return; // the schema reports non-strings
    const at = [...path, i];
    const parsed = tryParseThreshold(expr);
    if (!parsed.ok) {
      problems.push(withHint(at, parsed));
      return;
    }
    const t = parsed.value;
    const unit = checkMetric(t, ctx);
    if (!unit.ok) {
      problems.push(withHint(at, unit));
      return;
    }
    const units = checkThresholdUnit(t.metric.join('.'), unit.value, t.value);
    if (!units.ok) {
      problems.push(withHint(at, units));
      return;
    }
    const during = checkDuring(t, ctx);
    if (!during.ok) {
      problems.push(withHint(at, during));
      return;
    }
    thresholds.push(t);
  });
  return { thresholds, problems };
}

function withHint(path: PathSeg[], f: { message: string; hint?: string }): DocProblem {
  return f.hint === undefined ? { path, message: f.message } : { path, message: f.message, hint: f.hint };
}
