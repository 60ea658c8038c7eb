import { beforeAll, describe, expect, it } from 'vitest';
import { compareResults } from '../../src/app/compare.js';
import type { ResultStore } from '../../src/app/ports.js';
import type { Result } from '../../src/model/result.js';
import type { CompareView } from '../../src/render/compare-view.js';
import { renderCompare } from '../../src/render/compare.js';
import { createStyle, visibleWidth } from '../../src/render/style.js';
import { buildResult } from '../support/results.js';

/** An in-memory store over built results (ids only). */
export function memoryStore(results: readonly Result[]): ResultStore {
  return {
    save: () => Promise.reject(new Error('read-only')),
    list: () => Promise.resolve({ results: results.map((r) => ({ path: `${r.id}.json`, result: r })), unreadable: [] }),
    load: (ref) => {
      const r = results.find((x) => x.id === ref);
      return r === undefined ? Promise.reject(new Error(`no ${ref}`)) : Promise.resolve(r);
    },
  };
}

const plain = createStyle({ color: false, width: 100 });
let pair: CompareView;
let groups: CompareView;

beforeAll(async () => {
  const results = [
    buildResult({ id: '20261123-100000-failover-0122a1', seed: 1, trials: 5, istio: '1.22', recoveryMs: [800, 1600] }),
    buildResult({ id: '20261123-110000-failover-0122b2', seed: 2, trials: 5, istio: '1.22', recoveryMs: [800, 1600] }),
    buildResult({ id: '20261123-120000-failover-0124a3', seed: 3, trials: 5, istio: '1.24', recoveryMs: [300, 700], latencyShiftMs: 0.5 }),
    buildResult({ id: '20261123-130000-failover-0124b4', seed: 4, trials: 5, istio: '1.24', recoveryMs: [300, 700], latencyShiftMs: 0.5 }),
  ];
  const single = [buildResult({ id: '20261123-140000-failover-aaaaaa', seed: 5 }), buildResult({ id: '20261123-150000-failover-bbbbbb', seed: 6, latencyShiftMs: 2 })];
  const store = memoryStore([...results, ...single]);
  groups = await compareResults({ refs: results.map((r) => r.id), by: 'istio' }, { store });
  pair = await compareResults({ refs: single.map((r) => r.id) }, { store });
});

describe('renderCompare', () => {
  it('renders groups by istio with deltas and a verdict per delta', async () => {
    const out = renderCompare(groups, plain);
    await expect(out).toMatchFileSnapshot('__snapshots__/compare-by-istio.txt');
    expect(out).toContain('4 results in 2 groups by istio · baseline 1.22 · α = 0.05 per test');
    expect(out).toMatch(/recovery\s+1\.22\s+10\s/);
    expect(out).toMatch(/1\.24\s+10\s.*better \(p[<=]0\.0\d+, exact, trials\)/);
    expect(out).toContain('Share of v1 over time');
    expect(out).toMatch(/── 1\.22 {3}━━ 1\.24/);
  });

  it('renders two single-trial results, saying failover figures cannot be tested', async () => {
    const out = renderCompare(pair, plain);
    await expect(out).toMatchFileSnapshot('__snapshots__/compare-two-results.txt');
    expect(out).toContain('single trial: no test');
    // One trial per side: the request-level result is shown, but as no verdict, with the reason.
    expect(out).toMatch(/^\s+B\s.*no verdict \(Mann-Whitney p<0\.001, requests\)\*$/m);
    expect(out).not.toMatch(/(worse|better) \(p/);
    expect(out).toContain('* one trial on a side: a request-level test assumes independent requests');
  });

  it.each([60, 120])('fits %i columns', (width) => {
    const out = renderCompare(groups, createStyle({ color: true, width }));
    for (const line of out.split('\n')) expect(visibleWidth(line), line).toBeLessThanOrEqual(width);
  });

  it('paints verdicts only with colour', () => {
    const coloured = renderCompare(groups, createStyle({ color: true, width: 100 }));
    expect(coloured).toContain('\u001b[32mbetter');
    expect(renderCompare(pair, plain)).not.toContain('\u001b[');
  });
});

describe('renderCompare: deltas only against measured baselines', () => {
  it('draws no Δ row for the split when the baseline has no versioned responses', async () => {
    const measured = buildResult({ id: '20261123-160000-distribution-aaaaa1', scenario: 'distribution', seed: 8 });
    const none = buildResult({ id: '20261123-170000-distribution-aaaaa2', scenario: 'distribution', seed: 9 });
    none.summary.distribution = {};
    const view = await compareResults({ refs: [none.id, measured.id] }, { store: memoryStore([none, measured]) });
    const out = renderCompare(view, plain);
    const split = out.slice(out.indexOf('Distribution'), out.indexOf('Locality'));
    expect(split).not.toContain('Δ');
    expect(split).toMatch(/^\s+A\s+-\s+-\s/m);
  });
});
