import { durationUsOrUndefined, formatDurationUs } from './duration.js';
import type { Mesh, MeshCluster } from './mesh.js';
import { TIMELINE_ACTIONS } from './schemas/scenario.js';
import { suggest } from './schemas/suggest.js';
import { duplicateNames, field, isRecord, stringField, type DocProblem, type PathSeg } from './validate-problems.js';

/**
 * Checks of a scenario timeline that need the whole document or the mesh: one action per entry,
 * entries inside the run, unique names, and clusters/deployments/gateways that exist.
 */

const ENTRY_KEYS = new Set<string>(['at', 'name', ...TIMELINE_ACTIONS]);

/** What the timeline checks produce besides problems: named entries → time (µs), for `measure` and `during`. */
export interface TimelineFacts {
  events: Map<string, number>;
}

function clusterProblem(mesh: Mesh, name: unknown, path: PathSeg[]): { cluster?: MeshCluster; problem?: DocProblem } {
  if (typeof name !== 'string') return {};
  const cluster = mesh.clusters.find((c) => c.name === name);
  if (cluster !== undefined) return { cluster };
  const names = mesh.clusters.map((c) => c.name);
  const close = suggest(name, names);
  return {
    problem: { path, message: `cluster "${name}" is not in mesh ${mesh.name}`, hint: `clusters: ${names.join(', ')}${close !== undefined ? ` (did you mean "${close}"?)` : ''}` },
  };
}

/** Problem when `deployment` is not a workload of `cluster` (with where it does exist, if anywhere). */
export function deploymentProblem(mesh: Mesh, cluster: MeshCluster, name: unknown, path: PathSeg[]): DocProblem | undefined {
  if (typeof name !== 'string' || cluster.workloads.some((w) => w.name === name)) return undefined;
  const names = cluster.workloads.map((w) => w.name);
  const elsewhere = mesh.clusters.filter((c) => c.workloads.some((w) => w.name === name)).map((c) => c.name);
  const close = suggest(name, names);
  const hint =
    elsewhere.length > 0
      ? `"${name}" runs in ${elsewhere.join(', ')}; workloads of ${cluster.name}: ${names.join(', ') || '(none)'}`
      : `workloads of ${cluster.name}: ${names.join(', ') || '(none)'}${close !== undefined ? ` (did you mean "${close}"?)` : ''}`;
  return { path, message: `workload "${name}" is not in cluster ${cluster.name}`, hint };
}

function checkAction(mesh: Mesh, kind: string, action: unknown, path: PathSeg[]): DocProblem[] {
  if (kind === 'applyDestinationRule' || !isRecord(action)) return [];
  const { cluster, problem } = clusterProblem(mesh, action['cluster'], [...path, 'cluster']);
  if (problem !== undefined) return [problem];
  if (cluster === undefined) return [];
  if (kind === 'gatewayDown' || kind === 'gatewayUp') {
    if (cluster.eastWestGateway !== undefined) return [];
    const withGateway = mesh.clusters.filter((c) => c.eastWestGateway !== undefined).map((c) => c.name);
    return [
      {
        path: [...path, 'cluster'],
        message: `${kind} needs an east-west gateway, and cluster ${cluster.name} has none`,
        hint: withGateway.length > 0 ? `clusters with a gateway: ${withGateway.join(', ')}` : 'add "eastWestGateway: {replicas: 1}" to the cluster in the mesh',
      },
    ];
  }
  const p = deploymentProblem(mesh, cluster, action['deployment'], [...path, 'deployment']);
  return p === undefined ? [] : [p];
}

/**
 * Checks every timeline entry (lenient: entries the schema rejected are skipped where they cannot
 * be judged). `durationUs` is the run length when it is known.
 */
