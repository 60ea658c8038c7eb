import { describe, expect, it } from 'vitest';
import { chartColumns, renderChart } from '../../src/render/chart.js';
import { createStyle, visibleWidth } from '../../src/render/style.js';

const style = createStyle({ color: false, width: 60 });

function stepChart(width = 60, color = false) {
  const s = createStyle({ color, width });
  const n = chartColumns(s);
  const v1 = Array.from({ length: n }, (_, i) => (i < n / 3 || i > (2 * n) / 3 ? 1 : 0));
  return renderChart(
    {
      lines: [{ name: 'v1', values: v1 }, { name: 'v2', values: v1.map((x) => 1 - x) }],
      height: 4,
      min: 0,
      max: 1,
      yFormat: (x) => `${Math.round(x * 100)}%`,
      xTicks: [{ col: 0, label: '0s' }, { col: Math.floor(n / 3), label: '20s' }],
      markers: [{ col: Math.floor(n / 3), label: 'fault' }, { col: Math.floor((2 * n) / 3), label: 'restore' }],
    },
    s,
  );
}

describe('renderChart', () => {
  it('has one plot column per value and stays within the width', () => {
    const out = stepChart();
    for (const line of out.split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(60);
    expect(chartColumns(style)).toBe(60 - 2 - 8 - 2);
  });

  it('draws columns without a value as a gap, not at 100% or a carried value (issue 17)', () => {
    const n = chartColumns(style);
    const values = Array.from({ length: n }, (_, i) => (i >= 10 && i < 20 ? Number.NaN : 1));
    const out = renderChart({ lines: [{ name: 'v1', values }], height: 4, min: 0, max: 1, yFormat: (x) => `${Math.round(x * 100)}%`, xTicks: [] }, style);
    const plotRows = out.split('\n').slice(0, 5);
    const prefix = [...plotRows[0]!].indexOf('┼') + 1; // the first plot column follows the y axis
    for (const row of plotRows) {
      const cells = [...row];
      for (let c = 10; c < 20; c++) expect(cells[prefix + c] ?? ' ').toBe(' ');
    }
    // The measured columns are still drawn, on the top row (100%).
    expect([...plotRows[0]!].slice(prefix + 20, prefix + 30).join('')).toMatch(/[^ ]/);
  });

  it('puts event markers under the column where they happened', () => {
    const lines = stepChart().split('\n');
    const axis = lines.find((l) => l.includes('└'))!;
    const markerRow = lines.find((l) => l.includes('^fault'))!;
    const originCol = axis.indexOf('└') + 1;
    expect(markerRow.indexOf('^fault') - originCol).toBe(Math.floor(chartColumns(style) / 3));
    expect(markerRow).toContain('^restore');
    // The dotted marker line runs through empty plot cells in the marker's column.
    expect(lines.some((l) => l[markerRow.indexOf('^restore')] === '┊')).toBe(true);
  });

  it('gives each line its own glyphs and names them in the legend, so it reads without colour', () => {
    const out = stepChart();
    expect(out).toContain('─');
    expect(out).toContain('━');
    expect(out).toMatch(/── v1 {3}━━ v2/);
    expect(out).not.toContain('\u001b[');
  });

  it('paints lines when colour is on', () => {
    const out = stepChart(60, true);
    expect(out).toContain('\u001b[36m');
    expect(out).toContain('\u001b[35m');
  });

  it('skips ticks that would overlap and stacks markers that would', () => {
    const s = createStyle({ color: false, width: 60 });
    const out = renderChart(
      {
        lines: [{ name: 'x', values: new Array<number>(chartColumns(s)).fill(1) }],
        height: 2,
        min: 0,
        max: 2,
        yFormat: String,
        xTicks: [{ col: 0, label: '0s' }, { col: 1, label: '1s' }, { col: 20, label: '20s' }],
        markers: [{ col: 10, label: 'fault' }, { col: 12, label: 'restore' }],
      },
      s,
    );
    expect(out).not.toContain('1s');
    expect(out).toContain('20s');
    expect(out.split('\n').filter((l) => l.includes('^')).length).toBe(2);
  });
});
