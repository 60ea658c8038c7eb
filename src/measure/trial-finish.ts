import { normalizePools } from './pooled-versions.js';
import type { LoadSummary, TrialFailover, TrialFigures } from '../model/result.js';
import { isSuccess, type RunEvent } from '../model/sample.js';
import type { AccumulatorOptions } from './accumulator-options.js';
import type { Columns } from './columns.js';
import { CountsBuilder, type NameTables } from './counts-builder.js';
import { HDR_HIGHEST_US } from './hdr-layout.js';
import { Histogram, latencyIndex } from './histogram.js';
import { copyDeferred } from './deferred-encoding.js';
import type { OrderedCounts } from './ordered-counts.js';
import { streamedTrialFailover, trialFailover } from './trial-failover.js';
import type { SeriesBuilder } from './series-builder.js';
import type { DistributionTestCounts, FailoverFigures, PhaseAggregate, RequestAggregate, TrialMeasures, WindowAggregate } from './types.js';

/** What the accumulator hands over at `finish`. */
export interface TrialState {
  opts: AccumulatorOptions;
  names: NameTables;
  /** Streaming counts (keepSamples false); unused when there are columns. */
  overall: CountsBuilder;
  /** Streaming counts: latency of the successful requests (empty when there are columns). */
  okLatency: Histogram;
  series: SeriesBuilder;
  columns: Columns | null;
  /** Rows streamed in scheduled order (long trials that need phases or failover); null otherwise. */
  ordered: OrderedCounts | null;
  hasClient: boolean;
  maxEndUs: number;
  minScheduledUs: number;
  maxScheduledUs: number;
}

interface PhaseSpec {
  name: string;
  fromUs: number;
  toUs: number | null;
}

/** First occurrence of each event name, in µs. */
function eventTimes(events: readonly RunEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) if (!out.has(e.name)) out.set(e.name, Math.round(e.atMs * 1000));
  return out;
}

/** Phases of product.md §4 from the failover events: before/during/after, or one phase `all`. */
function phaseSpecs(st: TrialState, times: Map<string, number>): PhaseSpec[] {
  const spec = st.opts.failover;
  const faultUs = spec ? times.get(spec.fault) : undefined;
  if ((st.columns === null && st.ordered === null) || !spec || faultUs === undefined) return [{ name: 'all', fromUs: 0, toUs: null }];
  const restoreUs = spec.restore !== undefined ? times.get(spec.restore) : undefined;
  if (restoreUs !== undefined && restoreUs > faultUs) {
    return [
      { name: 'before', fromUs: 0, toUs: faultUs },
      { name: 'during', fromUs: faultUs, toUs: restoreUs },
      { name: 'after', fromUs: restoreUs, toUs: null },
    ];
  }
  return [
    { name: 'before', fromUs: 0, toUs: faultUs },
    { name: 'during', fromUs: faultUs, toUs: null },
  ];
}

interface WindowCounter {
  from: string;
  to: string;
  fromUs: number;
  toUs: number;
  builder: CountsBuilder | null;
  /** False when `builder` is a phase's: the window is exactly that phase and is counted with it. */
  own: boolean;
}

/**
 * The `during a..b` windows of the thresholds. A window that is exactly a phase (`during
 * fault..restore` is the phase `during`) shares that phase's counts instead of counting every
 * request twice; phase 0 reaches down to −∞, so only later phases, whose lower bound is an event,
 * can stand for a window.
 */
