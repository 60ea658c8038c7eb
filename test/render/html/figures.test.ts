import { describe, expect, it } from 'vitest';
import { Histogram } from '../../../src/measure/histogram.js';
import type { CompareView } from '../../../src/render/compare-view.js';
import { figureHtml } from '../../../src/render/html/figure.js';
import { overTrialsFigure } from '../../../src/render/html/figures.js';
import { significanceRows } from '../../../src/render/html/verdict-rows.js';

describe('html figures', () => {
  it('a distribution over trials counts censored trials in the denominator and lists them', () => {
    const h = new Histogram();
    for (const ms of [400, 450, 500]) h.record(ms * 1000);
    const fig = overTrialsFigure('Recovery over trials', 'ms', 'not recovered', [{ name: 'A', histogram: h, trials: 5, censored: 2 }]);
    const shares = fig.table.rows.filter((r) => r[0] === 'A' && Array.isArray(r[2])).map((r) => (r[2] as [string, number])[1]);
    expect(shares.at(-2)).toBeCloseTo(3 / 5, 12);
    expect(fig.table.rows.at(-1)).toEqual(['A', 'not recovered', ['2 of 5', 2]]);
    expect(fig.summary).toContain('A: 2 of 5 trials not recovered');
    const html = figureHtml(fig);
    expect(html).toContain('<svg role="img" aria-labelledby="recovery-over-trials-cap"');
    expect(html).toContain('share of trials');
  });

  it('the significance table reads every verdict a comparison holds, nested ones too', () => {
    const v = (kind: string, p: number | null, test: string | null = 'x') => ({ kind, test, pValue: p });
    const view = {
      comparisons: [{ key: 'B', errors: v('worse', 0.01, 'fisher'), latency: v('same', 0.4), failover: { recovery: { ...v('no-test', null, null), note: 'single trial: no test' } }, someNewTest: v('better', 0.001, 'log-rank') }],
    } as unknown as CompareView;
    expect(significanceRows(view)).toEqual([
      { subject: 'B', figure: 'errors', test: 'fisher', pValue: 0.01, verdict: 'worse' },
      { subject: 'B', figure: 'latency', test: 'x', pValue: 0.4, verdict: 'same' },
      { subject: 'B', figure: 'failover recovery', test: '-', pValue: null, verdict: 'single trial: no test' },
      { subject: 'B', figure: 'someNewTest', test: 'log-rank', pValue: 0.001, verdict: 'better' },
    ]);
  });
});
