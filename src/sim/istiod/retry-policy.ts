/**
 * The HTTP retry policy istiod puts on outbound routes.
 */
import type { IstioProfile } from '../istio-profile.js';
import type { RetryPolicy } from '../xds-types.js';

/** Envoy router defaults Istio leaves in place: base 25 ms, max 10 × base. */
export const ENVOY_RETRY_BACKOFF_BASE_US = 25_000;
export const ENVOY_RETRY_BACKOFF_MAX_US = 250_000;

/** Route timeout Istio sets when the VirtualService has none: 0 = disabled (route.go setTimeout). */
export const DEFAULT_ROUTE_TIMEOUT_US = 0;

/** `retry_on` of Istio's default policy (retry.go defaultPolicy; `resource-exhausted` dropped in 2020). */
export const DEFAULT_RETRY_ON: readonly string[] = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'];

/** VirtualService `HTTPRetry` (istio/api networking/v1alpha3/virtual_service.proto), the modelled fields. */
export interface HttpRetry {
  attempts?: number;
  /** Comma-separated Envoy conditions and/or status codes, e.g. `gateway-error,503`. */
  retryOn?: string;
}

/**
 * Istio's default retry policy: 2 retries, retry_on connect-failure,refused-stream,unavailable,
 * cancelled,retriable-status-codes; retriable status 503 only up to 1.23
 * (EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY from 1.24); previous_hosts predicate (omitted with
 * consistent hashing); host_selection_retry_max_attempts 5; Envoy back-off defaults.
 * Mirrors istio pilot/pkg/networking/core/route/retry/retry.go DefaultPolicy / DefaultConsistentHashPolicy.
 */
export function defaultRetryPolicy(profile: IstioProfile, opts: { consistentHash?: boolean } = {}): RetryPolicy {
  return {
    numRetries: 2,
    retryOn: [...DEFAULT_RETRY_ON],
    retriableStatusCodes: profile.retries503 ? [503] : [],
    previousHosts: opts.consistentHash !== true,
    hostSelectionRetryMaxAttempts: profile.hostSelectionRetryMaxAttempts,
    backoffBaseUs: ENVOY_RETRY_BACKOFF_BASE_US,
    backoffMaxUs: ENVOY_RETRY_BACKOFF_MAX_US,
  };
}

/**
 * Convert a VirtualService route's `retries`: absent → the default policy; `attempts <= 0` → no
 * retry policy (null); otherwise the default with `numRetries = attempts` and, when `retryOn` is
 * given, conditions and status codes parsed from it (codes replace the default codes;
 * `retriable-status-codes` is appended when codes are present but the condition is not).
 * Mirrors istio retry.go ConvertPolicy.
 */
export function convertRetryPolicy(
  retries: HttpRetry | null | undefined,
  profile: IstioProfile,
  opts: { consistentHash?: boolean } = {},
): RetryPolicy | null {
  const out = defaultRetryPolicy(profile, opts);
  if (retries === null || retries === undefined) return out;
  if ((retries.attempts ?? 0) <= 0) return null;
  out.numRetries = retries.attempts ?? 0;
  if (retries.retryOn !== undefined && retries.retryOn !== '') {
    const parsed = parseRetryOn(retries.retryOn);
    out.retryOn = parsed.conditions;
    out.retriableStatusCodes = parsed.statusCodes;
    if (parsed.statusCodes.length > 0 && !parsed.conditions.join(',').includes('retriable-status-codes')) {
      out.retryOn.push('retriable-status-codes');
    }
  }
  return out;
}

/**
 * Split `retryOn` into Envoy conditions and HTTP status codes (integers Go's http.StatusText knows).
 * Mirrors istio retry.go parseRetryOn.
 */
export function parseRetryOn(retryOn: string): { conditions: string[]; statusCodes: number[] } {
  const conditions: string[] = [];
  const statusCodes: number[] = [];
  for (const raw of retryOn.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const n = /^[+-]?\d+$/.test(part) ? Number(part) : Number.NaN;
    if (Number.isInteger(n) && isKnownHttpStatus(n)) statusCodes.push(n);
    else conditions.push(part);
  }
  return { conditions, statusCodes };
}

/** Status codes with a Go `http.StatusText` (net/http status.go). */
function isKnownHttpStatus(code: number): boolean {
  return (
    (code >= 100 && code <= 103) ||
    (code >= 200 && code <= 208) ||
    code === 226 ||
    (code >= 300 && code <= 308 && code !== 306) ||
    (code >= 400 && code <= 418) ||
    (code >= 421 && code <= 426) ||
    code === 428 ||
    code === 429 ||
    code === 431 ||
    code === 451 ||
    (code >= 500 && code <= 508) ||
    code === 510 ||
    code === 511
  );
}
