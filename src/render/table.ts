import { visibleWidth, type Color, type Style } from './style.js';

/**
 * Plain column tables for terminals and CI logs: no borders, two spaces between columns, a bold
 * header when colour is on. A table never exceeds the style's width: shrinkable columns are cut
 * with `…` (down to a minimum), optional columns are dropped (lowest priority first) when cutting
 * is not enough, and as a last resort lines are cut.
 */

/** A column's header and how it may give way when the table is too wide. */
export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** May be cut with `…` to fit (labels, ids), down to `minWidth` (default 6). */
  shrink?: boolean;
  minWidth?: number;
  /** May be dropped entirely to fit (secondary figures). */
  optional?: boolean;
  /** Among optional columns, lower priorities are dropped first (default 0; ties: rightmost first). */
  priority?: number;
}

/** A table: columns and rows of already formatted cells. */
export interface TableSpec {
  columns: Column[];
  /** Cells as rendered text (may contain colour codes). A missing cell is blank. */
  rows: string[][];
  /** Spaces before every line (default 2). */
  indent?: number;
}

const GAP = 2;
const MIN_SHRUNK = 6;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Cuts text to `width` visible characters, ending with `…` when it was cut; colour is dropped from cut text. */
export function truncate(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  const plain = [...text.replace(ANSI, '')];
  if (width <= 0) return '';
  return `${plain.slice(0, width - 1).join('')}…`;
}

/** Pads to `width` visible characters. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Renders a table within `style.width` columns. */
export function renderTable(spec: TableSpec, style: Style): string {
  const indent = spec.indent ?? 2;
  let cols = spec.columns.map((c, i) => ({ ...c, index: i, width: Math.max(visibleWidth(c.header), ...spec.rows.map((r) => visibleWidth(r[i] ?? ''))) }));
  const total = () => indent + cols.reduce((a, c) => a + c.width, 0) + GAP * Math.max(0, cols.length - 1);

  // Cutting shrinkable columns (down to their minimum) is preferred to dropping optional ones;
  // optional columns go, lowest priority first, only when cutting alone cannot make the table fit.
  const minOf = (c: (typeof cols)[number]) => (c.shrink === true ? Math.min(c.width, c.minWidth ?? MIN_SHRUNK) : c.width);
  const droppable = cols.filter((c) => c.optional === true).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0) || b.index - a.index);
  for (const victim of droppable) {
    const minTotal = total() - cols.reduce((a, c) => a + c.width - minOf(c), 0);
    if (minTotal <= style.width) break;
    cols = cols.filter((c) => c !== victim);
  }
  for (let excess = total() - style.width; excess > 0; excess--) {
    const widest = cols.filter((c) => c.width > minOf(c)).sort((a, b) => b.width - a.width)[0];
    if (widest === undefined) break;
    widest.width--;
  }

  const line = (cells: string[]) =>
    (' '.repeat(indent) + cols.map((c, k) => {
      const text = truncate(cells[c.index] ?? '', c.width);
      return k === cols.length - 1 && c.align !== 'right' ? text : pad(text, c.width, c.align);
    }).join(' '.repeat(GAP))).replace(/\s+$/, '');
  const header = line(cols.map((c) => c.header).reduce<string[]>((acc, h, k) => {
    acc[cols[k]!.index] = h;
    return acc;
  }, []));
  const out = [style.color ? paintHeader(header, style) : header, ...spec.rows.map(line)];
  return out.map((l) => truncate(l, style.width)).join('\n');
}

function paintHeader(header: string, style: Style): string {
  const lead = header.length - header.trimStart().length;
  return header.slice(0, lead) + style.paint(header.slice(lead), 'bold');
}

/** A section title line (bold with colour) followed by its body. */
export function section(title: string, body: string, style: Style): string {
  return `${style.paint(truncate(title, style.width), 'bold')}\n${body}`;
}

/** Word-wraps plain text to `width` columns (a word longer than the width is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && visibleWidth(line) + 1 + visibleWidth(word) > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => truncate(l, width));
}

/** Prose within the style's width: wrapped, indented (2 spaces by default), optionally painted. */
export function paragraph(text: string, style: Style, opts: { indent?: number; color?: Color } = {}): string {
  const indent = opts.indent ?? 2;
  return wrap(text, Math.max(10, style.width - indent))
    .map((l) => ' '.repeat(indent) + (opts.color !== undefined ? style.paint(l, opts.color) : l))
    .join('\n');
}

/**
 * `key  value` lines with aligned values; a long value wraps onto indented continuation lines
 * instead of being cut (headers of reports hold descriptions, label sets and context lists).
 */
export function keyValues(rows: ReadonlyArray<readonly [string, string]>, style: Style, indent = 2): string {
  const keyWidth = Math.max(0, ...rows.map(([k]) => visibleWidth(k)));
  const valueWidth = Math.max(10, style.width - indent - keyWidth - GAP);
  const lead = ' '.repeat(indent + keyWidth + GAP);
  return rows
    .flatMap(([k, v]) => {
      const parts = visibleWidth(v) <= valueWidth ? [v] : wrap(v, valueWidth);
      return parts.map((part, i) => (i === 0 ? `${' '.repeat(indent)}${pad(k, keyWidth)}${' '.repeat(GAP)}${part}` : `${lead}${part}`));
    })
    .map((l) => truncate(l.replace(/\s+$/, ''), style.width))
    .join('\n');
}
