import { describe, expect, it } from 'vitest';
import { chooseHostWithRetryPredicate, retryBackoffUpperUs, retryBackoffUs } from '../../../src/sim/envoy/retry.js';
import { Debouncer, defaultPushThrottle, type DebounceStep } from '../../../src/sim/istiod/debounce.js';
import { convertRetryPolicy, defaultRetryPolicy, parseRetryOn } from '../../../src/sim/istiod/retry-policy.js';
import { istioProfile } from '../../../src/sim/istio-profile.js';
import { createRng } from '../../../src/sim/rng.js';

describe('retry policy (retry.go)', () => {
  it('503 is retriable only up to 1.23', () => {
    expect(defaultRetryPolicy(istioProfile('1.23')!).retriableStatusCodes).toEqual([503]);
    expect(defaultRetryPolicy(istioProfile('1.24')!).retriableStatusCodes).toEqual([]);
    expect(defaultRetryPolicy(istioProfile('1.24')!, { consistentHash: true }).previousHosts).toBe(false);
  });
  it('converts VirtualService retries', () => {
    const p = istioProfile('1.24')!;
    expect(convertRetryPolicy({ attempts: 0 }, p)).toBeNull();
    const r = convertRetryPolicy({ attempts: 3, retryOn: 'gateway-error,503, 429 ,reset' }, p)!;
    expect([r.numRetries, r.retryOn, r.retriableStatusCodes]).toEqual([3, ['gateway-error', 'reset', 'retriable-status-codes'], [503, 429]]);
    expect(parseRetryOn('5xx,999,419')).toEqual({ conditions: ['5xx', '999', '419'], statusCodes: [] });
  });
});

describe('retry helpers', () => {
  // envoy source/common/common/backoff_strategy.cc JitteredExponentialBackOffStrategy::nextBackOffMs:
  // `random % next_interval_`, the interval doubling while below max/2, then max — not the router
  // doc's (2^N-1) x base (mesh-behaviour.md corrections).
  it('jittered back-off draws from [0,25), [0,50), [0,100) ms … for base 25 ms, max 250 ms', () => {
    const rng = createRng(1);
    expect([1, 2, 3, 4, 5, 6].map((n) => retryBackoffUpperUs(n, 25_000, 250_000))).toEqual([25_000, 50_000, 100_000, 200_000, 250_000, 250_000]);
    let maxSeen = 0;
    for (let i = 0; i < 500; i++) {
      const b = retryBackoffUs(2, 25_000, 250_000, rng);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(50_000);
      maxSeen = Math.max(maxSeen, b);
    }
    expect(maxSeen).toBeGreaterThan(45_000);
  });
  it('re-picks up to max attempts + 1 times, then keeps the last pick', () => {
    const picks = [3, 3, 1];
    let i = 0;
    expect(chooseHostWithRetryPredicate(() => picks[i++] ?? 3, (h) => h === 3, 5)).toBe(1);
    let n = 0;
    expect(chooseHostWithRetryPredicate(() => (n++, 3), () => true, 5)).toBe(3);
    expect(n).toBe(6);
  });
});

describe('Debouncer (discovery.go debounce)', () => {
  it('waits for a quiet period, re-arming for the remainder', () => {
    const d = new Debouncer({ debounceAfterUs: 100, debounceMaxUs: 1000, enableEdsDebounce: true });
    expect(d.onEvent(0, 'full')).toEqual({ action: 'arm-timer', atUs: 100 });
    expect(d.onEvent(60, 'eds')).toEqual({ action: 'none' });
    expect(d.onTimer(100)).toEqual({ action: 'arm-timer', atUs: 160 });
    expect(d.onTimer(100)).toEqual({ action: 'none' }); // stale
    expect(d.onTimer(160)).toEqual({ action: 'push', full: true, events: 2, exclusive: true });
    expect(d.busy).toBe(true);
  });
  it('forces a push at DEBOUNCE_MAX under constant churn', () => {
    const d = new Debouncer({ debounceAfterUs: 50, debounceMaxUs: 100, enableEdsDebounce: true });
    const step: DebounceStep = d.onEvent(0, 'full');
    expect(step).toEqual({ action: 'arm-timer', atUs: 50 });
    d.onEvent(25, 'full');
    d.onEvent(50, 'full');
    // Quiet for 0 µs at 50: re-arm for the rest of the quiet period.
    expect(d.onTimer(50)).toEqual({ action: 'arm-timer', atUs: 100 });
    d.onEvent(75, 'full');
    // Never quiet, but 100 µs since the first event: push.
    expect(d.onTimer(100)).toEqual({ action: 'push', full: true, events: 4, exclusive: true });
  });
  it('never overlaps pushes: a timer during a push does nothing, pushDone resumes', () => {
    const d = new Debouncer({ debounceAfterUs: 10, debounceMaxUs: 100, enableEdsDebounce: true });
    d.onEvent(0, 'full');
    expect(d.onTimer(10)).toMatchObject({ action: 'push', events: 1 });
    expect(d.onEvent(20, 'eds')).toEqual({ action: 'arm-timer', atUs: 30 });
    expect(d.onTimer(30)).toEqual({ action: 'none' });
    expect(d.pushDone(110)).toEqual({ action: 'push', full: false, events: 1, exclusive: true });
    expect(d.pushDone(150)).toEqual({ action: 'none' });
  });
  it('pushes endpoint events at once when EDS debounce is off', () => {
    const d = new Debouncer({ debounceAfterUs: 10, debounceMaxUs: 100, enableEdsDebounce: false });
    expect(d.onEvent(0, 'eds')).toEqual({ action: 'push', full: false, events: 1, exclusive: false });
    expect(d.pendingEvents).toBe(0);
  });
  it('push throttle default scales with cores', () => {
    expect([1, 4, 32].map((c) => defaultPushThrottle(c))).toEqual([20, 35, 100]);
    expect(defaultPushThrottle(4, 7)).toBe(7);
  });
});
