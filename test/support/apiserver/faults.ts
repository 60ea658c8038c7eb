/**
 * Failure injection: answer the next N requests matching a predicate with an HTTP error (a
 * v1.Status body, optionally Retry-After), a connection reset, or `hang`: the connection is
 * accepted and the request read, and nothing is ever answered (an overloaded or wedged API server,
 * a proxy that lost its upstream) — API calls, log streams and exec upgrades alike. Hung sockets
 * are destroyed at the emulator's close().
 */
export interface RequestInfo {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
}

export type FaultKind = { status: number; reason?: string; message?: string; retryAfterS?: number } | 'reset' | 'hang';

interface Fault {
  match: (r: RequestInfo) => boolean;
  remaining: number;
  kind: FaultKind;
}

export class FaultInjector {
  private faults: Fault[] = [];
  /** How many requests were failed on purpose. */
  injected = 0;

  /** Fail the next `times` requests that `match` (default: every request). */
  inject(kind: FaultKind, opts: { times?: number; match?: (r: RequestInfo) => boolean } = {}): void {
    this.faults.push({ kind, remaining: opts.times ?? 1, match: opts.match ?? (() => true) });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault to apply to this request, if any (consumes one). */
  take(r: RequestInfo): FaultKind | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && x.match(r));
    if (f === undefined) return undefined;
    f.remaining--;
    this.injected++;
    return f.kind;
  }
}

/**
 * Exec streams cut mid-run: after `afterBytes` bytes of stdout the emulator drops the connection
 * (a TCP close, no status frame), as when the API server, the kubelet or a proxy between them loses
 * the stream. The command runs on with its output going nowhere — closing an exec stream does not
 * kill the process (client-node #2532; the kubelet's streaming server only stops copying).
 */
export class ExecCuts {
  private cuts: Array<{ match: (argv: readonly string[]) => boolean; afterBytes: number; remaining: number }> = [];
  /** How many streams were cut. */
  cut = 0;

  /** Cut the next `times` execs whose argv `match` after `afterBytes` bytes of stdout. */
  inject(opts: { afterBytes: number; times?: number; match?: (argv: readonly string[]) => boolean }): void {
    this.cuts.push({ afterBytes: opts.afterBytes, remaining: opts.times ?? 1, match: opts.match ?? (() => true) });
  }

  /** The byte count after which this exec is cut, if any (consumes one). */
  take(argv: readonly string[]): number | undefined {
    const c = this.cuts.find((x) => x.remaining > 0 && x.match(argv));
    if (c === undefined) return undefined;
    c.remaining--;
    return c.afterBytes;
  }
}
