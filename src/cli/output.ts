import { createStyle, type Style } from '../render/style.js';
import type { CliDeps, GlobalOptions, Writer } from './deps.js';

/**
 * Colour is on when the output is a terminal, unless `--no-color` or `NO_COLOR` (https://no-color.org)
 * says otherwise; `FORCE_COLOR` turns it on for pipes.
 */
export function styleFor(deps: CliDeps, opts: GlobalOptions, sink: Writer = deps.stdout): Style {
  const noColor = deps.env['NO_COLOR'] !== undefined && deps.env['NO_COLOR'] !== '';
  const force = deps.env['FORCE_COLOR'] !== undefined && deps.env['FORCE_COLOR'] !== '0';
  const color = opts.color !== false && !noColor && (sink.isTTY || force);
  const envWidth = Number(deps.env['COLUMNS']);
  const width = sink.columns ?? (Number.isFinite(envWidth) && envWidth > 0 ? envWidth : 100);
  return createStyle({ color, width });
}
