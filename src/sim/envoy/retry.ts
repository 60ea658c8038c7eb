/**
 * Envoy router retry helpers: back-off between attempts and host re-selection with the
 * previous_hosts predicate.
 */
import type { Rng } from '../rng.js';

/**
 * Upper bound (exclusive, except when capped) of the back-off before retry `retryNumber` (1-based):
 * `min((2^N − 1) × base, max)`.
 */
export function retryBackoffUpperUs(retryNumber: number, baseUs: number, maxUs: number): number {
  const n = Math.max(1, Math.floor(retryNumber));
  const multiplier = n >= 52 ? Number.MAX_SAFE_INTEGER : 2 ** n - 1;
  return Math.min(multiplier * baseUs, maxUs);
}

/**
 * Fully jittered back-off before retry `retryNumber` (1-based): uniform in [0, (2^N − 1) × base),
 * capped at `maxUs` (the x-envoy-max-retries doc: 0–24 ms, 0–74 ms, 0–174 ms … with the 25 ms
 * default base and a 250 ms cap).
 * Mirrors envoy source/common/common/backoff_strategy.cc JitteredBackOffStrategy::nextBackOffMs.
 */
export function retryBackoffUs(retryNumber: number, baseUs: number, maxUs: number, rng: Rng): number {
  const n = Math.max(1, Math.floor(retryNumber));
  const multiplier = n >= 52 ? Number.MAX_SAFE_INTEGER : 2 ** n - 1;
  const span = multiplier * baseUs;
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
