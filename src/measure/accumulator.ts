import { isSuccess, type ClientPlacement, type EventsSoFar, type RunEvent, type Sample } from '../model/sample.js';
import type { AccumulatorOptions } from './accumulator-options.js';
import { Columns, FLAG_ATTRIBUTED, FLAG_SAME_CLUSTER, FLAG_SAME_LOCALITY, FLAG_SAME_NETWORK } from './columns.js';
import { CountsBuilder } from './counts-builder.js';
import { SeriesBuilder, chooseBucketUs } from './series-builder.js';
import { Histogram } from './histogram.js';
import { OrderedCounts } from './ordered-counts.js';
import { OrderedRows } from './ordered-rows.js';
import { restoredVersionTest } from './trial-failover.js';
import { finishTrial } from './trial-finish.js';
import type { TrialMeasures } from './types.js';

export type { AccumulatorOptions, LoadSpec } from './accumulator-options.js';

/** Receives the samples of one trial and turns them into `TrialMeasures`. */
export interface Accumulator {
  /** Records one finished request. Samples may arrive in any order; the object may be reused by the caller. */
  record(sample: Sample): void;
  /**
   * Computes the trial's measures. `events` are this trial's timeline events (times in ms from the
   * trial start). Call once; recording after `finish` is an error.
   */
  finish(events: readonly RunEvent[]): TrialMeasures;
  /**
   * The target's events as they happen, for an ordered stream (`orderedStream`): phases and
   * windows are cut at them while the trial runs. Call before the first sample.
   */
  watch(events: EventsSoFar): void;
  /**
   * Measures of a trial cut by an interrupt: the requests up to the first one still in flight, in
   * scheduled order (those need `Sample.seq`; without it, every request that completed), as a
   * trial whose load ended at the cut. Events after the cut are left out. Null when no request
   * was measured. Call instead of `finish`.
   */
  finishPartial(events: readonly RunEvent[]): { measures: TrialMeasures; horizonUs: number; requests: number } | null;
}

/**
 * Creates the measure accumulator of one trial (product.md §4). With per-request columns (the
 * default) the hot path only interns the strings and appends one row of typed arrays; every count,
 * histogram and series bucket is computed in one pass at `finish`, once the phases are known.
 * Streaming (`keepSamples: false`) counts at once instead.
 * @example
 * const acc = createAccumulator({ load: { model: 'open', ratePerS: 100, durationUs: 60e6 } });
 * for (const s of samples) acc.record(s);
 * const measures = acc.finish([{ name: 'fault', atMs: 20000, action: 'scale …' }]);
 *
 * `reuse`: columns to record into (they are reset), for callers running trial after trial: fresh
 * tens of megabytes per trial cost page faults (measured: a 600,000-request failover trial ran
 * ~20% faster with reused columns). The columns belong to this accumulator until its `finish` returns.
 */
export function createAccumulator(opts: AccumulatorOptions, reuse?: Columns): Accumulator {
  if (opts.keepSamples === false && opts.failover && opts.orderedStream !== true) {
    throw new Error('accumulator: failover measures need per-request columns or an ordered stream (keepSamples false needs orderedStream)');
  }
  return new TrialAccumulator(opts, reuse);
}

