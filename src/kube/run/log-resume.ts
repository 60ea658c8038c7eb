/**
 * Lossless reading of a container log across cut follows (issue 13, item 4). `logs -f` ends when
 * the kubelet rotates the log (kubernetes#115701, #126564; default containerLogMaxSize 10Mi, about
 * 3,500 k6 requests) and client-node's follow can close early. The log itself is still there: the
 * follow is reopened with `sinceTime` and every line comes with the kubelet's receive time
 * (`timestamps=true`). `sinceTime` is a whole second (metav1.Time is serialised at second
 * precision, apimachinery pkg/apis/meta/v1/time.go MarshalQueryParameter), so the reopened stream
 * repeats the lines already read in that second: they are dropped by their exact key — receive
 * time (ns) and text, counted, so two identical lines at the same instant both survive.
 *
 * What cannot be recovered this way: lines of a file the kubelet rotated away before the follow
 * was reopened (it serves the current file only, pkg/kubelet/kuberuntime/logs/logs.go ReadLogs).
 * The generator's own count of what it sent then exceeds what arrived, and the result stays
 * marked incomplete.
 *
 * Why not k6's `--out json=<file>` copied out at the end over exec (as `kubectl cp` does): the k6
 * container has exited by then (a Job's pod completes; with a native sidecar nothing is left
 * running to exec into), so it would need a wrapper keeping the container alive, a shell in the k6
 * image and a longer Job; the log is already kept by the kubelet, with times.
 */
import { parseRfc3339 } from '../../ingest/rfc3339.js';

/** A whole-second RFC3339 time (`2026-11-23T21:45:02Z`) from epoch seconds. */
export function rfc3339Second(epochS: number): string {
  return `${new Date(epochS * 1000).toISOString().slice(0, 19)}Z`;
}

/** De-duplicates the lines of a log read by several follows, each from the previous one's last second. */
export class LogResume {
  /** Epoch second of the latest stamped line. */
  private lastS: number | undefined;
  /** Lines (with their stamps) of that second, counted. */
  private recent = new Map<string, number>();
  /** Lines a reopened follow will repeat, until each was seen again. */
  private replay: Map<string, number> | undefined;
  /** Follows reopened so far. */
  resumes = 0;

  /**
   * The text of a stamped line (`<RFC3339Nano> <text>`) when it is new, undefined when it repeats
   * one already read. A line without a stamp passes as it is.
   */
  accept(stamped: string): string | undefined {
    const sp = stamped.indexOf(' ');
    const at = sp > 0 ? parseRfc3339(stamped.slice(0, sp)) : null;
    if (at === null) return stamped;
    const seen = this.replay?.get(stamped);
    if (seen !== undefined) {
      if (seen <= 1) this.replay?.delete(stamped);
      else this.replay?.set(stamped, seen - 1);
      return undefined;
    }
    if (this.lastS === undefined || at.epochS > this.lastS) {
      this.lastS = at.epochS;
      this.recent = new Map();
    }
    if (at.epochS === this.lastS) this.recent.set(stamped, (this.recent.get(stamped) ?? 0) + 1);
    return stamped.slice(sp + 1);
  }

  /**
   * Prepares the next follow: returns its `sinceTime` (undefined when no stamped line was read yet:
   * read from the start), and expects the lines of that second again.
   */
  resume(): string | undefined {
    this.resumes++;
    if (this.lastS === undefined) return undefined;
    this.replay = new Map(this.recent);
    return rfc3339Second(this.lastS);
  }
}
