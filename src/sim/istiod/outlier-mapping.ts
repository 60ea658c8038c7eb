import type { OutlierDetection } from '../../model/destination-rule.js';
import type { EnvoyOutlierDetectionProto } from '../envoy/outlier-config.js';
import type { IstioProfile } from '../istio-profile.js';

/** What a DestinationRule `outlierDetection` turns into on the Envoy cluster. */
export interface OutlierMapping {
  /** Fields Istio sets explicitly on `cluster.outlier_detection` (Envoy defaults apply to the rest). */
  proto: EnvoyOutlierDetectionProto;
  /** `common_lb_config.healthy_panic_threshold`: `minHealthPercent`, 0 when omitted (panic disabled). */
  healthyPanicThresholdPct: number;
}

/**
 * Map a DestinationRule outlierDetection to Envoy; undefined when the DR has none (then Envoy runs
 * no outlier detector at all). `enforcing_success_rate: 0` is always set (from 1.6.x patch
 * releases on). Version switches: the deprecated `consecutiveErrors` is honoured as a gateway-error
 * detector only up to 1.6 (ignored from 1.7, commit a291ab60276); split local-origin errors from 1.11.
 * Mirrors istio pilot/pkg/networking/core/cluster_traffic_policy.go applyOutlierDetection.
 */
export function applyOutlierDetection(od: OutlierDetection | undefined, profile: IstioProfile): OutlierMapping | undefined {
  if (od === undefined) return undefined;
  const proto: EnvoyOutlierDetectionProto = {};
  proto.enforcingSuccessRate = 0;
  if (profile.honorsConsecutiveErrors && od.consecutiveErrors !== undefined && od.consecutiveErrors > 0) {
    // ≤1.6: "only listen to gateway errors" (istio/api#617).
    proto.enforcingConsecutiveGatewayFailure = 100;
    proto.enforcingConsecutive5xx = 0;
    proto.consecutiveGatewayFailure = od.consecutiveErrors;
  }
  if (od.consecutive5xxErrors !== undefined) {
    proto.consecutive5xx = od.consecutive5xxErrors;
    proto.enforcingConsecutive5xx = od.consecutive5xxErrors > 0 ? 100 : 0;
  }
  if (od.consecutiveGatewayErrors !== undefined) {
    proto.consecutiveGatewayFailure = od.consecutiveGatewayErrors;
    proto.enforcingConsecutiveGatewayFailure = od.consecutiveGatewayErrors > 0 ? 100 : 0;
  }
  if (od.intervalUs !== undefined) proto.intervalUs = od.intervalUs;
  if (od.baseEjectionTimeUs !== undefined) proto.baseEjectionTimeUs = od.baseEjectionTimeUs;
  if (od.maxEjectionPercent !== undefined && od.maxEjectionPercent > 0) proto.maxEjectionPercent = od.maxEjectionPercent;
  if (profile.minor >= 11 && od.splitExternalLocalOriginErrors === true) {
    proto.splitExternalLocalOriginErrors = true;
    if (od.consecutiveLocalOriginFailures !== undefined && od.consecutiveLocalOriginFailures > 0) {
      proto.consecutiveLocalOriginFailure = od.consecutiveLocalOriginFailures;
      proto.enforcingConsecutiveLocalOriginFailure = 100;
    }
    proto.enforcingLocalOriginSuccessRate = 0;
  }
  // Set even when 0: Envoy's default would be 50 (FIXME in istiod: unset and 0 are indistinguishable).
  const healthyPanicThresholdPct = Math.max(0, od.minHealthPercent ?? 0);
  return { proto, healthyPanicThresholdPct };
}
