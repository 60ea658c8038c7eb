import { describe, expect, it } from 'vitest';
import { ejectionAllowed, maxEjectableHosts } from '../../../src/sim/envoy/max-ejection.js';
import { resolveEnvoyOutlierDetection, toEnvoyOutlierConfig, type EnvoyOutlierDetectionProto } from '../../../src/sim/envoy/outlier-config.js';
import { OutlierDetector } from '../../../src/sim/envoy/outlier-detector.js';

const S = 1_000_000;
function detector(proto: EnvoyOutlierDetectionProto, strict = true, hosts = 1) {
  const d = new OutlierDetector(toEnvoyOutlierConfig(resolveEnvoyOutlierDetection(proto)), { strictMaxEjectionPercent: strict });
  return { d, hosts: Array.from({ length: hosts }, (_, i) => d.addHost(`h${i}`)) };
}
function send(d: OutlierDetector, h: ReturnType<OutlierDetector['addHost']>, codes: number[], at = 0): boolean[] {
  return codes.map((c) => d.reportHttpStatus(h, c, at));
}

describe('max ejection percent', () => {
  it('strict rule with the default 10% and 8 hosts ejects nothing; the old rule exactly one', () => {
    for (const [strict, expected] of [
      [true, 0],
      [false, 1],
    ] as const) {
      const { d, hosts } = detector({}, strict, 8);
      for (const h of hosts) send(d, h, [500, 500, 500, 500, 500]);
      expect(d.ejectedCount()).toBe(expected);
    }
  });
  it('counts allowed ejections per rule', () => {
    expect(maxEjectableHosts(2, 10, true)).toBe(0);
    expect(maxEjectableHosts(2, 10, false)).toBe(1);
    expect(maxEjectableHosts(2, 50, true)).toBe(1);
    expect(maxEjectableHosts(3, 50, true)).toBe(1);
    expect(maxEjectableHosts(4, 100, true)).toBe(4);
    expect(ejectionAllowed(0, 1, 90, true)).toBe(false);
    expect(ejectionAllowed(0, 1, 90, true, true)).toBe(true);
  });
});

describe('OutlierDetector (outlier_detection_impl.cc)', () => {
  it('ejects on the Nth consecutive 5xx; a 2xx resets the counter', () => {
    const { d, hosts } = detector({ maxEjectionPercent: 100 });
    const h = hosts[0]!;
    expect(send(d, h, [500, 500, 200, 500, 503, 500, 502])).toEqual([false, false, false, false, false, false, false]);
    expect(d.reportHttpStatus(h, 504, 0)).toBe(true);
    expect(d.isEjected(h)).toBe(true);
    expect(d.reportHttpStatus(h, 500, 0)).toBe(false);
  });
  it('a non-gateway 5xx resets the gateway counter', () => {
    const { d, hosts } = detector({ maxEjectionPercent: 100, consecutive5xx: 100, consecutiveGatewayFailure: 3, enforcingConsecutiveGatewayFailure: 100 });
    const h = hosts[0]!;
    send(d, h, [502, 503, 500, 502, 503]);
    expect(d.isEjected(h)).toBe(false);
    expect(d.reportHttpStatus(h, 504, 0)).toBe(true);
  });
  it('gateway failures are detected but not enforced by default', () => {
    const { d, hosts } = detector({ maxEjectionPercent: 100, consecutive5xx: 100 });
    send(d, hosts[0]!, [503, 503, 503, 503, 503, 503]);
    expect(d.ejectedCount()).toBe(0);
  });
  it('resets the counter after a refused ejection (max percent)', () => {
    const { d, hosts } = detector({ maxEjectionPercent: 50 }, true, 2);
    send(d, hosts[0]!, [500, 500, 500, 500, 500]);
    expect(send(d, hosts[1]!, [500, 500, 500, 500, 500]).includes(true)).toBe(false);
    expect(hosts[1]!.consecutive5xx).toBe(0);
    d.removeHost(hosts[0]!);
    d.addHost('h2');
    d.addHost('h3');
    // 0 ejected of 3 now: the next fifth error ejects.
    expect(send(d, hosts[1]!, [500, 500, 500, 500, 500])[4]).toBe(true);
  });
  it('counts local-origin failures as 503/504 when not split', () => {
    const { d, hosts } = detector({ maxEjectionPercent: 100 });
    const h = hosts[0]!;
    for (const r of ['connect_failure', 'timeout', 'request_failed', 'connect_failure'] as const) d.reportLocalOrigin(h, r, 0);
    expect(h.consecutiveGatewayFailure).toBe(1); // the 500 reset the gateway counter
    expect(d.reportLocalOrigin(h, 'timeout', 0)).toBe(true);
  });
  it('split mode counts connect failures and timeouts separately', () => {
    const { d, hosts } = detector({ maxEjectionPercent: 100, splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailure: 2 });
    const h = hosts[0]!;
    d.reportLocalOrigin(h, 'connect_failure', 0);
    d.reportLocalOrigin(h, 'success', 0);
    d.reportLocalOrigin(h, 'timeout', 0);
    expect(h.consecutive5xx).toBe(0);
    expect(d.reportLocalOrigin(h, 'connect_failure', 0)).toBe(true);
  });
  it('un-ejects on ticks after min(base x backoff, max) and decays the backoff on clean ticks', () => {
    const { d, hosts } = detector({ maxEjectionPercent: 100, baseEjectionTimeUs: 5 * S, intervalUs: 5 * S });
    const h = hosts[0]!;
    const eject = (t: number) => send(d, h, [500, 500, 500, 500, 500], t * S);
    eject(0);
    expect(d.tick(5 * S)).toEqual([h]);
    eject(5);
    expect(d.tick(10 * S)).toEqual([]);
    expect(d.tick(15 * S).length).toBe(1); // second ejection lasts 10s
    expect(h.ejectTimeBackoff).toBe(2);
    d.tick(20 * S);
    d.tick(25 * S);
    expect(h.ejectTimeBackoff).toBe(0);
    eject(25);
    expect(d.tick(30 * S).length).toBe(1);
    expect(d.intervalUs).toBe(5 * S);
  });
  it('caps the ejection time at max_ejection_time', () => {
    const { d, hosts } = detector({ maxEjectionPercent: 100, baseEjectionTimeUs: 20 * S, maxEjectionTimeUs: 50 * S, intervalUs: 10 * S });
    const h = hosts[0]!;
    const durations: number[] = [];
    let now = 0;
    for (let k = 0; k < 5; k++) {
      send(d, h, [500, 500, 500, 500, 500], now);
      const start = now;
      while (d.isEjected(h)) {
        now += 10 * S;
        d.tick(now);
      }
      durations.push((now - start) / S);
    }
    expect(durations).toEqual([20, 40, 50, 50, 50]);
  });
  it('removing an ejected host frees its slot', () => {
    const { d, hosts } = detector({ maxEjectionPercent: 100 }, true, 2);
    send(d, hosts[0]!, [500, 500, 500, 500, 500]);
    expect(d.ejectedCount()).toBe(1);
    d.removeHost(hosts[0]!);
    expect([d.ejectedCount(), d.hostCount]).toEqual([0, 1]);
    expect(d.reportHttpStatus(hosts[0]!, 500, 0)).toBe(false);
  });
});

