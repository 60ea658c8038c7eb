import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('meshbench explain', () => {
  it('explains a built-in scenario under a given Istio version', async () => {
    const r = await runCli(['explain', 'failover', '--istio', '1.24']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Istio 1.24 · mesh two-cluster · DestinationRule helloworld');
    expect(r.stdout).toContain('priority load, all hosts healthy: P0 100%  P1 0%');
    expect(r.stdout).toContain('warning: maxEjectionPercent 10% (default) can never eject with 2 hosts');
  });

  it('takes flags over the scenario and prints JSON', async () => {
    const r = await runCli(['explain', '--destination-rule', 'manifests/08-locality-lb.yaml', '--client', 'cluster1/sleep', '--istio', '1.18', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { istio: string; entries: Array<{ predictedShares: Record<string, number>; warnings: Array<{ code: string }> }> };
    expect(doc.istio).toBe('1.18');
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]!.predictedShares).toEqual({ v1: 1 });
    expect(doc.entries[0]!.warnings.map((w) => w.code)).toEqual(['consecutive-errors-ignored', 'max-ejection-limit']);
  });

  it('without a DestinationRule both versions share P0', async () => {
    const r = await runCli(['explain', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { entries: Array<{ predictedShares: Record<string, number> }> };
    expect(doc.entries[0]!.predictedShares).toEqual({ v1: 0.5, v2: 0.5 });
  });

  it('exits 2 for an unknown Istio version or client', async () => {
    const v = await runCli(['explain', '--istio', '1.2']);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('1.6, 1.7');
    const c = await runCli(['explain', '--client', 'cluster1/nginx']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('cluster1/sleep');
  });

  it('exits 3 for a missing DestinationRule file', async () => {
    expect((await runCli(['explain', '--destination-rule', 'no/such/dr.yaml'])).code).toBe(3);
  });
});