function windowCounters(st: TrialState, times: Map<string, number>, phases: readonly PhaseSpec[], phaseBuilders: readonly CountsBuilder[]): WindowCounter[] {
  const seen = new Set<string>();
  const out: WindowCounter[] = [];
  for (const t of st.opts.thresholds ?? []) {
    if (t.during === undefined) continue;
    const key = `${t.during.from}..${t.during.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const fromUs = times.get(t.during.from);
    const toUs = times.get(t.during.to);
    const window = { from: t.during.from, to: t.during.to, fromUs: fromUs ?? 0, toUs: toUs ?? 0 };
    if ((st.columns === null && st.ordered === null) || fromUs === undefined || toUs === undefined) {
      out.push({ ...window, builder: null, own: false });
      continue;
    }
    const streamed = st.ordered?.windows.find((w) => w.from === t.during!.from && w.to === t.during!.to);
    if (streamed !== undefined) {
      // Counted as the rows passed (OrderedCounts); the same requests as the rows would give.
      out.push({ ...window, builder: streamed.builder, own: false });
      continue;
    }
    const phase = phases.findIndex((p, i) => i > 0 && p.fromUs === fromUs && p.toUs === toUs);
    const shared = phase > 0 ? phaseBuilders[phase] : undefined;
    out.push({ ...window, builder: shared ?? new CountsBuilder(), own: shared === undefined });
  }
  return out;
}

/**
 * The one pass over the rows: each request goes to its phase's counts (phases partition the run,
 * so the whole-run counts are their sum), to the series and to any `during` window holding it.
 * Rows in scheduled order (the simulator places each at its `seq`) make every phase and window an
 * index range, counted in a loop of its own without a per-row search; other rows (imports, in
 * completion order) find their phase row by row. Both give the same counts: every count is a sum.
 */
function countRows(
  st: TrialState,
  cols: Columns,
  phases: readonly PhaseSpec[],
  builders: readonly CountsBuilder[],
  windows: readonly WindowCounter[],
  okCounts: Float64Array,
): number {
  const active = windows.filter((w) => w.own);
  if (cols.isSorted()) {
    let clamped = 0;
    let lo = 0;
    for (let p = 0; p < phases.length; p++) {
      const hi = p + 1 < phases.length ? cols.firstAtOrAfter(phases[p + 1]!.fromUs, lo) : cols.n;
      clamped += countRange(cols, lo, hi, builders[p]!, st.series, okCounts);
      lo = hi;
    }
    for (const win of active) {
      const from = cols.firstAtOrAfter(win.fromUs);
      countRange(cols, from, Math.max(from, cols.firstAtOrAfter(win.toUs, from)), win.builder!, null, null);
    }
    return clamped;
  }
  let clamped = 0;
  // A typed array: event times are sometimes small integers, sometimes heap numbers, and a plain
  // array would change its elements kind between trials (a deoptimisation per trial).
  const bounds = Float64Array.from(phases.slice(1), (p) => p.fromUs);
  const scheduledUs = cols.scheduledUs;
  for (let i = 0; i < cols.n; i++) {
    const s = scheduledUs[i]!;
    let p = 0;
    while (p < bounds.length && s >= bounds[p]!) p++;
    clamped += countRange(cols, i, i + 1, builders[p]!, st.series, okCounts);
    for (let w = 0; w < active.length; w++) {
      const win = active[w]!;
      if (s >= win.fromUs && s < win.toUs) countRange(cols, i, i + 1, win.builder!, null, null);
    }
  }
  return clamped;
}

/**
 * Counts rows [lo, hi) into `builder`, and into the series and the success latency when given (a
 * phase; a window only has its builder). Returns how many latencies latencyIndex clamped into the
 * histogram's range (0 … 1 h). The trial's success median comes from the index computed here (a
 * second pass over the rows recomputing it cost ~3% of a 600k-request trial's measures and engine).
 */
function countRange(cols: Columns, lo: number, hi: number, builder: CountsBuilder, series: SeriesBuilder | null, okCounts: Float64Array | null): number {
  if (hi - lo > 1) builder.expect(hi - lo);
  let clamped = 0;
  const { scheduledUs, startUs, endUs, status, version, cluster, flags } = cols;
  for (let i = lo; i < hi; i++) {
    const s = scheduledUs[i]!;
    const latencyUs = endUs[i]! - s;
    if (!(latencyUs >= 0 && latencyUs <= HDR_HIGHEST_US)) clamped++;
    const idx = latencyIndex(latencyUs);
    const code = status[i]!;
    const v = version[i]!;
    builder.addIndexed(idx, code, v, cluster[i]!, flags[i]!, startUs[i]! - s);
    if (series === null) continue;
    const ok = isSuccess(code);
    series.addIndexed(s, idx, ok, v);
    if (ok) okCounts![idx]! += 1;
  }
  return clamped;
}

/**
 * Highest `latencyIndex` among the successful rows (0 when none): the success counts need only
 * that many indices, not the full 188 KB layout (a trial with 50 clients finishes 51 sets of rows,
 * and their failures, timeouts among them, are the slowest requests).
 */
function successIndexBound(cols: Columns): number {
  const { scheduledUs, endUs, status } = cols;
  let maxUs = 0;
  for (let i = 0; i < cols.n; i++) {
    const latencyUs = endUs[i]! - scheduledUs[i]!;
    if (latencyUs > maxUs && isSuccess(status[i]!)) maxUs = latencyUs;
  }
  return latencyIndex(maxUs);
}

/** Successes per version among rows scheduled before `toUs`. */
function versionsBefore(st: TrialState, cols: Columns, toUs: number): Record<string, number> {
  const b = new CountsBuilder();
  const n = cols.isSorted() ? cols.firstAtOrAfter(toUs) : cols.n;
  for (let i = 0; i < n; i++) if (cols.scheduledUs[i]! < toUs && cols.version[i]! >= 0) b.add(0, cols.status[i]!, cols.version[i]!, -1, 0, 0);
  return b.versionCounts(st.names);
}

function sortedCopy(r: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

/** Chi-square inputs: the phase before the first timeline event when there is one, else the whole run. */
function distributionTest(st: TrialState, overall: RequestAggregate, before: () => Record<string, number> | null): DistributionTestCounts | null {
  const expected = st.opts.expectedShares;
  if (expected === undefined || Object.keys(expected).length === 0) return null;
  const observedBefore = before();
  // With a timeline, the prediction holds only before its first event: when nothing was served
  // before it (an event at t = 0), there is nothing to test, rather than testing traffic the
  // event changed against a policy it no longer follows.
  const pools = normalizePools(st.opts.pooledVersions ?? []);
  const test: DistributionTestCounts | null =
    observedBefore !== null
      ? Object.keys(observedBefore).length > 0
        ? { phase: 'before', expected: sortedCopy(expected), observed: observedBefore }
        : null
      : { phase: 'all', expected: sortedCopy(expected), observed: sortedCopy(overall.versions) };
  if (test !== null && pools.length > 0) test.pooled = pools;
  return test;
}

function loadSummary(st: TrialState, requests: number, runEndUs: number): { load: LoadSummary; resolutionUs: number } {
  const l = st.opts.load;
  const observedGapUs = requests > 1 ? (st.maxScheduledUs - st.minScheduledUs) / (requests - 1) : 0;
  const resolutionUs = l.ratePerS !== undefined && l.ratePerS > 0 ? 1e6 / l.ratePerS : observedGapUs;
  const load: LoadSummary = { model: l.model, durationMs: runEndUs / 1000, resolutionMs: resolutionUs / 1000 };
  if (l.ratePerS !== undefined) load.ratePerS = l.ratePerS;
  if (l.concurrency !== undefined) load.concurrency = l.concurrency;
  return { load, resolutionUs };
}

/** Turns a finished trial into plain `TrialMeasures`. */
export function finishTrial(st: TrialState, events: readonly RunEvent[]): TrialMeasures {
  const times = eventTimes(events);
  const runEndUs = st.opts.load.durationUs ?? st.maxEndUs;
  const specs = phaseSpecs(st, times);
  const cols = st.columns;
  const ord = st.ordered;
  const phaseBuilders = ord !== null ? streamedPhases(ord, specs.length) : cols === null ? [] : specs.map(() => new CountsBuilder());
  const windows = windowCounters(st, times, specs, phaseBuilders);
  let overallBuilder = st.overall;
  let clamped = ord?.clamped ?? 0;
  // Latency of the successful requests: streamed (st.okLatency, ord.okLatency) or counted with the rows.
  let rowsOkLatency = st.okLatency;
  if (cols !== null || ord !== null) {
    if (cols !== null) {
      const okCounts = new Float64Array(successIndexBound(cols) + 1);
      clamped = countRows(st, cols, specs, phaseBuilders, windows, okCounts);
      rowsOkLatency = Histogram.ofCounts(okCounts);
    }
  }
  // Phases and windows are read before the whole-run counts are summed: with per-request columns
  // the phase builders are this call's own, so the sum can go into the last one (read by nothing
  // after this: the phase before the fault is the first) instead of copying every histogram.
  const phaseData = specs.length === 1 ? null : specs.map((p, i) => ({ ...p, counts: phaseBuilders[i]!.toData(st.names, st.hasClient, false) }));
  const windowData: WindowAggregate[] = windows.map((w) => ({ from: w.from, to: w.to, counts: w.builder === null ? null : w.builder.toData(st.names, st.hasClient) }));
  if (cols !== null || ord !== null) overallBuilder = sumPhases(phaseBuilders, ord === null);
  const overall = overallBuilder.toData(st.names, st.hasClient);
  // One phase `all` is the whole run: reuse its counts instead of encoding them twice.
  // (Copied, not spread: a spread would read, and so compress, the deferred encodings.)
  const phases: PhaseAggregate[] = phaseData ?? [{ ...specs[0]!, counts: copyDeferred(overall, { latencyByVersion: {} }) }];

  let firstEventUs = Infinity;
  for (const e of events) firstEventUs = Math.min(firstEventUs, Math.round(e.atMs * 1000));
  // The phase before the fault is the phase before the first event when the fault comes first.
  const beforeFirstEvent = (): Record<string, number> | null => {
    if ((cols === null && ord === null) || firstEventUs === Infinity) return null;
    if (specs[0]!.name === 'before' && specs[0]!.toUs === firstEventUs) return phaseBuilders[0]!.versionCounts(st.names);
    return ord !== null ? ord.versionsBeforeFirstEvent(st.names) : versionsBefore(st, cols!, firstEventUs);
  };
  const minPoints = st.opts.load.durationUs !== undefined ? Math.ceil(st.opts.load.durationUs / st.series.bucketUs) : 0;
  const { load, resolutionUs } = loadSummary(st, overall.requests, runEndUs);
  const beforeFault = specs[0]!.name === 'before' ? phaseBuilders[0]!.versionCounts(st.names) : {};
  const failover =
    ord !== null
      ? streamedTrialFailover(st.opts, st.names.versions, ord, times, beforeFault, resolutionUs)
      : trialFailover(st.opts, st.names.versions, cols, times, beforeFault, runEndUs, resolutionUs);
  const figures: TrialFigures = {
    requests: overall.requests,
    errors: overall.errors,
    versions: overall.versions,
    okLatencyP50Ms: medianMs(ord !== null ? ord.okLatency : rowsOkLatency),
  };
  const f = failover?.figures[0];
  if (f !== undefined) figures.failover = trialFailoverFigures(f);
  const distribution = distributionTest(st, overall, beforeFirstEvent);
  // With per-request columns the phase and window builders are this call's own and read no more:
  // their histogram arrays go back for the next trial's (or the next client's) to reuse.
  if (cols !== null && ord === null) {
    for (const b of phaseBuilders) b.release();
    for (const w of windows) if (w.own) w.builder?.release();
  }
  return {
    trials: 1,
    load,
    overall,
    phases,
    windows: windowData,
    distributionTest: distribution,
    series: st.series.toData(st.names.versions, minPoints),
    failover,
    perTrial: [figures],
    ...(clamped > 0 ? { clampedLatencies: clamped } : {}),
  };
}

/**
 * The phase counts from the streamed segments (before the fault, fault..restore, after the
 * restore): one phase is all of them, two leave the restore out (it did not come after the fault,
 * so nothing was counted after it).
 */
function streamedPhases(ord: OrderedCounts, phases: number): CountsBuilder[] {
  const [before, during, after] = ord.segments as [CountsBuilder, CountsBuilder, CountsBuilder];
  if (phases === 3) return [before, during, after];
  if (phases === 2) return [before, sum([during, after])];
  return [sum([before, during, after])];
}

function sum(builders: readonly CountsBuilder[]): CountsBuilder {
  const nonEmpty = builders.filter((b) => b.requests > 0);
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const out = new CountsBuilder();
  for (const b of builders) out.addAll(b);
  return out;
}

/**
 * The whole run's counts: the phases' sum (phases partition the run). `intoLast`: the last phase's
 * builder is nobody else's and is not read again, so the others are added into it (sums of counts
 * are the same in any order); otherwise a new builder.
 */
function sumPhases(builders: readonly CountsBuilder[], intoLast: boolean): CountsBuilder {
  if (builders.length === 1) return builders[0]!;
  const out = intoLast ? builders[builders.length - 1]! : new CountsBuilder();
  for (const b of builders) if (b !== out) out.addAll(b);
  return out;
}

/** Median latency (ms) of a histogram of successful requests; null when none succeeded. */
function medianMs(h: Histogram): number | null {
  return h.totalCount === 0 ? null : h.percentile(50) / 1000;
}

/** A trial's failover figures in the result's units (ms). */
export function trialFailoverFigures(f: FailoverFigures): TrialFailover {
  const ms = (us: number | null) => (us === null ? null : us / 1000);
  const out: TrialFailover = {
    recovery: f.recovery ?? (f.recoveryUs !== null ? 'reached' : 'never'),
    recoveryMs: ms(f.recoveryUs),
    firstFailoverSuccessMs: ms(f.firstFailoverSuccessUs),
    errorsDuringFailover: f.errorsDuringFailover,
    failbackMs: ms(f.failbackUs),
  };
  if (f.restored) out.failback = f.failback ?? (f.failbackUs !== null ? 'reached' : 'never');
  return out;
}