describe('OutlierDetector interval timer: only hosts with work are visited (DetectorImpl::onIntervalTimer)', () => {
  it('returns hosts un-ejected in one tick in the order they joined, not the order they were ejected', () => {
    const { d, hosts } = detector({ consecutive5xx: 1, maxEjectionPercent: 100, baseEjectionTimeUs: 10 * S, intervalUs: S }, true, 5);
    // Ejected in the order 4, 1, 3.
    for (const i of [4, 1, 3]) send(d, hosts[i]!, [500]);
    expect(d.ejectedCount()).toBe(3);
    expect(d.tick(5 * S)).toEqual([]);
    expect(d.tick(10 * S).map((m) => m.key)).toEqual(['h1', 'h3', 'h4']);
  });

  it('counts an eject-time backoff down on the ticks after un-ejection, so the next ejection lasts as a full pass would make it', () => {
    // Reference: the backoff as the interval timer over every host keeps it (+1 per ejection, −1 per tick not ejected).
    const { d, hosts } = detector({ consecutive5xx: 1, maxEjectionPercent: 100, baseEjectionTimeUs: 10 * S, intervalUs: S }, true, 3);
    const h = hosts[1]!;
    let t = 0;
    send(d, h, [500], t); // backoff 1
    t = 10 * S;
    expect(d.tick(t).map((m) => m.key)).toEqual(['h1']);
    send(d, h, [500], t); // backoff 2: ejected for 20 s
    expect(d.tick(t + 19 * S)).toEqual([]);
    expect(d.tick(t + 20 * S).map((m) => m.key)).toEqual(['h1']);
    t += 20 * S;
    // One tick not ejected: backoff 1, so the next ejection lasts 10 s × 2 (backoff 2 again after it).
    expect(d.tick(t + S)).toEqual([]);
    send(d, h, [500], t + S);
    expect(d.tick(t + S + 19 * S)).toEqual([]);
    expect(d.tick(t + S + 20 * S).map((m) => m.key)).toEqual(['h1']);
    // Two ticks not ejected bring it to 0: the next ejection lasts 10 s.
    t += 21 * S;
    d.tick(t + S);
    d.tick(t + 2 * S);
    send(d, h, [500], t + 2 * S);
    expect(d.tick(t + 2 * S + 10 * S).map((m) => m.key)).toEqual(['h1']);
  });
});
