import { plot } from 'asciichart';
import { visibleWidth, type Color, type Style } from './style.js';

/**
 * Line charts drawn with asciichart, plus what asciichart lacks: an x axis with ticks, event
 * markers (`^fault` under the column where it happened, a dotted line through the plot), a log y
 * scale, and overlays whose lines stay distinguishable without colour (each line has its own glyph
 * set: ─ ━ ═ ┄ ·, named in the legend). Each line is plotted on its own with the same y range and
 * the grids are merged, so colour comes from Style.paint, never from asciichart.
 */

/** One named line of a chart. */
export interface ChartLine {
  name: string;
  /** One value per plot column (`chartColumns(style)` of them). Non-finite values repeat the previous one. */
  values: number[];
}

/** A chart: lines sharing one y range, x-axis ticks and event markers (columns are plot columns). */
export interface ChartSpec {
  lines: ChartLine[];
  /** Rows of the plot area minus one. */
  height: number;
  /** Y range in data units (positive when `yLog`). */
  min: number;
  max: number;
  /** Plot log10 of the values; labels still show data units. */
  yLog?: boolean;
  /** Y label text (at most CHART_LABEL_WIDTH characters). */
  yFormat: (v: number) => string;
  xTicks: Array<{ col: number; label: string }>;
  markers?: Array<{ col: number; label: string }>;
  /** Show the legend even for a single line. */
  legend?: boolean;
}

/** Width of the y labels. */
export const CHART_LABEL_WIDTH = 8;
const INDENT = '  ';

/** asciichart symbol sets: axis ┼ ┤, ends ╶ ╴, then the line: horizontal, four corners, vertical. */
const GLYPHS: Array<[string, string, string, string, string, string, string, string, string, string]> = [
  ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'],
  ['┼', '┤', '╶', '╴', '━', '┗', '┏', '┓', '┛', '┃'],
  ['┼', '┤', '╶', '╴', '═', '╚', '╔', '╗', '╝', '║'],
  ['┼', '┤', '╶', '╴', '┄', '╰', '╭', '╮', '╯', '┆'],
  ['┼', '┤', '╶', '╴', '·', '·', '·', '·', '·', ':'],
];
const COLORS: Color[] = ['cyan', 'magenta', 'yellow', 'green', 'blue'];

/** Number of plot columns a chart has at this width. */
export function chartColumns(style: Style): number {
  return Math.max(10, style.width - INDENT.length - CHART_LABEL_WIDTH - 2);
}

/** The glyph that stands for line `i` in legends (its horizontal stroke). */
export function lineGlyph(i: number): string {
  return (GLYPHS[i % GLYPHS.length] as string[])[4] as string;
}

function finite(values: readonly number[], fallback: number): number[] {
  let prev = fallback;
  return values.map((v) => (Number.isFinite(v) ? (prev = v) : prev));
}

