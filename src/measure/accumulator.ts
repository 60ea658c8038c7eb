import { isSuccess, type RunEvent, type Sample } from '../model/sample.js';
import type { AccumulatorOptions } from './accumulator-options.js';
import { Columns, FLAG_ATTRIBUTED, FLAG_SAME_CLUSTER, FLAG_SAME_LOCALITY, FLAG_SAME_NETWORK } from './columns.js';
import { CountsBuilder } from './counts-builder.js';
import { SeriesBuilder, chooseBucketUs } from './series-builder.js';
import { finishTrial, type TrialState } from './trial-finish.js';
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
}

/**
 * Creates the measure accumulator of one trial (product.md §4). With per-request columns (the
 * default) the hot path only interns the strings and appends one row of typed arrays; every count,
 * histogram and series bucket is computed in one pass at `finish`, once the phases are known.
 * Streaming (`keepSamples: false`) counts at once instead. Strings (version, cluster, locality)
 * are interned with a one-entry cache because targets reuse the same string objects.
 * @example
 * const acc = createAccumulator({ load: { model: 'open', ratePerS: 100, durationUs: 60e6 } });
 * for (const s of samples) acc.record(s);
 * const measures = acc.finish([{ name: 'fault', atMs: 20000, action: 'scale …' }]);
 */
export function createAccumulator(opts: AccumulatorOptions): Accumulator {
  const keep = opts.keepSamples !== false;
  if (!keep && opts.failover) {
    throw new Error('accumulator: failover measures need per-request columns (keepSamples must not be false)');
  }
  const client = opts.client ?? null;
  const networks = opts.clusterNetworks ?? {};
  const versions: string[] = [];
  const versionIndex = new Map<string, number>();
  const clusters: string[] = [];
  const clusterIndex = new Map<string, number>();
  /** Per cluster index: 0 = other network, FLAG_SAME_NETWORK | FLAG_SAME_CLUSTER as applicable. */
  const clusterFlags: number[] = [];
  const overall = new CountsBuilder();
  const series = new SeriesBuilder(opts.bucketUs ?? chooseBucketUs(opts.load.durationUs));
  const { ratePerS, durationUs } = opts.load;
  // Open model: rate × duration rows (+2% for stragglers) so the columns never grow during a run.
  const expectedRows = ratePerS !== undefined && durationUs !== undefined ? Math.min((ratePerS * durationUs) / 1e6, 5e7) * 1.02 + 64 : 1024;
  const columns = keep ? new Columns(expectedRows) : null;
  let lastVersion: string | undefined;
  let lastVersionIdx = -1;
  let lastCluster: string | undefined;
  let lastLocality: string | undefined;
  let lastLocalitySame = false;
  let lastClusterIdx = -1;
  let maxEndUs = 0;
  let minScheduledUs = Infinity;
  let maxScheduledUs = -Infinity;
  let finished = false;

  const internVersion = (v: string | undefined): number => {
    if (v === undefined) return -1;
    if (v === lastVersion) return lastVersionIdx;
    let i = versionIndex.get(v);
    if (i === undefined) {
      i = versions.length;
      versions.push(v);
      versionIndex.set(v, i);
    }
    lastVersion = v;
    lastVersionIdx = i;
    return i;
  };
  const internCluster = (c: string | undefined): number => {
    if (c === undefined) return -1;
    if (c === lastCluster) return lastClusterIdx;
    let i = clusterIndex.get(c);
    if (i === undefined) {
      i = clusters.length;
      clusters.push(c);
      clusterIndex.set(c, i);
      const same = client !== null && c === client.cluster;
      const sameNet = same || (client !== null && networks[c] !== undefined && networks[c] === client.network);
      clusterFlags.push((same ? FLAG_SAME_CLUSTER : 0) | (sameNet ? FLAG_SAME_NETWORK : 0));
    }
    lastCluster = c;
    lastClusterIdx = i;
    return i;
  };

  return {
    record(sample: Sample): void {
      if (finished) throw new Error('accumulator: record() after finish()');
      const scheduled = sample.scheduledUs;
      const latency = sample.endUs - scheduled;
      const status = sample.status;
      const v = internVersion(sample.version);
      const c = internCluster(sample.cluster);
      let flags = 0;
      const loc = sample.locality;
      if (c >= 0 || loc !== undefined) {
        flags = FLAG_ATTRIBUTED;
        if (c >= 0) flags |= clusterFlags[c]!;
        if (loc !== undefined && client !== null) {
          // Targets reuse one string per pod: compare by content only when the string changes.
          if (loc !== lastLocality) {
            lastLocality = loc;
            lastLocalitySame = loc === client.locality;
          }
          if (lastLocalitySame) flags |= FLAG_SAME_LOCALITY;
        }
      }
      if (columns !== null) {
        // Everything else is counted in one pass at finish, when the phases are known.
        columns.push(scheduled, sample.startUs, sample.endUs, status, v, c, flags);
      } else {
        overall.add(latency, status, v, c, flags, sample.startUs - scheduled);
        series.add(scheduled, latency, isSuccess(status), v);
      }
      if (sample.endUs > maxEndUs) maxEndUs = sample.endUs;
      if (scheduled < minScheduledUs) minScheduledUs = scheduled;
      if (scheduled > maxScheduledUs) maxScheduledUs = scheduled;
    },

    finish(events: readonly RunEvent[]): TrialMeasures {
      if (finished) throw new Error('accumulator: finish() called twice');
      finished = true;
      const state: TrialState = {
        opts,
        names: { versions, clusters },
        overall,
        series,
        columns,
        hasClient: client !== null,
        maxEndUs,
        minScheduledUs: minScheduledUs === Infinity ? 0 : minScheduledUs,
        maxScheduledUs: maxScheduledUs === -Infinity ? 0 : maxScheduledUs,
      };
      return finishTrial(state, events);
    },
  };
}
