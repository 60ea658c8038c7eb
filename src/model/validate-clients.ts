import { durationUsOrUndefined } from './duration.js';
import type { Mesh } from './mesh.js';
import { parseFraction } from './quantity.js';
import { clientName, type LoadModel, type ScenarioClient } from './scenario.js';
import type { ScenarioDocument } from './schemas/scenario.js';
import { suggest } from './schemas/suggest.js';
import { arrayField, field, isRecord, stringField, type DocProblem, type PathSeg } from './validate-problems.js';
import { deploymentProblem } from './validate-timeline.js';

/**
 * The client workloads of a Scenario: `spec.client` (one client, the seed's form) or `spec.clients`
 * (several, each with its own load or a share of the scenario's). Checks span the document and the
 * mesh: the workload exists and is a client, no client twice, shares add up to 1, a share of a
 * closed load gives whole VUs, a client's own load is one model and ends within the scenario's.
 */

/** Shares are floats written by people: 0.3 + 0.7 must pass. */
const SHARE_SUM_TOLERANCE = 1e-9;

/** Problems of the client named at `base` (an object with `cluster` and `workload`). */
function checkWorkload(entry: unknown, base: PathSeg[], mesh: Mesh): DocProblem[] {
  const clusterName = stringField(entry, 'cluster');
  const workloadName = stringField(entry, 'workload');
  if (clusterName === undefined) return [];
  const cluster = mesh.clusters.find((c) => c.name === clusterName);
  if (cluster === undefined) {
    const names = mesh.clusters.map((c) => c.name);
    const close = suggest(clusterName, names);
    return [{ path: [...base, 'cluster'], message: `cluster "${clusterName}" is not in mesh ${mesh.name}`, hint: `clusters: ${names.join(', ')}${close !== undefined ? ` (did you mean "${close}"?)` : ''}` }];
  }
  if (workloadName === undefined) return [];
  const missing = deploymentProblem(mesh, cluster, workloadName, [...base, 'workload']);
  if (missing !== undefined) return [missing];
  const workload = cluster.workloads.find((w) => w.name === workloadName);
  if (workload !== undefined && !workload.client) {
    const clients = cluster.workloads.filter((w) => w.client).map((w) => w.name);
    return [
      {
        path: [...base, 'workload'],
        message: `workload "${workloadName}" in ${cluster.name} is not a client`,
        hint: clients.length > 0 ? `clients in ${cluster.name}: ${clients.join(', ')}` : `mark a workload "client: true" in the mesh (the seed's sleep pod)`,
      },
    ];
  }
  return [];
}

/** A client's own `load`: one model, thinkTime only with concurrency, no longer than the scenario. */
function checkOwnLoad(load: Record<string, unknown>, base: PathSeg[], scenarioDurationUs: number | undefined): DocProblem[] {
  const path = [...base, 'load'];
  const hasRate = load['rate'] !== undefined;
  const hasConcurrency = load['concurrency'] !== undefined;
  if (hasRate && hasConcurrency) return [{ path: [...path, 'concurrency'], message: 'rate (open model) and concurrency (closed model) exclude each other', hint: "keep one: this client's load is one model", at: 'key' }];
  if (!hasRate && !hasConcurrency) return [{ path, message: "a client's load needs rate (open model) or concurrency (closed model)", hint: 'e.g. "load: {rate: 20}" or "load: {concurrency: 1}"; the duration defaults to the scenario\'s' }];
  if (hasRate && load['thinkTime'] !== undefined) return [{ path: [...path, 'thinkTime'], message: 'thinkTime applies to the closed model only', hint: 'drop thinkTime, or use concurrency instead of rate', at: 'key' }];
  const own = durationUsOrUndefined(load['duration']);
  if (own !== undefined && scenarioDurationUs !== undefined && own > scenarioDurationUs) {
    return [{ path: [...path, 'duration'], message: `the client's load lasts longer than the scenario's (${String(load['duration'])})`, hint: 'the scenario load.duration is the run: shorten the client\'s duration or lengthen the scenario\'s' }];
  }
  return [];
}

/**
 * Every problem of the client section(s). `spec.load` is checked elsewhere; here it is read only
 * to split shares (a closed load must split into whole VUs).
 */
