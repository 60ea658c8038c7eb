/**
 * The overall `--timeout` of `run --target kube` (issue 17: every kube command has one). The run's
 * gateways carry it as their deadline, so no API call starts, and none is waited for, past it; the
 * trial loop never sleeps past it. What happens then is the run's, not an exception's: the load is
 * stopped, the clusters are restored (with gateways that keep only their per-request limit: the
 * restore must not be cut by the limit that asked for it), what was measured is kept as an
 * incomplete result, and the command exits 4 naming the context and what it waited for.
 */
import type { Clock } from '../../app/ports.js';
import { KubeTimeoutError } from '../errors.js';
import type { Result } from '../../model/result.js';

/** When the run must end, on the driver's Clock. */
export class RunDeadline {
  readonly atMs: number;
  /** `--timeout 10 s`, for messages. */
  readonly label: string;

  /** `leftMs` from now; `givenMs` what the user gave (several scenarios share one --timeout). */
  constructor(
    private readonly clock: Clock,
    leftMs: number,
    givenMs = leftMs,
  ) {
    this.atMs = clock.now() + leftMs;
    this.label = `--timeout ${givenMs % 1000 === 0 ? givenMs / 1000 : (givenMs / 1000).toFixed(1)} s`;
  }

  /** True once the Clock reached the deadline. */
  passed(): boolean {
    return this.clock.now() >= this.atMs;
  }

  /** ms left (≤ 0 once passed). */
  leftMs(): number {
    return this.atMs - this.clock.now();
  }
}

/** True for an error that the deadline caused (a call it cut, or one it kept from starting). */
export function isDeadlineError(err: unknown): err is KubeTimeoutError {
  return err instanceof KubeTimeoutError && err.deadline;
}

/**
 * The run's --timeout ran out (exit 4). `result` is what was measured until then (restored,
 * marked incomplete), for the caller to save before reporting the error; absent when the load had
 * not started.
 */
export class RunTimeoutError extends KubeTimeoutError {
  readonly result: Result | undefined;
  constructor(message: string, result: Result | undefined, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, { ...opts, deadline: true });
    this.result = result;
  }
}
