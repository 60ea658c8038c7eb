/**
 * Bounded, jittered exponential back-off for transient API failures (429, 5xx, connection
 * resets). Time comes from the injected Clock and jitter from an injected source, so tests neither
 * sleep nor depend on Math.random (p-retry's shape, with the clock and randomness passed in).
 */
import type { Clock } from '../app/ports.js';
import { isTransientKubeError, retryAfterMs } from './translate.js';

export interface RetryPolicy {
  /** Total attempts including the first (≥ 1). */
  maxAttempts: number;
  /** Back-off ceiling before jitter for the first retry; doubles each retry. */
  baseDelayMs: number;
  /** No single wait is longer than this (also caps a server's Retry-After). */
  maxDelayMs: number;
}

/** 5 attempts, waits of about 0.25 s, 0.5 s, 1 s, 2 s (each between half and all of that). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

/**
 * Wait before retry number `retry` (0 for the first retry), "equal jitter": half of the
 * exponential step is fixed, the other half scaled by `u` ∈ [0, 1). Pure.
 */
export function backoffDelayMs(retry: number, u: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(u, 0), 1));
}

export interface RetryOptions {
  clock: Clock;
  /** Uniform draws in [0, 1) (a seeded stream in tests, crypto-seeded in the CLI). */
  jitter: () => number;
  policy?: RetryPolicy;
  /** Which failures to retry; default: {@link isTransientKubeError}. */
  isTransient?: (err: unknown) => boolean;
  /** Called before each wait (for a progress note). */
  onRetry?: (info: { retry: number; delayMs: number; err: unknown }) => void;
  signal?: AbortSignal;
}

/**
 * Run `op`, retrying transient failures with back-off; the last failure (or the first
 * non-transient one) is rethrown unchanged for the caller to translate.
 */
export async function withRetry<T>(op: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY_POLICY;
  const transient = opts.isTransient ?? isTransientKubeError;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt + 1 >= policy.maxAttempts || !transient(err) || opts.signal?.aborted) throw err;
      const serverWaitMs = retryAfterMs(err);
      const delayMs = Math.min(policy.maxDelayMs, Math.max(backoffDelayMs(attempt, opts.jitter(), policy), serverWaitMs ?? 0));
      opts.onRetry?.({ retry: attempt + 1, delayMs, err });
      await opts.clock.sleep(delayMs, opts.signal);
    }
  }
}
