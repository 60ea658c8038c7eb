import { describe, expect, it } from 'vitest';
import { createStyle, visibleWidth, type Style } from '../../src/render/style.js';
import { paragraph, renderTable, truncate, wrap } from '../../src/render/table.js';

// createStyle clamps widths to ≥ 40; narrower styles are built by hand to test the fitting rules.
const plain = (width: number): Style => ({ ...createStyle({ color: false, width: 100 }), width });

describe('renderTable', () => {
  const spec = {
    columns: [{ header: 'name', shrink: true }, { header: 'count', align: 'right' as const }, { header: 'note', optional: true }],
    rows: [
      ['a-rather-long-label-that-can-be-cut', '6,000', 'first note'],
      ['short', '12', 'second'],
    ],
  };

  it('aligns columns with two spaces between them', () => {
    expect(renderTable(spec, plain(100))).toBe(
      [
        '  name                                 count  note',
        '  a-rather-long-label-that-can-be-cut  6,000  first note',
        '  short                                   12  second',
      ].join('\n'),
    );
  });

  it('cuts shrinkable columns before it drops optional ones, and never exceeds the width', () => {
    const cut = renderTable(spec, plain(40));
    expect(cut).toContain('note');
    expect(cut).toMatch(/  a-rather-long-\S*…  6,000  first note/);
    const dropped = renderTable(spec, plain(25));
    expect(dropped).not.toContain('note');
    for (const out of [cut, dropped]) for (const line of out.split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(out === cut ? 40 : 25);
  });

  it('drops optional columns by priority', () => {
    const columns = [{ header: 'id' }, { header: 'keep-me', optional: true, priority: 2 }, { header: 'drop-me', optional: true, priority: 1 }];
    const out = renderTable({ columns, rows: [['x'.repeat(26), 'aaaaaaa', 'bbbbbbb']] }, plain(40));
    expect(out).toContain('keep-me');
    expect(out).not.toContain('drop-me');
  });

  it('makes the header bold only with colour', () => {
    expect(renderTable(spec, createStyle({ color: true, width: 100 }))).toContain('\u001b[1mname');
    expect(renderTable(spec, plain(100))).not.toContain('\u001b[');
  });
});

describe('text helpers', () => {
  it('cuts with an ellipsis, ignoring colour codes when measuring', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('\u001b[31mab\u001b[39m', 2)).toBe('\u001b[31mab\u001b[39m');
  });

  it('wraps prose within the width', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    const p = paragraph('x '.repeat(80), plain(40));
    for (const line of p.split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(40);
  });
});