export function checkTimeline(timeline: readonly unknown[], mesh: Mesh, durationUs: number | undefined): { problems: DocProblem[]; facts: TimelineFacts } {
  const problems: DocProblem[] = [];
  const events = new Map<string, number>();
  timeline.forEach((entry, i) => {
    const path: PathSeg[] = ['spec', 'timeline', i];
    if (!isRecord(entry)) return;
    const actions = TIMELINE_ACTIONS.filter((k) => entry[k] !== undefined);
    const hasUnknown = Object.keys(entry).some((k) => !ENTRY_KEYS.has(k));
    if (actions.length === 0 && !hasUnknown) {
      problems.push({ path, message: 'timeline entry has no action', hint: `add one of ${TIMELINE_ACTIONS.join(', ')}` });
    }
    if (actions.length > 1) {
      problems.push({
        path: [...path, actions[1] ?? ''],
        message: `one timeline entry holds ${actions.length} actions (${actions.join(', ')})`,
        hint: 'put each action in its own entry (entries may share the same `at`)',
        at: 'key',
      });
    }
    const atUs = durationUsOrUndefined(entry['at']);
    if (atUs !== undefined && durationUs !== undefined && atUs >= durationUs) {
      problems.push({
        path: [...path, 'at'],
        message: `at ${String(entry['at'])} is not before the end of the run (load.duration ${formatDurationUs(durationUs)})`,
        hint: 'timeline actions happen in [0, duration): move the entry earlier or lengthen load.duration',
      });
    }
    for (const kind of actions) problems.push(...checkAction(mesh, kind, entry[kind], [...path, kind]));
    const name = stringField(entry, 'name');
    if (name !== undefined && atUs !== undefined && !events.has(name)) events.set(name, atUs);
  });
  problems.push(...duplicateNames(timeline.map((e, i) => ({ name: stringField(e, 'name'), path: ['spec', 'timeline', i, 'name'] })), 'timeline entry name'));
  return { problems, facts: { events } };
}

/** The failover measure in force: explicit, or `{fault, restore}` when entries carry those names. */
export function checkFailoverMeasure(measure: unknown, events: ReadonlyMap<string, number>): { failover?: { fault: string; restore?: string }; problems: DocProblem[] } {
  const explicit = field(measure, 'failover');
  const path: PathSeg[] = ['spec', 'measure', 'failover'];
  if (!isRecord(explicit)) {
    if (explicit !== undefined || !events.has('fault')) return { problems: [] };
    const fault = events.get('fault') ?? 0;
    const restore = events.get('restore');
    if (restore !== undefined && restore > fault) return { failover: { fault: 'fault', restore: 'restore' }, problems: [] };
    return { failover: { fault: 'fault' }, problems: [] };
  }
  const problems: DocProblem[] = [];
  const names = [...events.keys()];
  const fault = stringField(explicit, 'fault');
  const restore = stringField(explicit, 'restore');
  for (const [key, name] of [['fault', fault], ['restore', restore]] as const) {
    if (name === undefined || events.has(name)) continue;
    const close = suggest(name, names);
    problems.push({
      path: [...path, key],
      message: `measure.failover.${key} names "${name}", which is not a named timeline entry`,
      hint: `named entries: ${names.join(', ') || '(none: add `name:` to timeline entries)'}${close !== undefined ? ` (did you mean "${close}"?)` : ''}`,
    });
  }
  const faultUs = fault === undefined ? undefined : events.get(fault);
  const restoreUs = restore === undefined ? undefined : events.get(restore);
  if (faultUs !== undefined && restoreUs !== undefined && restoreUs <= faultUs) {
    problems.push({
      path: [...path, 'restore'],
      message: `restore "${restore}" (${formatDurationUs(restoreUs)}) is not after fault "${fault}" (${formatDurationUs(faultUs)})`,
      hint: 'the restore entry must come later than the fault entry',
    });
  }
  if (problems.length > 0 || fault === undefined) return { problems };
  return { failover: restore === undefined ? { fault } : { fault, restore }, problems };
}
