/**
 * The end-of-trial pass of trial-finish.ts (`countRows`, `versionsBefore`, `trialFailover`) done
 * as the rows arrive in scheduled order (OrderedRows), for trials too long to keep a row per
 * request (issue 17, bounded memory). Phases and `during` windows are cut at events as they
 * happen (`EventsSoFar`): an event not seen yet comes after every row handed on so far. The
 * counts are the same counts the rows give (test/app/streaming-rows.test.ts).
 */
import { isSuccess, type EventsSoFar } from '../model/sample.js';
import type { AccumulatorOptions } from './accumulator-options.js';
import { CountsBuilder } from './counts-builder.js';
import { defaultWindow, type WindowRule } from './failover.js';
import { HDR_HIGHEST_US } from './hdr-layout.js';
import { Histogram, latencyIndex } from './histogram.js';
import type { SeriesBuilder } from './series-builder.js';
import { FailbackStream, RecoveryStream } from './stream-failover.js';

/** A `during from..to` window counted as the rows pass. */
interface StreamWindow {
  from: string;
  to: string;
  builder: CountsBuilder;
}

export class OrderedCounts {
  /** Requests scheduled before the fault, between fault and restore, after the restore. */
  readonly segments = [new CountsBuilder(), new CountsBuilder(), new CountsBuilder()];
  readonly windows: StreamWindow[] = [];
  readonly okLatency = new Histogram();
  clamped = 0;
  /** Successes per version index among requests scheduled before the first event. */
  private readonly beforeFirst = new CountsBuilder();
  errorsDuringFailover = 0;
  /** Earliest completion (µs) of a success per version index, at or after the fault and before the restore. */
  readonly firstSuccessEndUs: number[] = [];
  recovery: RecoveryStream | null = null;
  failback: FailbackStream | null = null;
  /** Version index → served by the restored workload (decided at the first row after the restore). */
  private servedBy: ((version: number) => boolean) | null = null;
  private faultUs: number | undefined;
  private restoreUs: number | undefined;
  private firstEventUs = Infinity;
  private events: EventsSoFar | null = null;
  /** The judgement window of recovery and failback; its end moves to the cut of an interrupted trial. */
  private readonly rule: WindowRule;
  /** Rows handed on, and the scheduled time of the last one. */
  rows = 0;
  lastScheduledUs = -Infinity;
  /** Set to the function handing a row on (bound once). */
  readonly sink: (scheduledUs: number, startUs: number, endUs: number, status: number, version: number, cluster: number, flags: number) => void;

  constructor(
    private readonly opts: AccumulatorOptions,
    private readonly series: SeriesBuilder,
    /** Chooses the restored workload's versions from the successes before the fault (trial-failover.ts). */
    private readonly restoredVersions: (beforeFault: CountsBuilder) => (version: number) => boolean,
  ) {
    const seen = new Set<string>();
    for (const t of opts.thresholds ?? []) {
      if (t.during === undefined) continue;
      const key = `${t.during.from}..${t.during.to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.windows.push({ from: t.during.from, to: t.during.to, builder: new CountsBuilder() });
    }
    this.sink = (s, start, end, status, v, c, flags) => this.add(s, start, end, status, v, c, flags);
    this.rule = defaultWindow(opts.load.durationUs ?? Infinity);
  }

  /** An interrupted trial ends at `horizonUs` (no request at or after it was measured): windows past it are not judged. */
  cut(horizonUs: number): void {
    this.rule.runEndUs = horizonUs;
  }

  /** The target's events so far; without them every row counts as before any event. */
  watch(events: EventsSoFar): void {
    this.events = events;
  }

  /** Times of events as known now (first occurrence; fixed once seen). */
  private refreshTimes(): void {
    const ev = this.events;
    if (ev === null) return;
    const spec = this.opts.failover;
    if (spec) {
      this.faultUs ??= ev.firstUsOf(spec.fault);
      if (spec.restore !== undefined) this.restoreUs ??= ev.firstUsOf(spec.restore);
    }
    if (this.firstEventUs === Infinity) this.firstEventUs = ev.firstUs();
  }

  private add(s: number, start: number, end: number, status: number, v: number, c: number, flags: number): void {
    this.refreshTimes();
    this.rows++;
    this.lastScheduledUs = s;
    const latencyUs = end - s;
    if (!(latencyUs >= 0 && latencyUs <= HDR_HIGHEST_US)) this.clamped++;
    const idx = latencyIndex(latencyUs);
    const ok = isSuccess(status);
    const fault = this.faultUs;
    const restore = this.restoreUs !== undefined && fault !== undefined && this.restoreUs > fault ? this.restoreUs : undefined;
    const seg = fault === undefined || s < fault ? 0 : restore === undefined || s < restore ? 1 : 2;
    this.segments[seg]!.addIndexed(idx, status, v, c, flags, start - s);
    this.series.addIndexed(s, idx, ok, v);
    if (ok) this.okLatency.recordIndex(idx);
    if (s < this.firstEventUs && ok && v >= 0) this.beforeFirst.add(0, status, v, -1, 0, 0);
    for (const w of this.windows) {
      const fromUs = this.events?.firstUsOf(w.from);
      if (fromUs === undefined || s < fromUs) continue;
      const toUs = this.events?.firstUsOf(w.to);
      if (toUs === undefined || s < toUs) w.builder.addIndexed(idx, status, v, c, flags, start - s);
    }
    if (fault === undefined || !this.opts.failover) return;
    this.failoverRow(s, end, ok, v, fault, restore);
  }

  private failoverRow(s: number, end: number, ok: boolean, v: number, fault: number, restore: number | undefined): void {
    const endUs = restore ?? Infinity;
    // firstFailoverSuccess is about completions: a success that completed in [fault, restore).
    if (ok && v >= 0 && end >= fault && end < endUs) {
      const best = this.firstSuccessEndUs[v];
      if (best === undefined || end < best) this.firstSuccessEndUs[v] = end;
    }
    if (s < fault) return;
    const rule = this.rule;
    if (s < endUs && !ok) this.errorsDuringFailover++;
    this.recovery ??= new RecoveryStream(fault, rule);
    this.recovery.add(s, ok, endUs);
    if (restore === undefined || s < restore) return;
    this.servedBy ??= this.restoredVersions(this.segments[0]!);
    this.failback ??= new FailbackStream(restore, rule, this.opts.failbackShare ?? 0.99);
    this.failback.add(s, ok && this.servedBy(v));
  }

  /** Successes per version name among requests scheduled before the first event. */
  versionsBeforeFirstEvent(names: { versions: readonly string[]; clusters: readonly string[] }): Record<string, number> {
    return this.beforeFirst.versionCounts(names);
  }
}
