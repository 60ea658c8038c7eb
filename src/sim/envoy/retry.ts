/**
 * Envoy router retry helpers: back-off between attempts and host re-selection with the
 * previous_hosts predicate.
 */
import type { Rng } from '../rng.js';

/**
 * Upper bound (exclusive) of the back-off before retry `retryNumber` (1-based): the strategy's
 * interval, which starts at `base` and doubles after each retry while below `max / 2`, else jumps
 * to `max` — 25, 50, 100, 200, 250, 250 … ms for base 25 ms and max 250 ms. (The router
 * documentation's `(2^N − 1) × base` formula is not what the code does.)
 * Mirrors envoy source/common/common/backoff_strategy.cc JitteredExponentialBackOffStrategy::nextBackOffMs.
 */
export function retryBackoffUpperUs(retryNumber: number, baseUs: number, maxUs: number): number {
  const n = Math.max(1, Math.floor(retryNumber));
  let interval = baseUs;
  for (let i = 1; i < n && interval < maxUs; i++) interval = interval < maxUs / 2 ? interval * 2 : maxUs;
  return Math.min(interval, maxUs);
}

/**
 * Fully jittered back-off before retry `retryNumber` (1-based): `random % interval`, i.e. uniform in
 * [0, interval) with the interval of retryBackoffUpperUs ([0, 25), [0, 50), [0, 100) ms … for the
 * 25 ms base), never above `maxUs`.
 * Mirrors envoy source/common/common/backoff_strategy.cc JitteredExponentialBackOffStrategy::nextBackOffMs.
 */
export function retryBackoffUs(retryNumber: number, baseUs: number, maxUs: number, rng: Rng): number {
  const span = retryBackoffUpperUs(retryNumber, baseUs, maxUs);
  if (span <= 0) return 0;
  return Math.min(Math.floor(rng.next() * span), maxUs);
}

/**
 * Pick a host for an attempt: up to `hostSelectionRetryMaxAttempts + 1` picks; the first pick the
 * predicate accepts wins (previous_hosts rejects hosts already tried by this request), and after
 * the last rejected pick that host is used anyway. Returns the pick (or -1 when `pickOnce` has
 * nothing to offer).
 * Mirrors envoy load_balancer_impl.cc ZoneAwareLoadBalancerBase::chooseHost.
 */
export function chooseHostWithRetryPredicate(
  pickOnce: () => number,
  shouldSelectAnother: (host: number) => boolean,
  hostSelectionRetryMaxAttempts: number,
): number {
  const attempts = Math.max(0, hostSelectionRetryMaxAttempts) + 1;
  let host = -1;
  for (let i = 0; i < attempts; i++) {
    host = pickOnce();
    if (host < 0 || !shouldSelectAnother(host)) return host;
  }
  return host;
}
