/**
 * Time limits of kube calls. Every API request has a per-request limit (an API server that accepts
 * connections and never answers must not hang a command: issue 17); a command may add an overall
 * deadline (`--timeout`), after which no further call starts and the running one is abandoned.
 * Both are socket guards on real timers, as exec's bound is: the injected Clock drives the waits
 * between calls, not how long the network may take.
 */
import { KubeTimeoutError } from './errors.js';

/** Per-request limit when a command sets none (kubectl has none by default; a hung server then hangs it). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The limits one gateway applies. */
export interface KubeTimeouts {
  /** Longest wait for one API answer (or for an exec / log stream to open). */
  requestMs: number;
  /** Time on the command's Clock (ms) after which no call is started or waited for; undefined: none. */
  deadlineMs?: number;
  /** How the deadline was given, for messages (`--timeout 10s`). */
  deadlineLabel?: string;
  /**
   * Set when a call was cut by the deadline. A timer may fire a millisecond before the Clock reads
   * the deadline, so the next call must not trust the Clock alone to know the deadline has passed.
   */
  deadlinePassed?: boolean;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Where a call goes and what it does, for the message. */
export interface TimedCall {
  context: string;
  server: string;
  action: string;
}

/**
 * `work` bounded by the per-request limit, the overall deadline (`nowMs` on the same Clock) and `signal`. Rejects with
 * KubeTimeoutError (exit 4) naming the context, the server and what it waited for, or with the
 * signal's reason at once on an interrupt. `work` itself is abandoned, not cancelled: its socket
 * closes with the process or the server.
 */
export function bounded<T>(work: () => Promise<T>, t: KubeTimeouts, call: TimedCall, nowMs: number, signal?: AbortSignal, perRequest = true): Promise<T> {
  const leftMs = t.deadlineMs !== undefined ? t.deadlineMs - nowMs : Infinity;
  const where = `context '${call.context}' (${call.server})`;
  if (leftMs <= 0 || t.deadlinePassed === true) {
    return Promise.reject(new KubeTimeoutError(`${where}: ${t.deadlineLabel ?? 'the timeout'} ran out before ${call.action}`, { deadline: true }));
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  // `perRequest` false: only the deadline bounds the work (a long exec has its own bound).
  const requestMs = perRequest ? t.requestMs : Infinity;
  if (requestMs === Infinity && leftMs === Infinity) return work();
  const byDeadline = leftMs < requestMs;
  const limitMs = Math.max(1, Math.min(requestMs, leftMs));
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const timer = setTimeout(
      () =>
        finish(() => {
          if (byDeadline) t.deadlinePassed = true;
          reject(
            byDeadline
              ? new KubeTimeoutError(`${where}: ${t.deadlineLabel ?? 'the timeout'} ran out while ${call.action}`, { deadline: true })
              : new KubeTimeoutError(`${where}: no answer within ${seconds(t.requestMs)} while ${call.action}`, {
                  hint: 'The API server accepted the connection but did not answer. Check it (kubectl --context … get --raw /readyz), or give slow servers longer with --request-timeout.',
                }),
          );
        }),
      limitMs,
    );
    timer.unref?.();
    const onAbort = () => finish(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    work().then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}
