/**
 * Envoy's consecutive-error outlier detector for one cluster (success-rate and
 * failure-percentage ejection are not modelled: Istio disables the former and never enables the latter).
 */
import type { Rng } from '../rng.js';
import type { EnvoyOutlierConfig } from '../xds-types.js';
import { ejectionAllowed } from './max-ejection.js';

/** Per-host outlier state; the engine keeps the handle so per-request calls need no lookup. */
export class HostMonitor {
  /** Caller's key (e.g. the host address or pod name). */
  readonly key: string;
  consecutive5xx = 0;
  consecutiveGatewayFailure = 0;
  consecutiveLocalOriginFailure = 0;
  ejected = false;
  lastEjectionUs = 0;
  /** Eject-time multiplier: +1 per ejection (capped), −1 per interval tick spent not ejected. */
  ejectTimeBackoff = 0;
  numEjections = 0;
  removed = false;
  /** Order of joining the detector (the interval timer reports un-ejected hosts in this order). */
  readonly seq: number;

  constructor(key: string, seq = 0) {
    this.key = key;
    this.seq = seq;
  }
}

/** Outcome of a local-origin event (non-split: connect failure = 503, timeout = 504, failure = 500, success = 200). */
export type LocalOriginResult = 'connect_failure' | 'timeout' | 'request_failed' | 'success';

type EjectionType = 'consecutive_5xx' | 'consecutive_gateway_failure' | 'consecutive_local_origin_failure';

/** Constructor options. */
export interface OutlierDetectorOptions {
  /** Profile switch: strict `100*(ejected+1)/total <= max` rule, else the old `100*ejected/total < max`. */
  strictMaxEjectionPercent: boolean;
  /** Envoy `always_eject_one_host` (Istio never sets it). */
  alwaysEjectOneHost?: boolean;
  /** Needed only for enforcement percentages strictly between 0 and 100. */
  rng?: Rng;
}

/**
 * Counters, immediate ejection on the Nth consecutive error (equality check; the counter that fired
 * is reset after the attempt, ejected or not; ignored while already ejected), ejection gated by
 * max_ejection_percent over all hosts of the cluster, un-ejection on interval ticks once
 * `now - lastEjection >= min(base × backoff, max)`, backoff +1 per ejection while
 * `backoff × base < max + base` and −1 per tick not ejected.
 * Mirrors envoy source/common/upstream/outlier_detection_impl.cc (DetectorHostMonitorImpl
 * putHttpResponseCode / putResult*, DetectorImpl onConsecutiveErrorWorker / ejectHost /
 * checkHostForUneject / onIntervalTimer).
 */
export class OutlierDetector {
  readonly config: EnvoyOutlierConfig;
  private readonly opts: OutlierDetectorOptions;
  private readonly monitors = new Set<HostMonitor>();
  /**
   * The hosts the interval timer has work for: ejected, or with an eject-time backoff to count
   * down. Every other host's tick is a no-op, and with 50 clients × 70 hosts × a tick per second,
   * visiting them all was a cost of its own.
   */
  private readonly active = new Set<HostMonitor>();
  private nextSeq = 0;
  private ejected = 0;
  private readonly unejectedScratch: HostMonitor[] = [];

  constructor(config: EnvoyOutlierConfig, opts: OutlierDetectorOptions) {
    for (const pct of [config.enforcingConsecutive5xx, config.enforcingConsecutiveGatewayFailure, config.enforcingConsecutiveLocalOriginFailure]) {
      if (pct > 0 && pct < 100 && opts.rng === undefined) {
        throw new RangeError(`enforcement ${pct}% needs an rng (only 0 and 100 are deterministic)`);
      }
    }
    this.config = config;
    this.opts = opts;
  }

  /** Interval timer period (the engine schedules `tick` every `intervalUs` from the detector's creation). */
  get intervalUs(): number {
    return this.config.intervalUs;
  }

  /** Hosts monitored (the max-ejection-percent denominator). */
  get hostCount(): number {
    return this.monitors.size;
  }

  /** A host joined the cluster (any priority): fresh counters. */
  addHost(key: string): HostMonitor {
    const m = new HostMonitor(key, this.nextSeq++);
    this.monitors.add(m);
    return m;
  }

  /** A host left the cluster (EDS removal); an ejected one no longer counts as ejected. */
  removeHost(m: HostMonitor): void {
    if (!this.monitors.delete(m)) return;
    this.active.delete(m);
    if (m.ejected) this.ejected--;
    m.removed = true;
  }

  isEjected(m: HostMonitor): boolean {
    return m.ejected;
  }

  ejectedCount(): number {
    return this.ejected;
  }

