/**
 * Pod logs the test controls, kept as the kubelet keeps them: each line with the time the runtime
 * received it (CRI log format, pkg/kubelet/kuberuntime/logs/logs.go parseCRILog), in a current
 * file that is rotated past a size limit (pkg/kubelet/logs/container_log_manager.go rotateLatestLog:
 * the file is renamed, a new one started; `containerLogMaxSize` defaults to 10Mi,
 * pkg/kubelet/apis/config/v1beta1/defaults.go). Reads and follows serve the current file only
 * (ReadLogs opens the container's log path: rotated files are never served), filtered by
 * `sinceTime`. A follow stays open until the source is ended, the pod goes away, the server
 * closes — or the log rotates: `logs -f` stops there (kubernetes#115701, #126564).
 */
import { EventEmitter } from 'node:events';

/** One stored line: its text and the runtime's receive time (epoch ns). */
export interface LogEntry {
  text: string;
  atNs: bigint;
}

/** Go's time.RFC3339Nano: nanoseconds with trailing zeros trimmed (none at all on a whole second). */
export function rfc3339Nano(atNs: bigint): string {
  const ms = Number(atNs / 1_000_000n);
  const frac = String(atNs % 1_000_000_000n).padStart(9, '0').replace(/0+$/, '');
  return `${new Date(ms).toISOString().slice(0, 19)}${frac === '' ? '' : `.${frac}`}Z`;
}

/** An RFC3339 time (fraction optional) → epoch ns; undefined when it is not one. */
export function parseRfc3339Ns(text: string): bigint | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const s = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(s)) return undefined;
  return BigInt(s) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

interface ContainerLog {
  /** The current file (what reads and follows serve). */
  current: LogEntry[];
  currentBytes: number;
  /** Rotations so far. */
  rotations: number;
}

export class LogSource {
  /**
   * When set, a follow ends after this many lines although the container keeps writing and the
   * lines stay in the file: a stream the API server or client-node closed early.
   */
  cutFollowsAfter: number | undefined;
  /**
   * When set, the current file is rotated once a write takes it to this many bytes (line + newline +
   * the CRI prefix, as the kubelet counts the file): followers are cut, the lines before are no
   * longer served. Unset: never (the default 10 MiB is never reached by a test).
   */
  rotateAtBytes: number | undefined;
  /** The runtime's clock (epoch ms, fractional allowed); default the real one. */
  now: () => number = () => Date.now();
  private readonly logs = new Map<string, ContainerLog>();
  private readonly ended = new Set<string>();
  private readonly followed = new Set<string>();
  private readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(0);
  }

  private key(ns: string, pod: string, container: string): string {
    return `${ns}/${pod}/${container}`;
  }

  private log(k: string): ContainerLog {
    let l = this.logs.get(k);
    if (l === undefined) {
      l = { current: [], currentBytes: 0, rotations: 0 };
      this.logs.set(k, l);
    }
    return l;
  }

  /** Append one line (without newline). */
  write(ns: string, pod: string, container: string, line: string): void {
    const k = this.key(ns, pod, container);
    const l = this.log(k);
    const entry: LogEntry = { text: line, atNs: BigInt(Math.round(this.now() * 1e6)) };
    l.current.push(entry);
    // CRI line: `<RFC3339Nano> stdout F <text>\n`.
    l.currentBytes += Buffer.byteLength(line) + rfc3339Nano(entry.atNs).length + 11;
    this.events.emit(k, entry);
    if (this.rotateAtBytes !== undefined && l.currentBytes >= this.rotateAtBytes) {
      l.current = [];
      l.currentBytes = 0;
      l.rotations++;
      this.events.emit(`${k}#rotate`);
    }
  }

  /** Rotations of a container's log so far. */
  rotations(ns: string, pod: string, container: string): number {
    return this.logs.get(this.key(ns, pod, container))?.rotations ?? 0;
  }

  /** End the log: followers see the stream close. */
  end(ns: string, pod: string, container: string): void {
    const k = this.key(ns, pod, container);
    this.ended.add(k);
    this.events.emit(`${k}#end`);
  }

  /** Lines of the current file, optionally only the last n. */
  read(ns: string, pod: string, container: string, tailLines?: number): string[] {
    return this.entries(ns, pod, container, tailLines).map((e) => e.text);
  }

  /** Entries of the current file at or after `sinceNs`, then optionally only the last n. */
  entries(ns: string, pod: string, container: string, tailLines?: number, sinceNs?: bigint): LogEntry[] {
    const all = (this.logs.get(this.key(ns, pod, container))?.current ?? []).filter((e) => sinceNs === undefined || e.atNs >= sinceNs);
    return tailLines !== undefined && tailLines > 0 ? all.slice(-tailLines) : all;
  }

  isEnded(ns: string, pod: string, container: string): boolean {
    return this.ended.has(this.key(ns, pod, container));
  }

  /** Calls `fn` once the log of that container is first followed (at once if it already was). */
  whenFollowed(ns: string, pod: string, container: string, fn: () => void): void {
    const k = this.key(ns, pod, container);
    if (this.followed.has(k)) fn();
    else this.events.once(`${k}#follow`, fn);
  }

  /** Subscribe to new lines and the end (or cut); returns the unsubscribe function. */
  follow(ns: string, pod: string, container: string, onLine: (e: LogEntry) => void, onEnd: () => void): () => void {
    const k = this.key(ns, pod, container);
    const cut = this.cutFollowsAfter;
    let delivered = 0;
    const stop = () => {
      this.events.off(k, lineThenCut);
      this.events.off(`${k}#end`, end);
      this.events.off(`${k}#rotate`, end);
    };
    const end = () => {
      stop();
      onEnd();
    };
    const lineThenCut = (e: LogEntry) => {
      onLine(e);
      if (cut !== undefined && ++delivered === cut) end();
    };
    this.events.on(k, lineThenCut);
    this.events.once(`${k}#end`, end);
    this.events.once(`${k}#rotate`, end);
    if (!this.followed.has(k)) {
      this.followed.add(k);
      this.events.emit(`${k}#follow`);
    }
    return stop;
  }
}
