import { isSuccess } from '../model/sample.js';
import { FLAG_ATTRIBUTED, FLAG_SAME_CLUSTER, FLAG_SAME_LOCALITY, FLAG_SAME_NETWORK } from './columns.js';
import { setEncoded } from './deferred-encoding.js';
import { Histogram, latencyIndex } from './histogram.js';
import { packedSlots, putPacked } from './packed-array.js';
import type { RequestAggregate } from './types.js';

/** Names behind the small integer indices the accumulator stores per request. */
export interface NameTables {
  versions: readonly string[];
  clusters: readonly string[];
}

/**
 * Counts one set of requests (a trial, a phase, a window) into a `RequestAggregate`.
 * Versions and clusters are table indices (−1 = none) so the hot path never touches strings.
 * Latency is kept per version only (plus one histogram for requests without a version); the
 * overall histogram is their sum, so each request costs one histogram increment.
 */
export class CountsBuilder {
  requests = 0;
  errors = 0;
  private readonly status = new Float64Array(600);
  private readonly otherStatus = new Map<number, number>();
  lateStarts = 0;
  lateMaxUs = 0;
  // 8 entries (64 bytes): V8 keeps a typed array this small on the heap, cheaper to make than one
  // with its own buffer (a trial with 50 clients makes a few hundred builders); grown as needed.
  private versionOk: Float64Array = new Float64Array(8);
  /** Latency of requests without a version. */
  private readonly unversioned = new Histogram();
  private readonly byVersion = packedSlots<Histogram>();
  private attributed = 0;
  private sameLocality = 0;
  private sameCluster = 0;
  private sameNetwork = 0;
  private byCluster: Float64Array = new Float64Array(8);

  /** How many requests the caller expects at most (`expect`), passed on to the latency histograms. */
  private expected = 0;

  /** At most `requests` more requests are coming (sizes the latency histograms' first lists). */
  expect(requests: number): void {
    this.expected = requests;
    this.unversioned.expect(requests);
  }

  /** Adds one request. `lateUs` = start − scheduled (≤ 0 when on time). */
  add(latencyUs: number, status: number, version: number, cluster: number, flags: number, lateUs: number): void {
    this.addIndexed(latencyIndex(latencyUs), status, version, cluster, flags, lateUs);
  }

  /** `add` with the latency already turned into a counts index (`latencyIndex`). */
  addIndexed(latencyIdx: number, status: number, version: number, cluster: number, flags: number, lateUs: number): void {
    this.requests++;
    if (status < 600) this.status[status]! += 1;
    else this.otherStatus.set(status, (this.otherStatus.get(status) ?? 0) + 1);
    if (lateUs > 0) {
      this.lateStarts++;
      if (lateUs > this.lateMaxUs) this.lateMaxUs = lateUs;
    }
    if (version >= 0) {
      let h = this.byVersion[version];
      if (h === undefined) {
        h = new Histogram();
        h.expect(this.expected);
        putPacked(this.byVersion, version, h);
      }
      h.recordIndex(latencyIdx);
    } else {
      this.unversioned.recordIndex(latencyIdx);
    }
    if (!isSuccess(status)) {
      this.errors++;
      return;
    }
    if (version >= 0) {
      if (version >= this.versionOk.length) this.versionOk = grow(this.versionOk, version);
      this.versionOk[version]! += 1;
    }
    if (flags !== 0) {
      // Branch-free: each flag bit adds 0 or 1.
      this.attributed += flags & FLAG_ATTRIBUTED;
      this.sameLocality += (flags & FLAG_SAME_LOCALITY) >> 1;
      this.sameCluster += (flags & FLAG_SAME_CLUSTER) >> 2;
      this.sameNetwork += (flags & FLAG_SAME_NETWORK) >> 3;
      if (cluster >= 0) {
        if (cluster >= this.byCluster.length) this.byCluster = grow(this.byCluster, cluster);
        this.byCluster[cluster]! += 1;
      }
    }
  }

  /**
   * Latency of every request: the sum of the per-version histograms. Read-only: when a single
   * histogram holds every request (one version, the usual case for one client), it is that
   * histogram itself, so its encoding is shared with `latencyByVersion` instead of computed twice.
   */
  latency(): Histogram {
    // A phase that is also a window is read twice: the sum is made once (every change adds requests).
    if (this.latencySum !== undefined && this.latencySumAt === this.requests) return this.latencySum;
    this.latencySum = this.sumLatency();
    this.latencySumAt = this.requests;
    return this.latencySum;
  }

  private latencySum: Histogram | undefined;
  private latencySumAt = -1;

  private sumLatency(): Histogram {
    let only: Histogram | undefined = this.unversioned.totalCount > 0 ? this.unversioned : undefined;
    let sources = only === undefined ? 0 : 1;
    for (const h of this.byVersion) {
      if (h === undefined || h.totalCount === 0) continue;
      only = h;
      sources++;
    }
    if (sources === 1) return only!;
    const all = new Histogram();
    all.add(this.unversioned);
    for (const h of this.byVersion) if (h !== undefined) all.add(h);
    return all;
  }