  /**
   * An HTTP response from the host (or the code a local-origin event maps to). Returns true when
   * the host was ejected by this call.
   */
  reportHttpStatus(m: HostMonitor, status: number, nowUs: number): boolean {
    if (m.removed) return false;
    if (status >= 500 && status < 600) {
      let fired = false;
      // Gateway check first, as Envoy posts its event first.
      if (status >= 502 && status <= 504) {
        if (++m.consecutiveGatewayFailure === this.config.consecutiveGatewayFailure) {
          fired = this.onConsecutiveError(m, 'consecutive_gateway_failure', nowUs) || fired;
        }
      } else {
        m.consecutiveGatewayFailure = 0;
      }
      if (++m.consecutive5xx === this.config.consecutive5xx) {
        fired = this.onConsecutiveError(m, 'consecutive_5xx', nowUs) || fired;
      }
      return fired;
    }
    m.consecutive5xx = 0;
    m.consecutiveGatewayFailure = 0;
    return false;
  }

  /**
   * A local-origin event. Not split (Istio's default): connect failure counts as 503, timeout as
   * 504, request failure as 500, success as 200. Split: connect failures and timeouts feed the
   * local-origin counter, success resets it, a request failure counts as an HTTP 500.
   */
  reportLocalOrigin(m: HostMonitor, result: LocalOriginResult, nowUs: number): boolean {
    if (!this.config.splitExternalLocalOriginErrors) {
      const code = result === 'connect_failure' ? 503 : result === 'timeout' ? 504 : result === 'request_failed' ? 500 : 200;
      return this.reportHttpStatus(m, code, nowUs);
    }
    if (m.removed) return false;
    if (result === 'success') {
      m.consecutiveLocalOriginFailure = 0;
      return false;
    }
    if (result === 'request_failed') return this.reportHttpStatus(m, 500, nowUs);
    if (++m.consecutiveLocalOriginFailure === this.config.consecutiveLocalOriginFailure) {
      return this.onConsecutiveError(m, 'consecutive_local_origin_failure', nowUs);
    }
    return false;
  }

  /**
   * Interval timer: un-eject hosts whose ejection time is over, decay the backoff of the others.
   * Returns the hosts un-ejected now (an internal array, valid until the next tick).
   */
  tick(nowUs: number): readonly HostMonitor[] {
    const out = this.unejectedScratch;
    out.length = 0;
    // (A Set may lose members while it is iterated.)
    for (const m of this.active) {
      if (!m.ejected) {
        if (m.ejectTimeBackoff !== 0) m.ejectTimeBackoff--;
        if (m.ejectTimeBackoff === 0) this.active.delete(m);
        continue;
      }
      const ejectionUs = Math.min(this.config.baseEjectionTimeUs * m.ejectTimeBackoff, this.config.maxEjectionTimeUs);
      if (ejectionUs <= nowUs - m.lastEjectionUs) {
        m.ejected = false;
        this.ejected--;
        // checkHostForUneject resets every consecutive counter, the local-origin one included.
        m.consecutive5xx = 0;
        m.consecutiveGatewayFailure = 0;
        m.consecutiveLocalOriginFailure = 0;
        out.push(m);
      }
    }
    // In the order the hosts joined, as a pass over every host would find them.
    if (out.length > 1) out.sort((a, b) => a.seq - b.seq);
    return out;
  }

  private onConsecutiveError(m: HostMonitor, type: EjectionType, nowUs: number): boolean {
    if (m.ejected) return false;
    const ejectedNow = this.tryEject(m, type, nowUs);
    if (type === 'consecutive_5xx') m.consecutive5xx = 0;
    else if (type === 'consecutive_gateway_failure') m.consecutiveGatewayFailure = 0;
    else m.consecutiveLocalOriginFailure = 0;
    return ejectedNow;
  }

  private tryEject(m: HostMonitor, type: EjectionType, nowUs: number): boolean {
    const allowed = ejectionAllowed(
      this.ejected,
      this.monitors.size,
      this.config.maxEjectionPercent,
      this.opts.strictMaxEjectionPercent,
      this.opts.alwaysEjectOneHost === true,
    );
    if (!allowed || !this.enforced(type)) return false;
    this.ejected++;
    m.ejected = true;
    this.active.add(m);
    m.lastEjectionUs = nowUs;
    m.numEjections++;
    const base = this.config.baseEjectionTimeUs;
    if (m.ejectTimeBackoff * base < this.config.maxEjectionTimeUs + base) m.ejectTimeBackoff++;
    return true;
  }

  private enforced(type: EjectionType): boolean {
    const pct =
      type === 'consecutive_5xx'
        ? this.config.enforcingConsecutive5xx
        : type === 'consecutive_gateway_failure'
          ? this.config.enforcingConsecutiveGatewayFailure
          : this.config.enforcingConsecutiveLocalOriginFailure;
    if (pct >= 100) return true;
    if (pct <= 0) return false;
    return (this.opts.rng as Rng).u32() % 100 < pct;
  }
}