export function checkClients(raw: unknown, mesh: Mesh): DocProblem[] {
  const spec = field(raw, 'spec');
  if (!isRecord(spec)) return [];
  const one = spec['client'];
  const many = spec['clients'];
  if (one !== undefined && many !== undefined) {
    return [{ path: ['spec', 'clients'], message: 'client and clients exclude each other', hint: 'move the single client into the clients list, or keep client alone', at: 'key' }];
  }
  if (one === undefined && many === undefined) {
    return [{ path: ['spec'], message: 'the scenario names no client', hint: 'add "client: {cluster: cluster1, workload: sleep}", or "clients: [...]" for several' }];
  }
  if (one !== undefined) return checkWorkload(one, ['spec', 'client'], mesh);
  const entries = arrayField(spec, 'clients');
  const problems: DocProblem[] = [];
  const seen = new Map<string, number>();
  const scenarioLoad = field(spec, 'load');
  const scenarioDurationUs = durationUsOrUndefined(field(scenarioLoad, 'duration'));
  let shareSum = 0;
  const withShare: number[] = [];
  const plain: number[] = [];
  entries.forEach((e, i) => {
    const base: PathSeg[] = ['spec', 'clients', i];
    problems.push(...checkWorkload(e, base, mesh));
    const cluster = stringField(e, 'cluster');
    const workload = stringField(e, 'workload');
    if (cluster !== undefined && workload !== undefined) {
      const name = clientName({ cluster, workload });
      const first = seen.get(name);
      if (first !== undefined) problems.push({ path: [...base, 'workload'], message: `client ${name} is listed twice (spec.clients[${first}] and [${i}])`, hint: 'list each client workload once; give it a larger load or share instead' });
      else seen.set(name, i);
    }
    const hasShare = field(e, 'share') !== undefined;
    const load = field(e, 'load');
    if (hasShare && load !== undefined) {
      problems.push({ path: [...base, 'load'], message: 'share and load exclude each other', hint: 'a client takes a share of the scenario load, or a load of its own', at: 'key' });
      return;
    }
    if (isRecord(load)) problems.push(...checkOwnLoad(load, base, scenarioDurationUs));
    else if (hasShare) {
      withShare.push(i);
      const s = parseFraction(field(e, 'share'));
      if (s.ok) {
        shareSum += s.value;
        const vus = field(scenarioLoad, 'concurrency');
        if (typeof vus === 'number' && Math.abs(vus * s.value - Math.round(vus * s.value)) > 1e-6) {
          problems.push({ path: [...base, 'share'], message: `share ${String(field(e, 'share'))} of concurrency ${vus} is not a whole number of VUs (${vus * s.value})`, hint: 'pick shares that split the VUs exactly, or give the client its own "load: {concurrency: N}"' });
        } else if (typeof vus === 'number' && Math.round(vus * s.value) < 1) {
          problems.push({ path: [...base, 'share'], message: `share ${String(field(e, 'share'))} of concurrency ${vus} leaves the client no VU`, hint: 'raise the scenario concurrency or this share' });
        }
      }
    } else plain.push(i);
  });
  if (withShare.length > 0 && plain.length > 0) {
    problems.push({
      path: ['spec', 'clients', plain[0] as number],
      message: 'some clients take a share of the scenario load and this one names neither share nor load',
      hint: 'give every client a share (adding up to 1) or a load of its own; a client with neither sends the whole scenario load',
    });
  } else if (withShare.length > 0 && Math.abs(shareSum - 1) > SHARE_SUM_TOLERANCE) {
    problems.push({ path: ['spec', 'clients'], message: `the clients' shares add up to ${Number(shareSum.toFixed(9))}, not 1`, hint: 'shares split the scenario load: e.g. 0.3 and 0.7' });
  }
  return problems;
}

/** A client's own load resolved against the scenario's duration. */
function ownLoad(l: NonNullable<NonNullable<ScenarioDocument['spec']['clients']>[number]['load']>, durationUs: number): LoadModel {
  const d = l.duration ?? durationUs;
  if (l.rate !== undefined) return { kind: 'open', ratePerS: l.rate, durationUs: d };
  return { kind: 'closed', concurrency: l.concurrency ?? 1, durationUs: d, thinkTimeUs: l.thinkTime ?? 0 };
}

/** Its share of the scenario load (validated: a closed share is a whole number of VUs). */
function shareOf(load: LoadModel, share: number): LoadModel {
  if (load.kind === 'open') return { ...load, ratePerS: load.ratePerS * share };
  return { ...load, concurrency: Math.round(load.concurrency * share) };
}

/** The clients of a document without problems; undefined for the single-client form. */
export function resolveClients(spec: ScenarioDocument['spec'], load: LoadModel): ScenarioClient[] | undefined {
  if (spec.clients === undefined) return undefined;
  return spec.clients.map((c) => ({
    cluster: c.cluster,
    workload: c.workload,
    load: c.load !== undefined ? ownLoad(c.load, load.durationUs) : c.share !== undefined ? shareOf(load, c.share) : { ...load },
  }));
}
