import type { Writer } from './deps.js';

/**
 * Control characters from untrusted text (labels, descriptions, scenario names, file names in
 * results) must not reach the terminal raw: an ESC can retitle the window, move the cursor or
 * hide lines. Every write to stdout and stderr passes here once (main.ts), so no renderer has to
 * remember. Kept: newline, tab, exactly the colour sequences render/style.ts emits (SGR 1, 2, 22,
 * 31–36, 39, 90: no "conceal" or cursor moves) and the progress line's redraw (`CR ESC[2K`);
 * anything else in C0, DEL and C1 is written as `\xNN`.
 * JSON output is unaffected: JSON.stringify already escapes control characters.
 */
const UNSAFE = /\r\u001b\[2K|\u001b\[(?:1|2|22|3[1-6]|39|90)m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (m) => (m.length > 1 ? m : `\\x${m.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** The writer with every write escaped. */
export function safeWriter(w: Writer): Writer {
  const out: Writer = { write: (s) => w.write(escapeControl(s)), isTTY: w.isTTY };
  if (w.columns !== undefined) out.columns = w.columns;
  return out;
}