  /**
   * Gives every histogram's counts back for reuse (Histogram.release). Call only when nothing
   * reads this builder again: the data it gave (`toData`) stays valid.
   */
  release(): void {
    this.unversioned.release();
    for (const h of this.byVersion) h?.release();
    this.byVersion.length = 0;
    this.latencySum?.release();
    this.latencySum = undefined;
    this.requests = -1;
  }

  /** Adds every count of another builder (same name tables). */
  addAll(o: CountsBuilder): void {
    this.requests += o.requests;
    this.errors += o.errors;
    for (let i = 0; i < this.status.length; i++) this.status[i]! += o.status[i]!;
    for (const [s, c] of o.otherStatus) this.otherStatus.set(s, (this.otherStatus.get(s) ?? 0) + c);
    this.lateStarts += o.lateStarts;
    this.lateMaxUs = Math.max(this.lateMaxUs, o.lateMaxUs);
    if (o.versionOk.length > this.versionOk.length) this.versionOk = grow(this.versionOk, o.versionOk.length - 1);
    for (let i = 0; i < o.versionOk.length; i++) this.versionOk[i]! += o.versionOk[i]!;
    this.unversioned.add(o.unversioned);
    o.byVersion.forEach((h, i) => {
      if (h === undefined) return;
      const mine = this.byVersion[i];
      if (mine === undefined) {
        const copy = new Histogram();
        copy.add(h);
        putPacked(this.byVersion, i, copy);
      } else {
        mine.add(h);
      }
    });
    this.attributed += o.attributed;
    this.sameLocality += o.sameLocality;
    this.sameCluster += o.sameCluster;
    this.sameNetwork += o.sameNetwork;
    if (o.byCluster.length > this.byCluster.length) this.byCluster = grow(this.byCluster, o.byCluster.length - 1);
    for (let i = 0; i < o.byCluster.length; i++) this.byCluster[i]! += o.byCluster[i]!;
  }

  /** Successful responses per version index (for the faulted-workload and distribution-test choices). */
  versionCounts(names: NameTables): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [i, name] of sortedNames(names.versions)) {
      const c = this.versionOk[i] ?? 0;
      if (c > 0) out[name] = c;
    }
    return out;
  }

  /**
   * Plain data. `withLocality` is false when the client placement is unknown (shares relative to
   * the client cannot be computed); locality is also null when nothing was attributed.
   * `withVersionLatency` false leaves `latencyByVersion` empty (phases do not report it).
   */
  toData(names: NameTables, withLocality: boolean, withVersionLatency = true): RequestAggregate {
    const statusCodes: Record<string, number> = {};
    const codes: Array<[number, number]> = [];
    for (let s = 0; s < this.status.length; s++) if (this.status[s]! > 0) codes.push([s, this.status[s]!]);
    for (const [s, c] of this.otherStatus) codes.push([s, c]);
    codes.sort((a, b) => a[0] - b[0]);
    for (const [s, c] of codes) statusCodes[String(s)] = c;

    const versions: Record<string, number> = {};
    const latencyByVersion: Record<string, string> = {};
    for (const [i, name] of sortedNames(names.versions)) {
      const ok = this.versionOk[i] ?? 0;
      const h = this.byVersion[i];
      if (ok > 0 || h !== undefined) versions[name] = ok;
      if (h !== undefined && withVersionLatency) setEncoded(latencyByVersion, name, h.encodeDeferred());
    }

    let locality: RequestAggregate['locality'] = null;
    if (withLocality && this.attributed > 0) {
      const byCluster: Record<string, number> = {};
      for (const [i, name] of sortedNames(names.clusters)) {
        const c = this.byCluster[i] ?? 0;
        if (c > 0) byCluster[name] = c;
      }
      locality = {
        attributed: this.attributed,
        sameLocality: this.sameLocality,
        sameCluster: this.sameCluster,
        sameNetwork: this.sameNetwork,
        byCluster,
      };
    }
    const out: RequestAggregate = {
      requests: this.requests,
      errors: this.errors,
      statusCodes,
      lateStarts: this.lateStarts,
      lateMaxUs: this.lateMaxUs,
      versions,
      latency: '',
      latencyByVersion,
      locality,
    };
    // Compressed when read (deferred-encoding.ts): a trial's histograms are read once, when its
    // result is written or merged, not when it finishes.
    setEncoded(out, 'latency', this.latency().encodeDeferred());
    return out;
  }
}

function grow(a: Float64Array, index: number): Float64Array {
  const out = new Float64Array(Math.max(a.length * 2, index + 1));
  out.set(a);
  return out;
}

/** [index, name] pairs sorted by name, so output order never depends on arrival order. */
export function sortedNames(names: readonly string[]): Array<[number, string]> {
  return names.map((n, i): [number, string] => [i, n]).sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}
