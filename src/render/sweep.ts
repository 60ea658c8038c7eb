import type { SweepView } from './sweep-view.js';
import { formatMeasure } from './sweep-view.js';
import { formatCount } from './format.js';
import type { Style } from './style.js';
import { paragraph, renderTable, section, type Column } from './table.js';

/**
 * `meshbench sweep` in the terminal: a table of every cell (varying settings, measures, pass mark),
 * or with two varying dimensions one heatmap-like grid per measure. ✓ marks a cell where every
 * threshold of the scenario held; ✗ one where a threshold failed.
 */
export function renderSweep(view: SweepView, style: Style): string {
  const s = view.set;
  const mark = (pass: boolean) => (style.color ? (pass ? style.paint('✓', 'green') : style.paint('✗', 'red')) : pass ? '✓' : '✗');
  const head = paragraph(
    `${style.paint(`sweep ${s.scenario}`, 'bold')} · ${formatCount(s.cells.length)} cells × ${formatCount(s.repeat)} trial${s.repeat === 1 ? '' : 's'} · seed ${s.seed}` +
      (view.fixed.length > 0 ? ` · fixed ${view.fixed.join(' ')}` : ''),
    style,
    { indent: 0 },
  );
  const parts = [head];
  if (view.grids !== null) {
    for (const g of view.grids) {
      const columns: Column[] = [{ header: `${g.rowPath} \\ ${g.colPath}`, shrink: true }, ...g.colValues.map((v) => ({ header: v, align: 'right' as const }))];
      const rows = g.rowValues.map((rv, i) => [rv, ...g.cells[i]!.map((c) => (c === null ? '-' : `${formatMeasure(g.measure, c.measures[g.measure.path])} ${mark(c.pass)}`))]);
      parts.push(section(g.measure.path, renderTable({ columns, rows }, style), style));
    }
  } else {
    const dims = view.varying.map((i) => s.dimensions[i]!);
    const columns: Column[] = [...dims.map((d) => ({ header: d.path.split('.').at(-1) ?? d.path })), ...s.measures.map((m) => ({ header: m.path, align: 'right' as const })), { header: 'thresholds' }];
    const rows = s.cells.map((c) => [...view.varying.map((i) => c.values[i]!), ...s.measures.map((m) => formatMeasure(m, c.measures[m.path])), `${mark(c.pass)} ${c.thresholds.filter((t) => t.ok).length}/${c.thresholds.length}`]);
    parts.push(renderTable({ columns, rows }, style));
  }
  const passing = s.cells.filter((c) => c.pass).length;
  parts.push(paragraph(`${passing} of ${s.cells.length} cells pass every threshold (✓). Each cell is a stored result labelled sweep=${s.id}.`, style, { indent: 0 }));
  return `${parts.join('\n\n')}\n`;
}
