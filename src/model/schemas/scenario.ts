import { z } from 'zod';
import { parseFraction, parseRatePerS } from '../quantity.js';
import { fail, ok } from '../validate-problems.js';
import { checked, dnsLabel, duration, int } from './common.js';

/**
 * Shape of a `kind: Scenario` document (product.md §3.2). A timeline entry is one object holding
 * `at`, an optional `name` and exactly one action key; "exactly one" is checked in
 * validate-timeline.ts so that an unknown action name gets a did-you-mean from the strict object.
 */

const EVENT_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?$/;

const eventName = checked((v) => {
  if (typeof v !== 'string') return fail('a timeline entry name must be a string');
  if (!EVENT_NAME.test(v)) return fail(`"${v}" is not a valid event name`, "use letters, digits, '-' and '_' (e.g. fault, restore): thresholds refer to it as `during fault..restore`");
  return ok(v);
});

const fraction = checked((v) => {
  const r = parseFraction(v);
  if (!r.ok) return r;
  if (r.value <= 0 || r.value > 1) return fail(`fraction must be in (0, 1], got ${String(v)}`, 'e.g. 1.0 (every request) or 0.5 (half of them)');
  return r;
});

const target = { cluster: z.string(), deployment: z.string() };

/** Every timeline action key, in the order messages list them. */
export const TIMELINE_ACTIONS = ['scale', 'deletePods', 'fail', 'heal', 'gatewayDown', 'gatewayUp', 'delay', 'applyDestinationRule'] as const;

/** One timeline entry: `at`, optional `name`, one action. */
export const timelineEntrySchema = z.strictObject({
  at: duration(),
  name: eventName.optional(),
  scale: z.strictObject({ ...target, replicas: int(0) }).optional(),
  deletePods: z.strictObject({ ...target, count: int(1) }).optional(),
  fail: z.strictObject({ ...target, pods: int(1).optional(), status: int(100, 599).optional(), fraction: fraction.optional() }).optional(),
  heal: z.strictObject(target).optional(),
  gatewayDown: z.strictObject({ cluster: z.string() }).optional(),
  gatewayUp: z.strictObject({ cluster: z.string() }).optional(),
  delay: z.strictObject({ ...target, add: duration({ minUs: 1 }) }).optional(),
  applyDestinationRule: z.string().min(1).optional(),
});

/** A load section: the scenario's, or a client's own (`duration` then defaults to the scenario's). */
const loadFields = {
  rate: checked(parseRatePerS).optional(),
  concurrency: int(1).optional(),
  thinkTime: duration().optional(),
};

const share = checked((v) => {
  const r = parseFraction(v);
  if (!r.ok) return r;
  if (r.value <= 0 || r.value > 1) return fail(`share must be in (0, 1], got ${String(v)}`, 'e.g. 0.3 (30% of the scenario load); the shares of all clients add up to 1');
  return r;
});

/** One entry of `spec.clients`: a client workload with its own load or a share of the scenario's. */
export const scenarioClientSchema = z.strictObject({
  cluster: z.string(),
  workload: z.string(),
  share: share.optional(),
  load: z.strictObject({ ...loadFields, duration: duration({ minUs: 1 }).optional() }).optional(),
});

/** A whole Scenario document. */
export const scenarioSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.strictObject({ name: dnsLabel('scenario name'), description: z.string().optional() }),
  spec: z.strictObject({
    /** One client (the seed's form), or `clients` for several; exactly one of the two (validate-clients.ts). */
    client: z.strictObject({ cluster: z.string(), workload: z.string() }).optional(),
    clients: z.array(scenarioClientSchema).min(1).optional(),
    request: z
      .strictObject({
        service: dnsLabel('service name').optional(),
        namespace: dnsLabel('namespace').optional(),
        port: int(1, 65535).optional(),
        path: z
          .string()
          .regex(/^\/\S*$/, { message: 'request path must start with "/" and contain no spaces' })
          .optional(),
        timeout: duration({ minUs: 1 }).optional(),
        /** The Service's spec.trafficDistribution, as the simulated istiod reads it. */
        trafficDistribution: z.enum(['PreferClose', 'PreferSameZone', 'PreferSameNode']).optional(),
      })
      .optional(),
    destinationRule: z.string().min(1).optional(),
    /**
     * The mesh the scenario is written for when no `--mesh` is given: `builtin:<name>` or a path
     * relative to the scenario file (fs/scenario-mesh.ts). `--mesh` overrides it.
     */
    mesh: z.string().min(1).optional(),
    load: z.strictObject({ ...loadFields, duration: duration({ minUs: 1 }) }),
    timeline: z.array(timelineEntrySchema).optional(),
    measure: z
      .strictObject({ failover: z.strictObject({ fault: z.string(), restore: z.string().optional() }).optional() })
      .optional(),
    thresholds: z.array(z.string()).optional(),
  }),
});

/** Parsed (not yet cross-checked or defaulted) Scenario document. */
export type ScenarioDocument = z.output<typeof scenarioSchema>;
/** Parsed `spec.clients` entry. */
export type ScenarioClientDocument = z.output<typeof scenarioClientSchema>;
/** Parsed timeline entry. */
export type TimelineEntryDocument = z.output<typeof timelineEntrySchema>;
