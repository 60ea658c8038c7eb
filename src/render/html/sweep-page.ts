import type { SweepView } from '../sweep-view.js';
import { formatMeasure } from '../sweep-view.js';
import { formatCount } from '../format.js';
import { esc } from './escape.js';
import { sectionHtml, simpleTable } from './figure.js';
import { htmlPage } from './page.js';

/**
 * `sweep --html`: the terminal's table (or grids) as a page. A grid cell is shaded by its value
 * within the measure's range (darker = higher), so the grid reads as a heatmap, and carries the
 * exact value and its pass mark in text: the colour is never the only carrier.
 */
export function renderSweepHtml(view: SweepView, generator: string): string {
  const s = view.set;
  const mark = (pass: boolean) => (pass ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>');
  const head = `<header><h1>Sweep <span class="muted">· ${esc(s.scenario)} · ${formatCount(s.cells.length)} cells × ${formatCount(s.repeat)} trial${s.repeat === 1 ? '' : 's'} · seed ${s.seed}</span></h1>${
    view.fixed.length > 0 ? `<p>Fixed: ${esc(view.fixed.join(' '))}</p>` : ''
  }<p>✓: every threshold of the scenario held in the cell; ✗: one failed. Each cell is a stored result labelled <code>sweep=${esc(s.id)}</code>.</p></header>`;
  const parts = [head];
  if (view.grids !== null) {
    for (const g of view.grids) {
      const values = g.cells.flat().map((c) => c?.measures[g.measure.path]).filter((v): v is number => typeof v === 'number');
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const shade = (v: number | null | undefined) => (typeof v !== 'number' || hi === lo ? 0 : (v - lo) / (hi - lo));
      const rows = g.rowValues
        .map((rv, i) => `<tr><th scope="row">${esc(rv)}</th>${g.cells[i]!.map((c) => {
          if (c === null) return '<td class="heat">-</td>';
          const v = c.measures[g.measure.path];
          const a = Math.round(10 + 50 * shade(v));
          return `<td class="heat" style="background:color-mix(in srgb, #d55e00 ${a}%, transparent)"${typeof v === 'number' ? ` data-value="${v}"` : ''}>${esc(formatMeasure(g.measure, v))} ${mark(c.pass)}</td>`;
        }).join('')}</tr>`)
        .join('\n');
      const table = `<div class="scroll"><table data-measure="${esc(g.measure.path)}"><thead><tr><th scope="col">${esc(g.rowPath)} \\ ${esc(g.colPath)}</th>${g.colValues.map((v) => `<th scope="col" class="num">${esc(v)}</th>`).join('')}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
      parts.push(sectionHtml(g.measure.path, table));
    }
  } else {
    const rows = s.cells.map((c) => [
      ...view.varying.map((i) => c.values[i]!),
      ...s.measures.map((m): [string, number | null] => [formatMeasure(m, c.measures[m.path]), c.measures[m.path] ?? null]),
      `${c.pass ? '✓' : '✗'} ${c.thresholds.filter((t) => t.ok).length}/${c.thresholds.length}`,
    ]);
    parts.push(sectionHtml('Cells', simpleTable([...view.varying.map((i) => s.dimensions[i]!.path), ...s.measures.map((m) => m.path), 'thresholds'], rows, view.varying.length)));
  }
  return htmlPage(`Sweep · ${s.scenario} · ${s.id}`, parts.join('\n'), generator);
}
