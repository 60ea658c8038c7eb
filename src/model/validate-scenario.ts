import type { DestinationRule } from './destination-rule.js';
import { durationUsOrUndefined } from './duration.js';
import type { Mesh } from './mesh.js';
import { destinationRuleSelects, resolveDestinationRuleHost, serviceFqdn } from './resolve-dr-host.js';
import { DEFAULT_REQUEST, resolveScenario } from './resolve-scenario.js';
import { clientName, type Scenario } from './scenario.js';
import { parseWith } from './schemas/common.js';
import { scenarioSchema } from './schemas/scenario.js';
import { checkClients } from './validate-clients.js';
import { checkHeader } from './validate-header.js';
import { arrayField, field, isRecord, stringField, type DocProblem, type PathSeg } from './validate-problems.js';
import { validateThresholds } from './validate-thresholds.js';
import { checkFailoverMeasure, checkTimeline } from './validate-timeline.js';

/**
 * Validation of a `kind: Scenario` document against a mesh: header, schema, then every check that
 * spans fields or documents (client and service exist, timeline, measure, thresholds, the
 * DestinationRule files it names). All problems are collected; the scenario is resolved only when
 * there are none.
 */

/** What loading one DestinationRule reference gave (the loader reads files; this module stays pure). */
export type DestinationRuleRef =
  | { status: 'ok'; rules: readonly DestinationRule[]; display: string }
  | { status: 'missing'; display: string; message: string; hint?: string }
  /** The file has problems of its own, reported against that file. */
  | { status: 'invalid'; display: string };

/** What a scenario is validated against. */
export interface ScenarioContext {
  mesh: Mesh;
  /** The scenario file (or `builtin:<name>`), stored in `Scenario.source`. */
  source: string;
  /** Each DestinationRule reference, exactly as written in the document → its loading outcome. */
  destinationRules: ReadonlyMap<string, DestinationRuleRef>;
}

/** Every DestinationRule file the document names (`spec.destinationRule`, `applyDestinationRule`), in order. */
export function scenarioReferences(raw: unknown): string[] {
  const spec = field(raw, 'spec');
  const refs: string[] = [];
  const top = stringField(spec, 'destinationRule');
  if (top !== undefined && top !== '') refs.push(top);
  for (const e of arrayField(spec, 'timeline')) {
    const ref = stringField(e, 'applyDestinationRule');
    if (ref !== undefined && ref !== '' && !refs.includes(ref)) refs.push(ref);
  }
  return refs;
}

/** `cluster/workload` of every client the document names (for thresholds' `{client=…}`). */
function documentClients(spec: unknown): string[] {
  const one = field(spec, 'client');
  const list = one !== undefined ? [one] : arrayField(spec, 'clients');
  const names: string[] = [];
  for (const c of list) {
    const cluster = stringField(c, 'cluster');
    const workload = stringField(c, 'workload');
    if (cluster !== undefined && workload !== undefined) names.push(clientName({ cluster, workload }));
  }
  return names;
}

function requestTarget(raw: unknown): { service: string; namespace: string } {
  const request = field(field(raw, 'spec'), 'request');
  return { service: stringField(request, 'service') ?? DEFAULT_REQUEST.service, namespace: stringField(request, 'namespace') ?? DEFAULT_REQUEST.namespace };
}

function checkService(raw: unknown, mesh: Mesh): DocProblem[] {
  const { service, namespace } = requestTarget(raw);
  const all = mesh.clusters.flatMap((c) => c.workloads);
  if (all.some((w) => w.service === service && w.namespace === namespace)) return [];
  const inOther = all.filter((w) => w.service === service).map((w) => w.namespace);
  const services = [...new Set(all.filter((w) => w.service !== undefined).map((w) => `${w.service}.${w.namespace}`))];
  const explicit = stringField(field(field(raw, 'spec'), 'request'), 'service') !== undefined;
  return [
    {
      path: inOther.length > 0 ? ['spec', 'request', 'namespace'] : ['spec', 'request', 'service'],
      message: `no workload in mesh ${mesh.name} backs service ${service}.${namespace}${explicit ? '' : ' (the default request)'}`,
      hint: inOther.length > 0 ? `${service} runs in namespace ${[...new Set(inOther)].join(', ')}` : `services: ${services.join(', ') || '(none)'}`,
    },
  ];
}

