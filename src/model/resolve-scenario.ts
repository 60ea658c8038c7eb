import type { DestinationRule } from './destination-rule.js';
import type { LoadModel, Scenario, ScenarioRequest, TimelineAction, TimelineEntry } from './scenario.js';
import type { ScenarioDocument, TimelineEntryDocument } from './schemas/scenario.js';
import type { Threshold } from './threshold.js';
import { resolveClients } from './validate-clients.js';

/** Request defaults (the seed's `curl helloworld.sample:5000/hello`). */
export const DEFAULT_REQUEST = {
  service: 'helloworld',
  namespace: 'sample',
  port: 5000,
  path: '/hello',
  timeoutUs: 10_000_000,
} as const satisfies ScenarioRequest;

/** `fail` defaults: every request of the failing pods answers 503. */
export const DEFAULT_FAIL = { status: 503, fraction: 1 } as const;

/** The request section with defaults applied. */
export function resolveRequest(doc: ScenarioDocument['spec']['request']): ScenarioRequest {
  return {
    service: doc?.service ?? DEFAULT_REQUEST.service,
    namespace: doc?.namespace ?? DEFAULT_REQUEST.namespace,
    port: doc?.port ?? DEFAULT_REQUEST.port,
    path: doc?.path ?? DEFAULT_REQUEST.path,
    timeoutUs: doc?.timeout ?? DEFAULT_REQUEST.timeoutUs,
    ...(doc?.trafficDistribution === undefined ? {} : { trafficDistribution: doc.trafficDistribution }),
  };
}

function resolveAction(e: TimelineEntryDocument, rules: ReadonlyMap<string, DestinationRule>): TimelineAction {
  if (e.scale) return { kind: 'scale', cluster: e.scale.cluster, deployment: e.scale.deployment, replicas: e.scale.replicas };
  if (e.deletePods) return { kind: 'deletePods', cluster: e.deletePods.cluster, deployment: e.deletePods.deployment, count: e.deletePods.count };
  if (e.fail) {
    const a: TimelineAction = {
      kind: 'fail',
      cluster: e.fail.cluster,
      deployment: e.fail.deployment,
      status: e.fail.status ?? DEFAULT_FAIL.status,
      fraction: e.fail.fraction ?? DEFAULT_FAIL.fraction,
    };
    if (e.fail.pods !== undefined) a.pods = e.fail.pods;
    return a;
  }
  if (e.heal) return { kind: 'heal', cluster: e.heal.cluster, deployment: e.heal.deployment };
  if (e.gatewayDown) return { kind: 'gatewayDown', cluster: e.gatewayDown.cluster };
  if (e.gatewayUp) return { kind: 'gatewayUp', cluster: e.gatewayUp.cluster };
  if (e.delay) return { kind: 'delay', cluster: e.delay.cluster, deployment: e.delay.deployment, addUs: e.delay.add };
  const rule = e.applyDestinationRule === undefined ? undefined : rules.get(e.applyDestinationRule);
  if (rule === undefined) throw new Error('resolveScenario called on a timeline entry without a valid action');
  return { kind: 'applyDestinationRule', destinationRule: rule };
}

/** What validation established, needed to build the Scenario. */
export interface ScenarioResolution {
  source: string;
  /** The rule for `spec.destinationRule`, when given. */
  destinationRule?: DestinationRule;
  /** Rules for each `applyDestinationRule` reference, by reference text. */
  appliedRules: ReadonlyMap<string, DestinationRule>;
  thresholds: Threshold[];
  failover?: { fault: string; restore?: string };
}

/**
 * Builds the resolved Scenario from a document that validated without problems: durations in µs,
 * request defaults, the timeline sorted by time (stable), thresholds parsed.
 */
export function resolveScenario(doc: ScenarioDocument, r: ScenarioResolution): Scenario {
  const spec = doc.spec;
  const load: LoadModel =
    spec.load.rate !== undefined
      ? { kind: 'open', ratePerS: spec.load.rate, durationUs: spec.load.duration }
      : { kind: 'closed', concurrency: spec.load.concurrency ?? 1, durationUs: spec.load.duration, thinkTimeUs: spec.load.thinkTime ?? 0 };
  const timeline: TimelineEntry[] = (spec.timeline ?? []).map((e) => {
    const entry: TimelineEntry = { atUs: e.at, action: resolveAction(e, r.appliedRules) };
    if (e.name !== undefined) entry.name = e.name;
    return entry;
  });
  timeline.sort((a, b) => a.atUs - b.atUs);
  const clients = resolveClients(spec, load);
  const first = spec.client ?? spec.clients?.[0];
  if (first === undefined) throw new Error('resolveScenario called on a scenario without a client');
  const scenario: Scenario = {
    name: doc.metadata.name,
    client: { cluster: first.cluster, workload: first.workload },
    ...(clients !== undefined ? { clients } : {}),
    request: resolveRequest(spec.request),
    load,
    timeline,
    measure: r.failover === undefined ? {} : { failover: { ...r.failover } },
    thresholds: r.thresholds,
    source: r.source,
  };
  if (doc.metadata.description !== undefined) scenario.description = doc.metadata.description;
  if (r.destinationRule !== undefined) scenario.destinationRule = r.destinationRule;
  return scenario;
}
