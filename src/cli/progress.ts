/**
 * Progress on stderr for long work (runs, imports, kube commands): notes are lines that stay (a step done, a warning); updates are
 * the live line — redrawn in place on a terminal, and on a pipe printed only when it changes
 * and a few seconds passed (product.md §2: "a plain line every few seconds otherwise").
 */
import type { Clock, Progress } from '../app/ports.js';

export function lineProgress(write: (text: string) => void, opts: { isTTY: boolean; clock: Clock; plainEveryMs?: number }): Progress {
  let live = false;
  let lastTtyMs = Number.NEGATIVE_INFINITY;
  let lastPlainMs = Number.NEGATIVE_INFINITY;
  let lastText = '';
  const clear = () => {
    if (live) write('\r\u001b[2K');
    live = false;
  };
  return {
    update(line) {
      if (opts.isTTY) {
        // Redraw at most ~10 times a second: trial loops update far more often.
        const now = opts.clock.now();
        if (live && now - lastTtyMs < 100) return;
        lastTtyMs = now;
        write(`\r\u001b[2K${line}`);
        live = true;
        return;
      }
      const now = opts.clock.now();
      if (line !== lastText && now - lastPlainMs >= (opts.plainEveryMs ?? 5_000)) {
        write(`${line}\n`);
        lastPlainMs = now;
        lastText = line;
      }
    },
    note(line) {
      clear();
      write(`${line}\n`);
    },
    done() {
      clear();
    },
  };
}
