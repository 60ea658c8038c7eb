/**
 * Envoy `cluster.outlier_detection` as a (proto3 JSON-named) record of explicitly set fields, its
 * defaults, and the resolved config the detector runs with.
 */
import type { EnvoyOutlierConfig } from '../xds-types.js';

/**
 * `envoy.config.cluster.v3.OutlierDetection`, fields named as in proto3 JSON (lowerCamelCase);
 * durations in µs (`intervalUs` is the proto `interval`). Absent = not set.
 */
export interface EnvoyOutlierDetectionProto {
  consecutive5xx?: number;
  intervalUs?: number;
  baseEjectionTimeUs?: number;
  maxEjectionPercent?: number;
  enforcingConsecutive5xx?: number;
  enforcingSuccessRate?: number;
  successRateMinimumHosts?: number;
  successRateRequestVolume?: number;
  successRateStdevFactor?: number;
  consecutiveGatewayFailure?: number;
  enforcingConsecutiveGatewayFailure?: number;
  splitExternalLocalOriginErrors?: boolean;
  consecutiveLocalOriginFailure?: number;
  enforcingConsecutiveLocalOriginFailure?: number;
  enforcingLocalOriginSuccessRate?: number;
  failurePercentageThreshold?: number;
  enforcingFailurePercentage?: number;
  enforcingFailurePercentageLocalOrigin?: number;
  failurePercentageMinimumHosts?: number;
  failurePercentageRequestVolume?: number;
  maxEjectionTimeUs?: number;
  maxEjectionTimeJitterUs?: number;
  alwaysEjectOneHost?: boolean;
}

/** Every field resolved. */
export type ResolvedEnvoyOutlierDetection = Required<EnvoyOutlierDetectionProto>;

/** Envoy's default for max_ejection_time (300 s). */
export const DEFAULT_MAX_EJECTION_TIME_US = 300_000_000;

/**
 * Envoy defaults for unset fields (outlier_detection.proto docs; DetectorConfig in
 * source/common/upstream/outlier_detection_impl.cc). `maxEjectionTimeUs` is special: max(300 s, base).
 */
export const ENVOY_OUTLIER_DEFAULTS: Readonly<Omit<ResolvedEnvoyOutlierDetection, 'maxEjectionTimeUs'>> = {
  consecutive5xx: 5,
  intervalUs: 10_000_000,
  baseEjectionTimeUs: 30_000_000,
  maxEjectionPercent: 10,
  enforcingConsecutive5xx: 100,
  enforcingSuccessRate: 100,
  successRateMinimumHosts: 5,
  successRateRequestVolume: 100,
  successRateStdevFactor: 1900,
  consecutiveGatewayFailure: 5,
  enforcingConsecutiveGatewayFailure: 0,
  splitExternalLocalOriginErrors: false,
  consecutiveLocalOriginFailure: 5,
  enforcingConsecutiveLocalOriginFailure: 100,
  enforcingLocalOriginSuccessRate: 100,
  failurePercentageThreshold: 85,
  enforcingFailurePercentage: 0,
  enforcingFailurePercentageLocalOrigin: 0,
  failurePercentageMinimumHosts: 5,
  failurePercentageRequestVolume: 50,
  maxEjectionTimeJitterUs: 0,
  alwaysEjectOneHost: false,
};

/** Envoy rejected the outlier detection config (the cluster would not load). */
export class OutlierConfigRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutlierConfigRejectedError';
  }
}

/**
 * Fill Envoy defaults into an explicit proto. `max_ejection_time` defaults to max(300 s, base);
 * an explicit max below base is rejected.
 * Mirrors envoy outlier_detection_impl.cc DetectorConfig::DetectorConfig and DetectorImpl::create.
 * @throws OutlierConfigRejectedError when max_ejection_time < base_ejection_time.
 */
export function resolveEnvoyOutlierDetection(proto: EnvoyOutlierDetectionProto): ResolvedEnvoyOutlierDetection {
  const defined = Object.fromEntries(Object.entries(proto).filter(([, v]) => v !== undefined));
  const base = proto.baseEjectionTimeUs ?? ENVOY_OUTLIER_DEFAULTS.baseEjectionTimeUs;
  const resolved: ResolvedEnvoyOutlierDetection = {
    ...ENVOY_OUTLIER_DEFAULTS,
    maxEjectionTimeUs: Math.max(DEFAULT_MAX_EJECTION_TIME_US, base),
    ...defined,
  };
  if (resolved.maxEjectionTimeUs < resolved.baseEjectionTimeUs) {
    throw new OutlierConfigRejectedError(
      `outlier detector's max_ejection_time (${resolved.maxEjectionTimeUs / 1000}ms) cannot be smaller than base_ejection_time (${resolved.baseEjectionTimeUs / 1000}ms)`,
    );
  }
  return resolved;
}

/** The subset the detector and the simulator use (shared `EnvoyOutlierConfig` shape). */
export function toEnvoyOutlierConfig(r: ResolvedEnvoyOutlierDetection): EnvoyOutlierConfig {
  return {
    consecutive5xx: r.consecutive5xx,
    enforcingConsecutive5xx: r.enforcingConsecutive5xx,
    consecutiveGatewayFailure: r.consecutiveGatewayFailure,
    enforcingConsecutiveGatewayFailure: r.enforcingConsecutiveGatewayFailure,
    splitExternalLocalOriginErrors: r.splitExternalLocalOriginErrors,
    consecutiveLocalOriginFailure: r.consecutiveLocalOriginFailure,
    enforcingConsecutiveLocalOriginFailure: r.enforcingConsecutiveLocalOriginFailure,
    enforcingSuccessRate: r.enforcingSuccessRate,
    intervalUs: r.intervalUs,
    baseEjectionTimeUs: r.baseEjectionTimeUs,
    maxEjectionTimeUs: r.maxEjectionTimeUs,
    maxEjectionPercent: Math.min(100, r.maxEjectionPercent),
  };
}
