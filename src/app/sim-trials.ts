/**
 * Simulator trials: run the engine for a list of seeds and fold their samples into measures.
 * Pure and synchronous, so the same function runs in-process and inside worker threads.
 */
import { createAccumulator, type AccumulatorOptions } from '../measure/accumulator.js';
import { Columns } from '../measure/columns.js';
import { combineTrials } from '../measure/combine.js';
import type { TrialMeasures } from '../measure/types.js';
import { formatLocality } from '../model/locality.js';
import type { Mesh } from '../model/mesh.js';
import type { RunEvent } from '../model/sample.js';
import type { Scenario } from '../model/scenario.js';
import { simulate } from '../sim/engine/simulation.js';
import { explainMesh } from '../sim/explain/explain.js';
import { istioProfile } from '../sim/istio-profile.js';
import { findWorkload } from '../sim/topology.js';

const COMBINE_EVERY = 32;

/**
 * Request columns left by the previous call, reused by the next one in this thread (taken while
 * in use, so a nested call would simply allocate its own).
 */
let spareColumns: Columns | undefined;

/** Everything a trial needs; plain data so it can be posted to a worker. */
export interface SimJob {
  mesh: Mesh;
  scenario: Scenario;
  /** Istio profile version (`1.24`). */
  istio: string;
}

/** Trials folded together (combineTrials), plus what the result keeps of the first trial. */
export interface SimBatch {
  measures: TrialMeasures;
  /** Events of the lowest seed in the batch, tagged with its trial index. */
  events: RunEvent[];
  /** Seed the events belong to. */
  eventsSeed: number;
  requests: number;
  eventsProcessed: number;
}

/** Accumulator options for a scenario on a mesh: client placement, predicted split, failover spec. */
export function accumulatorOptionsFor(job: SimJob): AccumulatorOptions {
  const { mesh, scenario } = job;
  const profile = istioProfile(job.istio);
  if (profile === undefined) throw new RangeError(`unsupported Istio version ${job.istio}`);
  const client = findWorkload(mesh, scenario.client.cluster, scenario.client.workload);
  if (client === undefined) throw new RangeError(`client ${scenario.client.cluster}/${scenario.client.workload} not in the mesh`);
  const explained = explainMesh({
    mesh,
    ...(scenario.destinationRule ? { destinationRule: scenario.destinationRule } : {}),
    profile,
    clients: [scenario.client],
    service: { service: scenario.request.service, namespace: scenario.request.namespace },
  });
  const load = scenario.load;
  const opts: AccumulatorOptions = {
    load:
      load.kind === 'open'
        ? { model: 'open', ratePerS: load.ratePerS, durationUs: load.durationUs }
        : { model: 'closed', concurrency: load.concurrency, durationUs: load.durationUs },
    client: { cluster: client.cluster.name, network: client.cluster.network, locality: formatLocality(client.workload.locality) },
    clusterNetworks: Object.fromEntries(mesh.clusters.map((c) => [c.name, c.network])),
    thresholds: scenario.thresholds,
    failover: scenario.measure.failover ?? null,
  };
  const predicted = explained.entries[0]?.predictedShares;
  if (predicted !== undefined && Object.keys(predicted).length > 0) opts.expectedShares = predicted;
  const faulted = faultedVersions(mesh, scenario);
  if (faulted.length === 1) opts.faultedVersion = faulted[0]!;
  else if (faulted.length > 1) opts.faultedVersions = faulted;
  return opts;
}

/**
 * The version(s) the failover's fault action takes down, from any timeline action: the named
 * deployment's version, or for `gatewayDown` every version behind that gateway (the service's
 * workloads in its cluster), since a client on another network reaches them only through it.
 * A client on the gateway's own network does not use the gateway: nothing is faulted for it.
 * Empty when unknown (e.g. `applyDestinationRule`): the measure then takes the version that served
 * most before the fault.
 */
export function faultedVersions(mesh: Mesh, scenario: Scenario): string[] {
  const name = scenario.measure.failover?.fault;
  const a = scenario.timeline.find((e) => e.name === name)?.action;
  if (a === undefined) return [];
  if ('deployment' in a) {
    const v = findWorkload(mesh, a.cluster, a.deployment)?.workload.version;
    return v !== undefined ? [v] : [];
  }
  if (a.kind !== 'gatewayDown') return [];
  const cluster = mesh.clusters.find((c) => c.name === a.cluster);
  const clientNetwork = mesh.clusters.find((c) => c.name === scenario.client.cluster)?.network;
  if (cluster === undefined || cluster.network === clientNetwork) return [];
  const behind = cluster.workloads.filter((w) => !w.client && w.service === scenario.request.service && w.namespace === scenario.request.namespace && w.version !== undefined);
  return [...new Set(behind.map((w) => w.version!))].sort();
}

/**
 * Runs one trial per seed (seed i is trial `firstTrial + i`) and combines them.
 * `onTrialDone` is called after every trial (progress).
 */
export function runSimTrials(job: SimJob, seeds: readonly number[], firstTrial: number, onTrialDone?: () => void): SimBatch {
  const profile = istioProfile(job.istio);
  if (profile === undefined) throw new RangeError(`unsupported Istio version ${job.istio}`);
  if (seeds.length === 0) throw new RangeError('runSimTrials: no seeds');
  const options = accumulatorOptionsFor(job);
  // Fold trials into a running total every COMBINE_EVERY trials so memory stays flat over
  // thousands of trials (combineTrials is associative: the grouping does not change the result).
  let combined: TrialMeasures | undefined;
  let pending: TrialMeasures[] = [];
  let events: RunEvent[] = [];
  let requests = 0;
  let eventsProcessed = 0;
  // One set of columns for every trial in turn (each trial's accumulator is finished before the
  // next starts), kept for the next call too: fresh columns cost page faults on every trial.
  const columns = spareColumns ?? new Columns();
  spareColumns = undefined;
  seeds.forEach((seed, i) => {
    const acc = createAccumulator(options, columns);
    const out = simulate({ mesh: job.mesh, scenario: job.scenario, profile, seed }, acc);
    pending.push(acc.finish(out.events));
    if (pending.length === COMBINE_EVERY) {
      combined = combineTrials(combined === undefined ? pending : [combined, ...pending]);
      pending = [];
    }
    if (i === 0) events = seeds.length > 1 || firstTrial > 0 ? out.events.map((e) => ({ ...e, trial: firstTrial })) : out.events;
    requests += out.requests;
    eventsProcessed += out.eventsProcessed;
    onTrialDone?.();
  });
  spareColumns = columns;
  const rest = combined === undefined ? pending : [combined, ...pending];
  return { measures: combineTrials(rest), events, eventsSeed: seeds[0] as number, requests, eventsProcessed };
}