/** The accumulator of one trial; `record` is on the simulator's per-request path. */
class TrialAccumulator implements Accumulator {
  private readonly client: ClientPlacement | null;
  private readonly networks: Readonly<Record<string, string>>;
  private readonly versions: string[] = [];
  private readonly versionIndex = new Map<string, number>();
  private readonly clusters: string[] = [];
  private readonly clusterIndex = new Map<string, number>();
  /** Per cluster index: 0 = other network, FLAG_SAME_NETWORK | FLAG_SAME_CLUSTER as applicable. */
  private readonly clusterFlags: number[] = [];
  private readonly overall = new CountsBuilder();
  /** Streaming only: latency of the successful requests, for the trial's median (rows give it at finish). */
  private readonly okLatency = new Histogram();
  private readonly series: SeriesBuilder;
  private readonly columns: Columns | null;
  /** Ordered stream (long trials that need phases): the reorder buffer and the counts it feeds. */
  private readonly ordered: { rows: OrderedRows; counts: OrderedCounts } | null = null;
  // One-entry intern caches: targets reuse one string object per pod, so consecutive samples
  // mostly carry the very same strings.
  // Kept per client (the sample's `client`, 0 without one): the overall accumulator of a run with
  // several clients takes their samples interleaved, and each client's stay on its own versions.
  private readonly lastVersion: Array<string | undefined> = [];
  private readonly lastVersionIdx: number[] = [];
  private readonly lastCluster: Array<string | undefined> = [];
  private readonly lastClusterIdx: number[] = [];
  private lastLocality: string | undefined = undefined;
  private lastLocalitySame = false;
  private maxEndUs = 0;
  private minScheduledUs = Infinity;
  private maxScheduledUs = -Infinity;
  private finished = false;

  constructor(
    private readonly opts: AccumulatorOptions,
    reuse: Columns | undefined,
  ) {
    this.client = opts.client ?? null;
    this.networks = opts.clusterNetworks ?? {};
    this.series = new SeriesBuilder(opts.bucketUs ?? chooseBucketUs(opts.load.durationUs));
    const { ratePerS, durationUs } = opts.load;
    // Open model: rate × duration rows (+2% for stragglers) so the columns never grow during a run.
    const expectedRows = ratePerS !== undefined && durationUs !== undefined ? Math.min((ratePerS * durationUs) / 1e6, 5e7) * 1.02 + 64 : 1024;
    if (opts.keepSamples === false) {
      this.columns = null;
      if (opts.orderedStream === true) {
        const names = this.versions;
        const counts = new OrderedCounts(opts, this.series, (before) => restoredVersionTest(opts, names, before.versionCounts({ versions: names, clusters: this.clusters })));
        this.ordered = { rows: new OrderedRows(), counts };
      }
    }
    else if (reuse === undefined) this.columns = new Columns(expectedRows);
    else {
      reuse.reset();
      reuse.reserve(expectedRows);
      this.columns = reuse;
    }
  }

  record(sample: Sample): void {
    if (this.finished) throw new Error('accumulator: record() after finish()');
    const scheduled = sample.scheduledUs;
    const k = sample.client ?? 0;
    const v = this.internVersion(sample.version, k);
    const c = this.internCluster(sample.cluster, k);
    let flags = 0;
    const loc = sample.locality;
    if (c >= 0 || loc !== undefined) {
      flags = FLAG_ATTRIBUTED;
      if (c >= 0) flags |= this.clusterFlags[c]!;
      if (loc !== undefined && this.client !== null) {
        // Compare by content only when the string changes.
        if (loc !== this.lastLocality) {
          this.lastLocality = loc;
          this.lastLocalitySame = loc === this.client.locality;
        }
        if (this.lastLocalitySame) flags |= FLAG_SAME_LOCALITY;
      }
    }
    const end = sample.endUs;
    const seq = sample.seq;
    const columns = this.columns;
    if (columns !== null) {
      // Everything else is counted in one pass at finish, when the phases are known.
      if (seq === undefined) columns.push(scheduled, sample.startUs, end, sample.status, v, c, flags);
      else columns.put(seq, scheduled, sample.startUs, end, sample.status, v, c, flags);
    } else if (this.ordered !== null) {
      if (seq === undefined) throw new Error('accumulator: an ordered stream needs Sample.seq');
      const rows = this.ordered.rows;
      rows.put(seq, scheduled, sample.startUs, end, sample.status, v, c, flags);
      // Samples arrive in completion order: rows that completed before this one are final.
      rows.releaseBefore(end, this.ordered.counts.sink);
    } else {
      const status = sample.status;
      this.overall.add(end - scheduled, status, v, c, flags, sample.startUs - scheduled);
      const ok = isSuccess(status);
      if (ok) this.okLatency.record(end - scheduled);
      this.series.add(scheduled, end - scheduled, ok, v);
    }
    if (end > this.maxEndUs) this.maxEndUs = end;
    if (scheduled < this.minScheduledUs) this.minScheduledUs = scheduled;
    if (scheduled > this.maxScheduledUs) this.maxScheduledUs = scheduled;
  }