function checkLoad(raw: unknown): DocProblem[] {
  const load = field(field(raw, 'spec'), 'load');
  if (!isRecord(load)) return [];
  const path: PathSeg[] = ['spec', 'load'];
  const hasRate = load['rate'] !== undefined;
  const hasConcurrency = load['concurrency'] !== undefined;
  if (hasRate && hasConcurrency) {
    return [{ path: [...path, 'concurrency'], message: 'rate (open model) and concurrency (closed model) exclude each other', hint: 'keep rate for a constant arrival rate, or concurrency for request loops', at: 'key' }];
  }
  if (!hasRate && !hasConcurrency) {
    return [{ path, message: 'load needs rate (open model) or concurrency (closed model)', hint: 'e.g. "load: {rate: 100, duration: 60s}" or "load: {concurrency: 1, duration: 60s}"' }];
  }
  if (hasRate && load['thinkTime'] !== undefined) {
    return [{ path: [...path, 'thinkTime'], message: 'thinkTime applies to the closed model only', hint: 'drop thinkTime, or use concurrency instead of rate', at: 'key' }];
  }
  return [];
}

function pickRule(ref: DestinationRuleRef | undefined, path: PathSeg[], target: { service: string; namespace: string }): { rule?: DestinationRule; problems: DocProblem[] } {
  if (ref === undefined) return { problems: [] };
  if (ref.status === 'invalid') {
    return { problems: [{ path, message: `DestinationRule file ${ref.display} has problems`, hint: `they are listed under ${ref.display}` }] };
  }
  if (ref.status === 'missing') return { problems: [{ path, message: ref.message, ...(ref.hint !== undefined ? { hint: ref.hint } : {}) }] };
  const matching = ref.rules.filter((r) => destinationRuleSelects(r, target.service, target.namespace));
  const fqdn = serviceFqdn(target.service, target.namespace);
  if (matching.length === 0) {
    const hosts = ref.rules.map((r) => resolveDestinationRuleHost(r, target.namespace));
    return { problems: [{ path, message: `${ref.display} has no DestinationRule for ${fqdn}`, hint: `its host${hosts.length === 1 ? ' is' : 's are'} ${hosts.join(', ')}` }] };
  }
  if (matching.length > 1) {
    return { problems: [{ path, message: `${ref.display} has ${matching.length} DestinationRules that select ${fqdn} (${matching.map((r) => r.name).join(', ')})`, hint: 'keep one rule for the service' }] };
  }
  return { rule: matching[0], problems: [] };
}

/**
 * Validates a parsed Scenario document against the mesh and resolves it when there is no problem.
 * A referenced DestinationRule file that is `invalid` gives one problem here; its own problems are
 * the loader's to report against that file.
 */
export function validateScenarioDocument(raw: unknown, ctx: ScenarioContext): { scenario?: Scenario; problems: DocProblem[] } {
  const header = checkHeader(raw, 'Scenario');
  if (header.length > 0) return { problems: header };
  const { data, problems } = parseWith(scenarioSchema, raw);
  const spec = field(raw, 'spec');
  problems.push(...checkClients(raw, ctx.mesh), ...checkService(raw, ctx.mesh), ...checkLoad(raw));

  const durationUs = durationUsOrUndefined(field(field(spec, 'load'), 'duration'));
  const timeline = checkTimeline(arrayField(spec, 'timeline'), ctx.mesh, durationUs);
  problems.push(...timeline.problems);
  const measure = checkFailoverMeasure(field(spec, 'measure'), timeline.facts.events);
  problems.push(...measure.problems);

  const target = requestTarget(raw);
  const versions = [
    ...new Set(
      ctx.mesh.clusters.flatMap((c) => c.workloads.filter((w) => w.service === target.service && w.namespace === target.namespace && w.version !== undefined).map((w) => w.version ?? '')),
    ),
  ].sort();
  const thresholds = validateThresholds(arrayField(spec, 'thresholds'), ['spec', 'thresholds'], {
    versions,
    clusters: ctx.mesh.clusters.map((c) => c.name),
    clients: documentClients(spec),
    events: timeline.facts.events,
    ...(measure.failover !== undefined ? { failover: measure.failover } : {}),
  });
  problems.push(...thresholds.problems);

  const topRef = stringField(spec, 'destinationRule');
  const top = topRef === undefined ? { problems: [] } : pickRule(ctx.destinationRules.get(topRef), ['spec', 'destinationRule'], target);
  problems.push(...top.problems);
  const applied = new Map<string, DestinationRule>();
  arrayField(spec, 'timeline').forEach((e, i) => {
    const ref = stringField(e, 'applyDestinationRule');
    if (ref === undefined) return;
    const picked = pickRule(ctx.destinationRules.get(ref), ['spec', 'timeline', i, 'applyDestinationRule'], target);
    problems.push(...picked.problems);
    if (picked.rule !== undefined) applied.set(ref, picked.rule);
  });

  if (problems.length > 0 || data === undefined) return { problems };
  const scenario = resolveScenario(data, {
    source: ctx.source,
    ...(top.rule !== undefined ? { destinationRule: top.rule } : {}),
    appliedRules: applied,
    thresholds: thresholds.thresholds,
    ...(measure.failover !== undefined ? { failover: measure.failover } : {}),
  });
  return { scenario, problems: [] };
}
