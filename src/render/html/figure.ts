import { esc, slug } from './escape.js';
import { chartSvg, type ChartSpec } from './svg-chart.js';

/**
 * One chart as an accessible figure: the SVG (role img, named by its caption), a sentence for
 * readers who cannot see it, and the data table behind it. Table cells carry the exact number in
 * `data-value` next to the rounded text, so a test (or a script) can check the page against the
 * result JSON.
 */
export interface Figure {
  title: string;
  /** What the chart shows, in words (the text alternative). */
  summary: string;
  chart: Omit<ChartSpec, 'id'>;
  table: DataTable;
}

export interface DataTable {
  columns: string[];
  /** Each cell: [shown text, exact value or null]. */
  rows: Array<Array<[string, number | null] | string>>;
}

export function figureHtml(f: Figure): string {
  const id = slug(f.title);
  const svg = chartSvg({ ...f.chart, id }).replace('<svg ', `<svg role="img" aria-labelledby="${id}-cap" `);
  return `<figure id="${id}" data-chart="${id}">
${svg}
<figcaption id="${id}-cap"><strong>${esc(f.title)}.</strong> ${esc(f.summary)}</figcaption>
<details><summary>Data behind the chart (${f.table.rows.length} rows)</summary>
${dataTableHtml(f.table)}
</details>
</figure>`;
}

export function dataTableHtml(t: DataTable): string {
  return simpleTable(t.columns, t.rows);
}

/** A plain table of text cells (first column a row header). */
export function simpleTable(columns: string[], rows: Array<Array<string | [string, number | null]>>, numericFrom = 1): string {
  const head = columns.map((c, i) => `<th${i >= numericFrom ? ' class="num"' : ''} scope="col">${esc(c)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r
          .map((cell, i) => {
            const cls = i >= numericFrom ? ' class="num"' : '';
            if (typeof cell === 'string') return i === 0 ? `<th scope="row">${esc(cell)}</th>` : `<td${cls}>${esc(cell)}</td>`;
            return `<td${cls}${cell[1] === null ? '' : ` data-value="${cell[1]}"`}>${esc(cell[0])}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A list of facts (`dt`/`dd`). */
export function factsHtml(rows: Array<[string, string]>): string {
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

export function sectionHtml(title: string, body: string): string {
  return `<section id="${slug(title)}">\n<h2>${esc(title)}</h2>\n${body}\n</section>`;
}
