import type {
  ConnectionPool,
  DestinationRule,
  LocalityLbSetting,
  LoadBalancerSettings,
  OutlierDetection,
  TrafficPolicy,
} from './destination-rule.js';
import type { DestinationRuleDocument, TrafficPolicyDocument } from './schemas/destination-rule.js';

/** Fields of TrafficPolicy/LoadBalancerSettings that Istio accepts and the simulator does not model. */
const IGNORED_POLICY_FIELDS = ['tls', 'tunnel', 'proxyProtocol', 'portLevelSettings'] as const;
const IGNORED_LB_FIELDS = ['consistentHash', 'warmupDurationSecs'] as const;

function resolveLocality(l: NonNullable<NonNullable<TrafficPolicyDocument['loadBalancer']>['localityLbSetting']>): LocalityLbSetting {
  const out: LocalityLbSetting = {};
  if (l.enabled !== undefined) out.enabled = l.enabled;
  if (l.distribute !== undefined) {
    out.distribute = l.distribute.map((d) => ({ from: d.from, to: Object.entries(d.to).map(([locality, weight]) => ({ locality, weight })) }));
  }
  if (l.failover !== undefined) out.failover = l.failover.map((f) => ({ from: f.from, to: f.to }));
  if (l.failoverPriority !== undefined) out.failoverPriority = [...l.failoverPriority];
  return out;
}

function resolveOutlier(o: NonNullable<TrafficPolicyDocument['outlierDetection']>): OutlierDetection {
  const out: OutlierDetection = {};
  if (o.consecutiveErrors !== undefined) out.consecutiveErrors = o.consecutiveErrors;
  if (o.consecutive5xxErrors !== undefined) out.consecutive5xxErrors = o.consecutive5xxErrors;
  if (o.consecutiveGatewayErrors !== undefined) out.consecutiveGatewayErrors = o.consecutiveGatewayErrors;
  if (o.consecutiveLocalOriginFailures !== undefined) out.consecutiveLocalOriginFailures = o.consecutiveLocalOriginFailures;
  if (o.splitExternalLocalOriginErrors !== undefined) out.splitExternalLocalOriginErrors = o.splitExternalLocalOriginErrors;
  if (o.interval !== undefined) out.intervalUs = o.interval;
  if (o.baseEjectionTime !== undefined) out.baseEjectionTimeUs = o.baseEjectionTime;
  if (o.maxEjectionPercent !== undefined) out.maxEjectionPercent = o.maxEjectionPercent;
  if (o.minHealthPercent !== undefined) out.minHealthPercent = o.minHealthPercent;
  return out;
}

/** connectionPool fields Istio accepts that the simulator does not model (keepalive, HTTP/2, lifetime). */
const IGNORED_TCP_FIELDS = ['tcpKeepalive', 'maxConnectionDuration'] as const;
const IGNORED_HTTP_FIELDS = ['h2UpgradePolicy', 'useClientProtocol', 'maxConcurrentStreams'] as const;

function resolveConnectionPool(c: NonNullable<TrafficPolicyDocument['connectionPool']>, path: string, ignored: string[]): ConnectionPool {
  const out: ConnectionPool = {};
  if (c.tcp !== undefined) {
    const tcp: NonNullable<ConnectionPool['tcp']> = {};
    if (c.tcp.maxConnections !== undefined) tcp.maxConnections = c.tcp.maxConnections;
    if (c.tcp.connectTimeout !== undefined) tcp.connectTimeoutUs = c.tcp.connectTimeout;
    if (c.tcp.idleTimeout !== undefined) tcp.idleTimeoutUs = c.tcp.idleTimeout;
    for (const f of IGNORED_TCP_FIELDS) if (c.tcp[f] !== undefined) ignored.push(`${path}.tcp.${f}`);
    out.tcp = tcp;
  }
  if (c.http !== undefined) {
    const http: NonNullable<ConnectionPool['http']> = {};
    if (c.http.http1MaxPendingRequests !== undefined) http.http1MaxPendingRequests = c.http.http1MaxPendingRequests;
    if (c.http.http2MaxRequests !== undefined) http.http2MaxRequests = c.http.http2MaxRequests;
    if (c.http.maxRequestsPerConnection !== undefined) http.maxRequestsPerConnection = c.http.maxRequestsPerConnection;
    if (c.http.maxRetries !== undefined) http.maxRetries = c.http.maxRetries;
    if (c.http.idleTimeout !== undefined) http.idleTimeoutUs = c.http.idleTimeout;
    for (const f of IGNORED_HTTP_FIELDS) if (c.http[f] !== undefined) ignored.push(`${path}.http.${f}`);
    out.http = http;
  }
  return out;
}

function resolvePolicy(p: TrafficPolicyDocument, path: string, ignored: string[]): TrafficPolicy {
  const out: TrafficPolicy = {};
  if (p.loadBalancer !== undefined) {
    const lb: LoadBalancerSettings = {};
    if (p.loadBalancer.simple !== undefined) lb.simple = p.loadBalancer.simple;
    if (p.loadBalancer.consistentHash !== undefined) lb.consistentHash = p.loadBalancer.consistentHash;
    if (p.loadBalancer.localityLbSetting !== undefined) lb.localityLbSetting = resolveLocality(p.loadBalancer.localityLbSetting);
    for (const f of IGNORED_LB_FIELDS) if (p.loadBalancer[f] !== undefined) ignored.push(`${path}.loadBalancer.${f}`);
    out.loadBalancer = lb;
  }
  if (p.outlierDetection !== undefined) out.outlierDetection = resolveOutlier(p.outlierDetection);
  if (p.connectionPool !== undefined) out.connectionPool = resolveConnectionPool(p.connectionPool, `${path}.connectionPool`, ignored);
  if (p.portLevelSettings !== undefined) out.portLevelSettings = p.portLevelSettings;
  for (const f of IGNORED_POLICY_FIELDS) if (p[f] !== undefined) ignored.push(`${path}.${f}`);
  return out;
}

/**
 * Turns a schema-valid DestinationRule document into the model: durations in µs, `distribute.to`
 * as an ordered list, and every accepted-but-not-modelled field listed in `ignored`.
 * Call only on a document that validated without problems.
 */
export function resolveDestinationRule(doc: DestinationRuleDocument, source: string): DestinationRule {
  const ignored: string[] = [];
  const rule: DestinationRule = {
    apiVersion: doc.apiVersion,
    name: doc.metadata.name,
    host: doc.spec.host,
    subsets: [],
    ignored,
    source,
  };
  if (doc.metadata.namespace !== undefined) rule.namespace = doc.metadata.namespace;
  if (doc.spec.trafficPolicy !== undefined) rule.trafficPolicy = resolvePolicy(doc.spec.trafficPolicy, 'spec.trafficPolicy', ignored);
  (doc.spec.subsets ?? []).forEach((s, i) => {
    const subset: DestinationRule['subsets'][number] = { name: s.name, labels: { ...(s.labels ?? {}) } };
    if (s.trafficPolicy !== undefined) subset.trafficPolicy = resolvePolicy(s.trafficPolicy, `spec.subsets[${i}].trafficPolicy`, ignored);
    rule.subsets.push(subset);
  });
  if (doc.spec.exportTo !== undefined) ignored.push('spec.exportTo');
  if (doc.spec.workloadSelector !== undefined) ignored.push('spec.workloadSelector');
  return rule;
}
