import { describe, expect, it } from 'vitest';
import { destinationRuleWarnings } from '../../../src/sim/explain/warnings.js';
import { istioProfile } from '../../../src/sim/istio-profile.js';
import { seedRule } from './mesh-fixture.js';

const p124 = istioProfile('1.24')!;
const codes = (ws: Array<{ code: string }>) => ws.map((w) => w.code);

describe('destinationRuleWarnings', () => {
  it('no outlier detection (or no rule at all)', () => {
    expect(codes(destinationRuleWarnings(undefined, p124, 2))).toEqual(['no-outlier-detection']);
    const w = destinationRuleWarnings(seedRule({ loadBalancer: { localityLbSetting: { failover: [{ from: 'a', to: 'b' }] } } }), p124, 2);
    expect(w[0]!.message).toContain('failover/failoverPriority settings are ignored');
  });
  it('maxEjectionPercent: how many hosts can be ejected under the profile rule', () => {
    const od = (maxEjectionPercent?: number) => seedRule(maxEjectionPercent === undefined ? { outlierDetection: {} } : { outlierDetection: { maxEjectionPercent } });
    expect(codes(destinationRuleWarnings(od(), p124, 9))).toEqual(['max-ejection-never']);
    expect(codes(destinationRuleWarnings(od(), p124, 10))).toEqual(['max-ejection-limit']);
    expect(destinationRuleWarnings(od(), p124, 2)[0]!.message).toContain('≥ 50');
    expect(codes(destinationRuleWarnings(od(100), p124, 2))).toEqual([]);
    expect(destinationRuleWarnings(od(50), p124, 4)[0]!.message).toContain('at most 2 of 4 hosts');
    expect(destinationRuleWarnings(od(), istioProfile('1.18')!, 8)[0]!.message).toContain('at most 1 of 8 hosts');
  });
  it('distribute with failover, overlapping targets, disabled locality LB', () => {
    const dr = seedRule({
      outlierDetection: { maxEjectionPercent: 100 },
      loadBalancer: {
        localityLbSetting: {
          enabled: false,
          failover: [{ from: 'region1', to: 'region2' }],
          distribute: [{ from: 'region1/*', to: [{ locality: 'region1/*', weight: 60 }, { locality: 'region1/zone1/*', weight: 40 }] }],
        },
      },
    });
    expect(codes(destinationRuleWarnings(dr, p124, 2))).toEqual(['locality-lb-disabled', 'distribute-with-failover', 'distribute-overlap']);
  });
  it('lists what is parsed but not modelled', () => {
    const dr = { ...seedRule({ outlierDetection: { maxEjectionPercent: 100 }, loadBalancer: { consistentHash: {} }, portLevelSettings: [] }), subsets: [{ name: 'v1', labels: { version: 'v1' } }], ignored: ['spec.trafficPolicy.tls'] };
    const [w] = destinationRuleWarnings(dr, p124, 2);
    expect(w).toMatchObject({ code: 'not-modelled', severity: 'note' });
    expect(w!.message).toContain('spec.subsets, spec.trafficPolicy.loadBalancer.consistentHash, spec.trafficPolicy.portLevelSettings, spec.trafficPolicy.tls');
  });
});
