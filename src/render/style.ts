/**
 * How rendered text may look: colour on or off and the terminal width. Renderers receive a Style
 * and return strings (k6-jslib-summary's injected `decorate`); they never look at the terminal.
 */
export type Color = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'bold' | 'dim';

export interface Style {
  color: boolean;
  /** Columns available for tables and charts. */
  width: number;
  paint(text: string, color: Color): string;
}

const ANSI: Record<Color, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
};

export function createStyle(opts: { color: boolean; width: number }): Style {
  const width = Math.max(40, Math.min(opts.width, 200));
  return {
    color: opts.color,
    width,
    paint: opts.color
      ? (text, c) => {
          const [open, close] = ANSI[c];
          return `\u001b[${open}m${text}\u001b[${close}m`;
        }
      : (text) => text,
  };
}

/** Printable width of a string, ignoring ANSI escape sequences. */
export function visibleWidth(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\u001b\[[0-9;]*m/g, '')].length;
}

export const plainStyle: Style = createStyle({ color: false, width: 100 });
