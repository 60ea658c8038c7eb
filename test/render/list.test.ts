import { describe, expect, it } from 'vitest';
import { listRow, renderList } from '../../src/render/list.js';
import { createStyle, visibleWidth } from '../../src/render/style.js';
import { buildResult } from '../support/results.js';

describe('renderList', () => {
  const rows = [
    listRow('results/a.json', buildResult({ id: '20261124-090000-failover-c0ffee', startedAt: '2026-11-24T09:00:00.000Z', trials: 3, seed: 9 })),
    listRow('results/b.json', buildResult({ id: '20261123-214500-distribution-0a1b2c', scenario: 'distribution', target: 'kube', labels: { istio: '1.24', env: 'staging' } })),
  ];

  it('shows id, target, labels and key figures', async () => {
    const out = renderList(rows, createStyle({ color: false, width: 100 }));
    await expect(out).toMatchFileSnapshot('__snapshots__/list.txt');
    const wide = renderList(rows, createStyle({ color: false, width: 200 }));
    expect(wide).toContain('sim istio 1.24 seeds 9..11');
    expect(wide).toContain('kube kind-cluster1,kind-cluster2 istio 1.24.2');
    expect(wide).toContain('env=staging istio=1.24');
    expect(wide).toContain('2026-11-24 09:00:00');
  });

  it('drops secondary columns on a narrow terminal but keeps the ids whole', () => {
    const out = renderList(rows, createStyle({ color: false, width: 60 }));
    for (const line of out.trimEnd().split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(60);
    expect(out).toContain('20261124-090000-failover-c0ffee');
    expect(out).not.toContain('labels');
  });

  it('flags failed thresholds', () => {
    const r = buildResult({});
    r.thresholds[1] = { ...r.thresholds[1]!, ok: false };
    expect(renderList([listRow('x', r)], createStyle({ color: false, width: 120 }))).toContain('2/3 FAIL');
  });
});
