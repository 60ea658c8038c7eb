import { describe, expect, it } from 'vitest';
import { loadDestinationRule, loadMesh } from '../../../src/fs/documents.js';
import { explainMesh } from '../../../src/sim/explain/explain.js';
import { destinationRuleWarnings } from '../../../src/sim/explain/warnings.js';
import { istioProfile, type IstioProfile } from '../../../src/sim/istio-profile.js';

const cwd = process.cwd();
const p = (v: string): IstioProfile => istioProfile(v) as IstioProfile;
const codes = (ws: ReadonlyArray<{ code: string }>) => ws.map((w) => w.code);

describe('explain: issue-12 traps', () => {
  it('warns that Envoy keeps only the first copy of a duplicated gateway address (istio#56355) and predicts with it', async () => {
    const mesh = await loadMesh('scenarios/meshes/remote-two-zones.yaml', cwd);
    const [entry] = explainMesh({ mesh, profile: p('1.31') }).entries;
    const w = entry?.warnings.find((x) => x.code === 'duplicate-gateway-address');
    expect(w?.message).toContain('istio#56355');
    expect(w?.message).toContain('weigh 1 instead of 4');
    // Local pod and the kept gateway copy both weigh 1: half the traffic stays local.
    expect(entry?.predictedShares['v1']).toBeCloseTo(0.5, 6);
    expect(entry?.predictedShares['v3']).toBeCloseTo(0.375, 6);
  });

  it('warns when failover is ignored next to failoverPriority (1.12–1.19) or failoverPriority does not exist (<1.12)', async () => {
    const dr = await loadDestinationRule('scenarios/rules/failover-priority-regions.yaml', cwd);
    expect(codes(destinationRuleWarnings(dr, p('1.18'), 3))).toContain('failover-ignored');
    expect(codes(destinationRuleWarnings(dr, p('1.20'), 3))).not.toContain('failover-ignored');
    expect(codes(destinationRuleWarnings(dr, p('1.11'), 3))).toContain('failover-priority-unsupported');
  });

  it('notes that 1.31 sends not-ready endpoints unless minHealthPercent > 0', async () => {
    const dr = await loadDestinationRule('manifests/08-locality-lb.yaml', cwd);
    expect(codes(destinationRuleWarnings(dr, p('1.31'), 2))).toContain('unhealthy-endpoints-sent');
    expect(codes(destinationRuleWarnings(dr, p('1.30'), 2))).not.toContain('unhealthy-endpoints-sent');
  });
});
