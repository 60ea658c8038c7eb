import { describe, expect, it } from 'vitest';
import { OutlierConfigRejectedError, resolveEnvoyOutlierDetection } from '../../../src/sim/envoy/outlier-config.js';
import { buildClusterConfig } from '../../../src/sim/istiod/cluster-config.js';
import { applyOutlierDetection } from '../../../src/sim/istiod/outlier-mapping.js';
import { istioProfile } from '../../../src/sim/istio-profile.js';

const p = (v: string) => istioProfile(v)!;

describe('buildClusterConfig', () => {
  it('default LB follows the profile; LEAST_CONN is LEAST_REQUEST', () => {
    expect(buildClusterConfig(undefined, p('1.13')).lbPolicy).toBe('ROUND_ROBIN');
    expect(buildClusterConfig(undefined, p('1.14')).lbPolicy).toBe('LEAST_REQUEST');
    expect(buildClusterConfig({ loadBalancer: { simple: 'LEAST_CONN' } }, p('1.10')).lbPolicy).toBe('LEAST_REQUEST');
    expect(buildClusterConfig({ loadBalancer: { simple: 'RANDOM' } }, p('1.24')).lbPolicy).toBe('RANDOM');
  });
  it('panic threshold: Envoy 50 without outlier detection, minHealthPercent (0 when omitted) with it', () => {
    expect(buildClusterConfig(undefined, p('1.24')).healthyPanicThresholdPct).toBe(50);
    expect(buildClusterConfig({ outlierDetection: {} }, p('1.24')).healthyPanicThresholdPct).toBe(0);
    expect(buildClusterConfig({ outlierDetection: { minHealthPercent: 25 } }, p('1.24')).healthyPanicThresholdPct).toBe(25);
  });
  it('fills Envoy defaults into the outlier config', () => {
    const c = buildClusterConfig({ outlierDetection: { baseEjectionTimeUs: 180_000_000, intervalUs: 1_000_000 } }, p('1.24'));
    expect(c.outlier).toEqual({
      consecutive5xx: 5,
      enforcingConsecutive5xx: 100,
      consecutiveGatewayFailure: 5,
      enforcingConsecutiveGatewayFailure: 0,
      splitExternalLocalOriginErrors: false,
      consecutiveLocalOriginFailure: 5,
      enforcingConsecutiveLocalOriginFailure: 100,
      enforcingSuccessRate: 0,
      intervalUs: 1_000_000,
      baseEjectionTimeUs: 180_000_000,
      maxEjectionTimeUs: 300_000_000,
      maxEjectionPercent: 10,
    });
    expect(c.overprovisioningFactor).toBe(140);
    expect(buildClusterConfig(undefined, p('1.24')).outlier).toBeUndefined();
  });
  it('consecutiveErrors is a gateway-error detector up to 1.6 and ignored after', () => {
    expect(applyOutlierDetection({ consecutiveErrors: 1 }, p('1.6'))!.proto).toEqual({
      enforcingSuccessRate: 0,
      consecutiveGatewayFailure: 1,
      enforcingConsecutiveGatewayFailure: 100,
      enforcingConsecutive5xx: 0,
    });
    expect(applyOutlierDetection({ consecutiveErrors: 1 }, p('1.7'))!.proto).toEqual({ enforcingSuccessRate: 0 });
  });
  it('consecutive5xxErrors 0 disables enforcement; maxEjectionPercent 0 is unset', () => {
    expect(applyOutlierDetection({ consecutive5xxErrors: 0, maxEjectionPercent: 0 }, p('1.24'))!.proto).toEqual({
      enforcingSuccessRate: 0,
      consecutive5xx: 0,
      enforcingConsecutive5xx: 0,
    });
  });
});

describe('resolveEnvoyOutlierDetection', () => {
  it('max_ejection_time follows a base above 300s and rejects an explicit max below base', () => {
    expect(resolveEnvoyOutlierDetection({ baseEjectionTimeUs: 400_000_000 }).maxEjectionTimeUs).toBe(400_000_000);
    expect(() => resolveEnvoyOutlierDetection({ baseEjectionTimeUs: 10_000_000, maxEjectionTimeUs: 3_000_000 })).toThrow(OutlierConfigRejectedError);
  });
});
