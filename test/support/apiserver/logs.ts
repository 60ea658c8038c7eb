/**
 * Pod logs the test controls: lines written per pod/container, read whole or followed (a follow
 * stays open until the source is ended, the pod goes away, or the server closes).
 */
import { EventEmitter } from 'node:events';

export class LogSource {
  /**
   * When set, a follow ends after this many lines although the container keeps writing: what a
   * kubelet log rotation does to `logs -f` (kubernetes#115701, #126564; the default
   * containerLogMaxSize is 10 MiB, ~3,500 k6 requests). Lines written meanwhile are still stored.
   */
  cutFollowsAfter: number | undefined;
  private readonly lines = new Map<string, string[]>();
  private readonly ended = new Set<string>();
  private readonly followed = new Set<string>();
  private readonly events = new EventEmitter();

  private key(ns: string, pod: string, container: string): string {
    return `${ns}/${pod}/${container}`;
  }

  /** Append one line (without newline). */
  write(ns: string, pod: string, container: string, line: string): void {
    const k = this.key(ns, pod, container);
    const arr = this.lines.get(k) ?? [];
    arr.push(line);
    this.lines.set(k, arr);
    this.events.emit(k, line);
  }

  /** End the log: followers see the stream close. */
  end(ns: string, pod: string, container: string): void {
    const k = this.key(ns, pod, container);
    this.ended.add(k);
    this.events.emit(`${k}#end`);
  }

  /** Lines so far, optionally only the last n. */
  read(ns: string, pod: string, container: string, tailLines?: number): string[] {
    const all = this.lines.get(this.key(ns, pod, container)) ?? [];
    return tailLines !== undefined && tailLines > 0 ? all.slice(-tailLines) : [...all];
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

  /** Subscribe to new lines and the end; returns the unsubscribe function. */
  follow(ns: string, pod: string, container: string, onLine: (l: string) => void, onEnd: () => void): () => void {
    const k = this.key(ns, pod, container);
    const cut = this.cutFollowsAfter;
    let delivered = 0;
    const lineThenCut = (l: string) => {
      if (cut !== undefined && delivered >= cut) return;
      onLine(l);
      if (cut !== undefined && ++delivered === cut) {
        this.events.off(k, lineThenCut);
        this.events.off(`${k}#end`, onEnd);
        onEnd();
      }
    };
    this.events.on(k, lineThenCut);
    this.events.once(`${k}#end`, onEnd);
    if (!this.followed.has(k)) {
      this.followed.add(k);
      this.events.emit(`${k}#follow`);
    }
    return () => {
      this.events.off(k, lineThenCut);
      this.events.off(`${k}#end`, onEnd);
    };
  }
}
