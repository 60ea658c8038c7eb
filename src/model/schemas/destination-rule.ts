import { z } from 'zod';
import { anyMapping, checked, int, istioDuration } from './common.js';
import { fail, ok } from '../validate-problems.js';
import { checkDns1123Subdomain } from '../dns.js';

/**
 * Shape of an Istio DestinationRule (networking.istio.io v1 / v1beta1 / v1alpha3), field names from
 * istio/api `networking/v1alpha3/destination_rule.proto`. Every field the simulator interprets is
 * typed; the valid Istio fields it does not model (tls, tunnel, proxyProtocol,
 * portLevelSettings, consistentHash, warmupDurationSecs, exportTo, workloadSelector) are accepted as
 * any mapping and listed in `DestinationRule.ignored`. Wrapper types (UInt32Value…) are plain numbers.
 */

const SIMPLE_LB = ['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST'] as const;

/** Istio's `validatePercent`: an integer percentage in [0, 100]. */
const percent = int(0, 100);

/** `loadBalancer.localityLbSetting` (istio/api LocalityLoadBalancerSetting). */
export const localityLbSettingSchema = z.strictObject({
  enabled: z.boolean().optional(),
  distribute: z.array(z.strictObject({ from: z.string(), to: z.record(z.string(), z.number().int()) })).optional(),
  failover: z.array(z.strictObject({ from: z.string(), to: z.string() })).optional(),
  failoverPriority: z.array(z.string()).optional(),
});

/** `outlierDetection`, every field incl. the deprecated `consecutiveErrors`. */
export const outlierDetectionSchema = z.strictObject({
  consecutiveErrors: int(0).optional(),
  consecutive5xxErrors: int(0).optional(),
  consecutiveGatewayErrors: int(0).optional(),
  consecutiveLocalOriginFailures: int(0).optional(),
  splitExternalLocalOriginErrors: z.boolean().optional(),
  interval: istioDuration().optional(),
  baseEjectionTime: istioDuration().optional(),
  maxEjectionPercent: percent.optional(),
  minHealthPercent: percent.optional(),
});

/**
 * `connectionPool` (istio/api ConnectionPoolSettings). The circuit-breaker limits, idle timeout,
 * connect timeout and max requests per connection are modelled; keepalive, max connection
 * duration, HTTP/2 settings are accepted and listed as not modelled.
 */
export const connectionPoolSchema = z.strictObject({
  tcp: z
    .strictObject({
      maxConnections: int(0).optional(),
      connectTimeout: istioDuration().optional(),
      tcpKeepalive: anyMapping.optional(),
      maxConnectionDuration: istioDuration().optional(),
      idleTimeout: istioDuration().optional(),
    })
    .optional(),
  http: z
    .strictObject({
      http1MaxPendingRequests: int(0).optional(),
      http2MaxRequests: int(0).optional(),
      maxRequestsPerConnection: int(0).optional(),
      maxRetries: int(0).optional(),
      idleTimeout: istioDuration().optional(),
      h2UpgradePolicy: z.enum(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']).optional(),
      useClientProtocol: z.boolean().optional(),
      maxConcurrentStreams: int(0).optional(),
    })
    .optional(),
});

/** `trafficPolicy` (also the subset-level one). */
export const trafficPolicySchema = z.strictObject({
  loadBalancer: z
    .strictObject({
      simple: z.enum(SIMPLE_LB).optional(),
      consistentHash: anyMapping.optional(),
      localityLbSetting: localityLbSettingSchema.optional(),
      warmupDurationSecs: istioDuration().optional(),
    })
    .optional(),
  outlierDetection: outlierDetectionSchema.optional(),
  connectionPool: connectionPoolSchema.optional(),
  tls: anyMapping.optional(),
  tunnel: anyMapping.optional(),
  proxyProtocol: anyMapping.optional(),
  portLevelSettings: z.array(anyMapping).optional(),
});

const objectName = checked((v) => (typeof v === 'string' ? checkDns1123Subdomain(v, 'metadata.name') : fail('expected a name (a string)')));
const namespace = checked((v) => (typeof v === 'string' ? (v === '' ? fail('namespace is empty') : ok(v)) : fail('expected a namespace (a string)')));

/** A whole DestinationRule document; `status` (from `kubectl get -o yaml`) is tolerated. */
export const destinationRuleSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  // Kubernetes object metadata: labels, annotations etc. are fine and not ours to judge.
  metadata: z.looseObject({ name: objectName, namespace: namespace.optional() }),
  spec: z.strictObject({
    host: z.string().min(1),
    trafficPolicy: trafficPolicySchema.optional(),
    subsets: z
      .array(z.strictObject({ name: z.string().min(1), labels: z.record(z.string(), z.string()).optional(), trafficPolicy: trafficPolicySchema.optional() }))
      .optional(),
    exportTo: z.array(z.string()).optional(),
    workloadSelector: z.strictObject({ matchLabels: z.record(z.string(), z.string()).optional() }).optional(),
  }),
  status: z.unknown().optional(),
});

/** Parsed DestinationRule document (durations in µs). */
export type DestinationRuleDocument = z.output<typeof destinationRuleSchema>;
/** Parsed traffic policy. */
export type TrafficPolicyDocument = z.output<typeof trafficPolicySchema>;
