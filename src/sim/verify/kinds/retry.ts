/**
 * retry_policy / retry_backoff: Istio's route retry policy and Envoy's jittered back-off.
 */
import { retryBackoffUpperUs, retryBackoffUs } from '../../envoy/retry.js';
import { convertRetryPolicy, DEFAULT_ROUTE_TIMEOUT_US, type HttpRetry } from '../../istiod/retry-policy.js';
import { createRng } from '../../rng.js';
import type { RetryPolicy } from '../../xds-types.js';
import type { AdapterContext } from '../context.js';
import { ShapeError, type Fields } from '../fields.js';

const PREVIOUS_HOSTS = 'envoy.retry_host_predicates.previous_hosts';

/** The policy in the vectors' Envoy field names. */
function view(p: RetryPolicy): Record<string, unknown> {
  return {
    num_retries: p.numRetries,
    retry_on: p.retryOn.join(','),
    retriable_status_codes: p.retriableStatusCodes,
    retry_host_predicate: p.previousHosts ? [PREVIOUS_HOSTS] : [],
    host_selection_retry_max_attempts: p.hostSelectionRetryMaxAttempts,
    retry_priority: null,
    route_timeout_s: DEFAULT_ROUTE_TIMEOUT_US / 1_000_000,
    backoff_base_ms: p.backoffBaseUs / 1000,
    backoff_max_ms: p.backoffMaxUs / 1000,
  };
}

function readRetry(f: Fields): HttpRetry {
  const r: HttpRetry = {};
  const attempts = f.num('attempts');
  if (attempts !== undefined) r.attempts = attempts;
  const retryOn = f.str('retryOn') ?? f.str('retry_on');
  if (retryOn !== undefined) r.retryOn = retryOn;
  return r;
}

function compare(ctx: AdapterContext, prefix: string, want: Fields, policy: RetryPolicy | null): void {
  if (want.has('retry_policy') && want.raw('retry_policy') === null) {
    ctx.check(`${prefix}retry_policy`, null, policy === null ? null : view(policy));
  }
  if (policy === null) {
    for (const k of want.keys()) if (k !== 'retry_policy') ctx.check(`${prefix}${k}`, want.raw(k), null);
    return;
  }
  const v = view(policy);
  for (const k of want.keys()) {
    if (k === 'retry_policy') continue;
    if (!(k in v)) throw new ShapeError(`${want.path}.${k} names no retry policy field`);
    ctx.check(`${prefix}${k}`, want.raw(k), v[k]);
  }
}

export function retryPolicyAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const consistentHash = input.bool('consistent_hash') ?? false;
  if (input.has('cases')) {
    const cases = input.list('cases') ?? [];
    const results = expected.list('results');
    if (results === undefined || results.length !== cases.length) throw new ShapeError('expected.results must have one entry per input case');
    cases.forEach((c, i) => {
      const policy = convertRetryPolicy(readRetry(input.child(c, `input.cases[${i}]`)), ctx.profile, { consistentHash });
      compare(ctx, `results[${i}].`, expected.child(results[i], `expected.results[${i}]`), policy);
    });
    return;
  }
  const key = input.has('virtual_service_retries') ? 'virtual_service_retries' : 'retries';
  const raw = input.raw(key);
  const retries = raw === null || raw === undefined ? null : readRetry(input.child(raw, `input.${key}`));
  compare(ctx, '', expected, convertRetryPolicy(retries, ctx.profile, { consistentHash }));
}

export function retryBackoffAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  expected.consume('doc_table_value');
  const baseMs = input.numOr('base_interval_ms', 25);
  const maxMs = input.numOr('max_interval_ms', baseMs * 10);
  const raw = input.raw('retry_number');
  const numbers = Array.isArray(raw) ? raw : [raw];
  if (!numbers.every((n) => typeof n === 'number' && n >= 1)) throw new ShapeError('input.retry_number must be retry numbers ≥ 1');
  const ranges = (numbers as number[]).map((n) => [0, retryBackoffUpperUs(n, baseMs * 1000, maxMs * 1000) / 1000]);
  if (expected.has('backoff_range_ms')) ctx.check('backoff_range_ms', expected.raw('backoff_range_ms'), Array.isArray(raw) ? ranges : ranges[0]);
  // The sampler must stay inside the bound and reach close to it.
  const rng = createRng('retry-backoff-vector');
  (numbers as number[]).forEach((n, i) => {
    const upperUs = (ranges[i]?.[1] ?? 0) * 1000;
    let maxSeen = 0;
    let inside = true;
    for (let s = 0; s < 2000; s++) {
      const b = retryBackoffUs(n, baseMs * 1000, maxMs * 1000, rng);
      if (b < 0 || b > upperUs) inside = false;
      maxSeen = Math.max(maxSeen, b);
    }
    ctx.assert(`samples for retry ${n}`, inside && maxSeen >= upperUs * 0.95, `within [0, ${upperUs / 1000}] ms and reaching it`, `max ${maxSeen / 1000} ms`);
  });
}