  finishPartial(events: readonly RunEvent[]): { measures: TrialMeasures; horizonUs: number; requests: number } | null {
    if (this.finished) throw new Error('accumulator: finish() called twice');
    let rows: number;
    let lastUs: number;
    if (this.ordered !== null) {
      this.ordered.rows.releasePrefix(this.ordered.counts.sink);
      rows = this.ordered.counts.rows;
      lastUs = this.ordered.counts.lastScheduledUs;
    } else if (this.columns !== null) {
      rows = this.columns.keepCompletePrefix();
      lastUs = -Infinity;
      for (let i = 0; i < rows; i++) lastUs = Math.max(lastUs, this.columns.scheduledUs[i]!);
    } else {
      rows = this.overall.requests;
      lastUs = this.maxScheduledUs;
    }
    if (rows === 0) return null;
    // No request at or after the horizon was measured: the trial is read as one whose load ended there.
    const horizonUs = Math.floor(lastUs) + 1;
    this.ordered?.counts.cut(horizonUs);
    const measures = this.finishWith({ ...this.opts, load: { ...this.opts.load, durationUs: horizonUs } }, events.filter((e) => Math.round(e.atMs * 1000) < horizonUs), true);
    return { measures, horizonUs, requests: rows };
  }

  finish(events: readonly RunEvent[]): TrialMeasures {
    return this.finishWith(this.opts, events, false);
  }

  private finishWith(opts: AccumulatorOptions, events: readonly RunEvent[], partial: boolean): TrialMeasures {
    if (this.finished) throw new Error('accumulator: finish() called twice');
    this.finished = true;
    this.columns?.checkComplete();
    if (this.ordered !== null && !partial) {
      this.ordered.rows.releasePrefix(this.ordered.counts.sink);
      const left = this.ordered.rows.waiting;
      if (left > 0) throw new Error(`accumulator: ${left} requests recorded after a seq position that was never recorded`);
    }
    return finishTrial(
      {
        opts,
        names: { versions: this.versions, clusters: this.clusters },
        overall: this.overall,
        okLatency: this.okLatency,
        series: this.series,
        columns: this.columns,
        ordered: this.ordered?.counts ?? null,
        hasClient: this.client !== null,
        maxEndUs: this.maxEndUs,
        minScheduledUs: this.minScheduledUs === Infinity ? 0 : this.minScheduledUs,
        maxScheduledUs: this.maxScheduledUs === -Infinity ? 0 : this.maxScheduledUs,
      },
      events,
    );
  }

  watch(events: EventsSoFar): void {
    this.ordered?.counts.watch(events);
  }

  private internVersion(v: string | undefined, k: number): number {
    if (v === undefined) return -1;
    if (v === this.lastVersion[k]) return this.lastVersionIdx[k]!;
    let i = this.versionIndex.get(v);
    if (i === undefined) {
      i = this.versions.length;
      this.versions.push(v);
      this.versionIndex.set(v, i);
    }
    this.lastVersion[k] = v;
    this.lastVersionIdx[k] = i;
    return i;
  }

  private internCluster(c: string | undefined, k: number): number {
    if (c === undefined) return -1;
    if (c === this.lastCluster[k]) return this.lastClusterIdx[k]!;
    let i = this.clusterIndex.get(c);
    if (i === undefined) {
      i = this.clusters.length;
      this.clusters.push(c);
      this.clusterIndex.set(c, i);
      const client = this.client;
      const same = client !== null && c === client.cluster;
      const sameNet = same || (client !== null && this.networks[c] !== undefined && this.networks[c] === client.network);
      this.clusterFlags.push((same ? FLAG_SAME_CLUSTER : 0) | (sameNet ? FLAG_SAME_NETWORK : 0));
    }
    this.lastCluster[k] = c;
    this.lastClusterIdx[k] = i;
    return i;
  }
}