/** Renders the chart; every line is at most `style.width` characters. */
export function renderChart(spec: ChartSpec, style: Style): string {
  const columns = Math.max(1, ...spec.lines.map((l) => l.values.length));
  const scale = (v: number) => (spec.yLog === true ? Math.log10(Math.max(v, spec.min)) : v);
  const lo = scale(spec.min);
  const hi = Math.max(scale(spec.max), lo + 1e-9);
  const format = (x: number) => spec.yFormat(spec.yLog === true ? 10 ** x : x).padStart(CHART_LABEL_WIDTH).slice(-CHART_LABEL_WIDTH);
  const prefix = CHART_LABEL_WIDTH + 2;

  const grids = spec.lines.map((line, k) => {
    const vals = finite(line.values, spec.min).map(scale);
    // asciichart draws value i+1 in column i: repeat the first value so column c shows values[c].
    const text = plot([vals[0] ?? lo, ...vals], { min: lo, max: hi, height: spec.height, offset: 3, format, symbols: GLYPHS[k % GLYPHS.length] });
    const rows = text.split('\n').map((row) => [...row].slice(0, prefix + columns));
    // asciichart has no gaps: columns without a measured value were drawn at the carried value
    // above, and are blanked here so an empty bucket shows as nothing, not as a figure.
    line.values.forEach((v, c) => {
      if (Number.isFinite(v)) return;
      for (const row of rows) if (prefix + c < row.length) row[prefix + c] = ' ';
    });
    return rows;
  });
  const base = grids[0] ?? [];
  const owner: number[][] = base.map((row) => row.map(() => -1));
  for (let k = 0; k < grids.length; k++) {
    grids[k]!.forEach((row, r) => {
      for (let c = prefix; c < row.length; c++) {
        if (row[c] !== ' ') {
          base[r]![c] = row[c]!;
          owner[r]![c] = k;
        }
      }
    });
  }
  for (const m of spec.markers ?? []) {
    const c = prefix + m.col;
    for (let r = 0; r < base.length; r++) {
      if (c < (base[r]?.length ?? 0) && base[r]![c] === ' ') {
        base[r]![c] = '┊';
        owner[r]![c] = -2;
      }
    }
  }
  const rows = base.map((row, r) => INDENT + paintRuns(row, owner[r]!, style).replace(/\s+$/, ''));

  const axis = [...'─'.repeat(columns)];
  for (const t of spec.xTicks) if (t.col >= 0 && t.col < columns) axis[t.col] = '┬';
  rows.push(`${INDENT}${' '.repeat(CHART_LABEL_WIDTH + 1)}└${axis.join('')}`);
  rows.push(...placeLabels(spec.xTicks, columns, prefix, '', false));
  rows.push(...placeLabels(spec.markers ?? [], columns, prefix, '^', true).map((l) => (style.color ? l.replace(/\^\S+/g, (m) => style.paint(m, 'yellow')) : l)));
  if (spec.lines.length > 1 || spec.legend === true) rows.push(legend(spec.lines, style));
  return rows.map((l) => (visibleWidth(l) > style.width ? cut(l, style.width) : l)).join('\n');
}

/**
 * Labels at columns without overlap: ticks that collide are skipped; markers that collide move to
 * another row (every marker is shown). A label that would run past the right edge ends there.
 */
function placeLabels(items: ReadonlyArray<{ col: number; label: string }>, columns: number, prefix: number, mark: string, stack: boolean): string[] {
  const rows: string[][] = [];
  const width = prefix + columns;
  for (const item of [...items].sort((a, b) => a.col - b.col)) {
    const text = `${mark}${item.label}`;
    let start = prefix + Math.max(0, Math.min(item.col, columns - 1));
    if (start + text.length > width) start = Math.max(prefix, width - text.length);
    const fits = (row: string[]) => row.slice(Math.max(0, start - 1), start + text.length + 1).every((ch) => ch === ' ');
    let row = rows.find(fits);
    if (row === undefined) {
      if (!stack && rows.length > 0) continue;
      row = new Array<string>(width).fill(' ');
      rows.push(row);
    }
    [...text].forEach((ch, i) => {
      if (start + i < width) row[start + i] = ch;
    });
  }
  return rows.map((r) => INDENT + r.join('').replace(/\s+$/, ''));
}

/** Joins a grid row, painting each run of cells that belongs to one line (or a marker) in one go. */
function paintRuns(row: readonly string[], owners: readonly number[], style: Style): string {
  let out = '';
  let c = 0;
  while (c < row.length) {
    const k = owners[c]!;
    let end = c + 1;
    while (end < row.length && owners[end] === k) end++;
    const text = row.slice(c, end).join('');
    out += k === -2 ? style.paint(text, 'dim') : k >= 0 ? style.paint(text, COLORS[k % COLORS.length]!) : text;
    c = end;
  }
  return out;
}

function legend(lines: readonly ChartLine[], style: Style): string {
  return `${INDENT}${' '.repeat(CHART_LABEL_WIDTH + 2)}${lines.map((l, k) => `${style.paint(lineGlyph(k).repeat(2), COLORS[k % COLORS.length]!)} ${l.name}`).join('   ')}`;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function cut(line: string, width: number): string {
  return [...line.replace(ANSI, '')].slice(0, width).join('');
}
