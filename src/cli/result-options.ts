import { InvalidArgumentError } from 'commander';
import { createStyle, type Style } from '../render/style.js';

/** Option parsers and helpers shared by `report`, `compare` and `list` (pure; commander turns the errors into exit 2). */

/** Default results directory, relative to the working directory (same as `run --out`). */
export const DEFAULT_RESULTS_DIR = 'results';

/** `--width N`: columns for tables and charts, 40…200. */
export function parseWidth(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 40 || n > 200) throw new InvalidArgumentError('expected a whole number of columns between 40 and 200');
  return n;
}

/** `--alpha p`: significance level, 0 < p < 1. */
export function parseAlpha(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new InvalidArgumentError('expected a significance level between 0 and 1, e.g. 0.05');
  return n;
}

/** The style with `--width` applied when given. */
export function withWidth(style: Style, width: number | undefined): Style {
  return width === undefined ? style : createStyle({ color: style.color, width });
}
