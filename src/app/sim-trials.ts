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
import { estimateRun, needsRequestRows, streamsRequests } from '../model/run-limits.js';
import type { RunEvent } from '../model/sample.js';
import type { Scenario } from '../model/scenario.js';
import { startSimulation } from '../sim/engine/simulation.js';
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
    ...(scenario.request.trafficDistribution !== undefined ? { trafficDistribution: scenario.request.trafficDistribution } : {}),
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
  // Bounded memory: long trials whose measures are not cut at events are counted as the samples
  // arrive, whatever the target (simTrialOptions streams the others too, in scheduled order).
  if (streamsRequests(estimateRun(scenario, mesh, 1).requestsPerTrial) && !needsRequestRows(scenario)) opts.keepSamples = false;
  const predicted = explained.entries[0]?.predictedShares;
  if (predicted !== undefined && Object.keys(predicted).length > 0) opts.expectedShares = predicted;
  const faulted = faultedVersions(mesh, scenario);
  if (faulted.length === 1) opts.faultedVersion = faulted[0]!;
  else if (faulted.length > 1) opts.faultedVersions = faulted;
  return opts;
}

/**
 * `accumulatorOptionsFor` for simulator trials: a long trial is counted as it runs, in scheduled
 * order (the simulator numbers its requests, `Sample.seq`), instead of keeping a row per request:
 * phases, windows and failover figures are cut at the events as they happen, and an interrupt
 * keeps a complete stretch of the schedule. Other targets do not number their samples.
 */
export function simTrialOptions(job: SimJob): AccumulatorOptions {
  const opts = accumulatorOptionsFor(job);
  if (streamsRequests(estimateRun(job.scenario, job.mesh, 1).requestsPerTrial)) {
    opts.keepSamples = false;
    opts.orderedStream = true;
  }
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

/** Where a trial loop stands between two slices (progress within a trial). */
export interface TrialPosition {
  /** Index of the trial being run, from 0 within this call. */
  index: number;
  /** Virtual time the trial has reached, and its load duration (µs). */
  nowUs: number;
  durationUs: number;
}

/** Events per slice: small enough that a check between slices answers a signal within ~10 ms. */
export const SLICE_EVENTS = 20_000;

/** Batch of the trials that finished before a stop, and where the stop came. */
export interface StoppedBatch {
  /** Trials completed (combined in `batch`); undefined batch when none completed and nothing was measured. */
  completed: number;
  batch: SimBatch | undefined;
  /**
   * A one-trial run cut mid-way keeps what it measured: `batch` is that trial up to the first
   * request still in flight, and this is where its measured span ends (µs of virtual time).
   */
  measuredToUs?: number;
  /** The trial that was cut, and the virtual time it had reached. */
  at: TrialPosition;
}

/**
 * Runs one trial per seed (seed i is trial `firstTrial + i`) and combines them.
 * `onTrialDone` is called after every trial (progress).
 */
export function runSimTrials(job: SimJob, seeds: readonly number[], firstTrial: number, onTrialDone?: () => void): SimBatch {
  const steps = trialSteps(job, seeds, firstTrial, onTrialDone, Infinity);
  for (;;) {
    const next = steps.next(false);
    if (next.done === true) return next.value as SimBatch;
  }
}

/** How a sliced trial loop is driven: a stop check, a pause that lets the caller's event loop run, progress. */
export interface TrialControl {
  /** True once the work should stop (an interrupt); checked between slices. */
  stopRequested(): boolean;
  /** Awaited between slices when given (in-process runs: lets a signal handler run). */
  pause?(): Promise<void>;
  /** Called between slices with the position reached. */
  onSlice?(at: TrialPosition): void;
  /** Events per slice (default SLICE_EVENTS). */
  sliceEvents?: number;
}

/**
 * `runSimTrials` in slices of events, checking `control` between them. Same results as
 * `runSimTrials` when it runs to the end; on a stop it returns the trials that completed
 * (a trial cut mid-way is dropped: its requests in flight were never measured).
 */
export async function runSimTrialsSliced(
  job: SimJob,
  seeds: readonly number[],
  firstTrial: number,
  control: TrialControl,
  onTrialDone?: () => void,
): Promise<{ done: SimBatch } | { stopped: StoppedBatch }> {
  // Already stopped (an interrupt between two scenarios): run nothing.
  if (control.stopRequested()) return { stopped: { completed: 0, batch: undefined, at: { index: 0, nowUs: 0, durationUs: job.scenario.load.durationUs } } };
  const steps = trialSteps(job, seeds, firstTrial, onTrialDone, control.sliceEvents ?? SLICE_EVENTS);
  let stop = false;
  for (;;) {
    const next = steps.next(stop);
    if (next.done === true) {
      const v = next.value;
      return 'completed' in v ? { stopped: v } : { done: v };
    }
    control.onSlice?.(next.value);
    if (control.pause !== undefined) await control.pause();
    stop = control.stopRequested();
  }
}

/**
 * The trial loop as a generator: yields the position after every slice of `sliceEvents` events;
 * `next(true)` stops it, and it returns what completed. One implementation for the plain, the
 * sliced and the worker paths, so they cannot drift apart.
 */
function* trialSteps(
  job: SimJob,
  seeds: readonly number[],
  firstTrial: number,
  onTrialDone: (() => void) | undefined,
  sliceEvents: number,
): Generator<TrialPosition, SimBatch | StoppedBatch, boolean> {
  const profile = istioProfile(job.istio);
  if (profile === undefined) throw new RangeError(`unsupported Istio version ${job.istio}`);
  if (seeds.length === 0) throw new RangeError('runSimTrials: no seeds');
  const options = simTrialOptions(job);
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
  const batchOf = (): SimBatch => {
    const rest = combined === undefined ? pending : [combined, ...pending];
    return { measures: combineTrials(rest), events, eventsSeed: seeds[0] as number, requests, eventsProcessed };
  };
  try {
    for (let i = 0; i < seeds.length; i++) {
      const seed = seeds[i] as number;
      const acc = createAccumulator(options, columns);
      const sim = startSimulation({ mesh: job.mesh, scenario: job.scenario, profile, seed }, acc);
      acc.watch(sim.events);
      while (!sim.advance(sliceEvents)) {
        const at = { index: i, nowUs: sim.nowUs, durationUs: job.scenario.load.durationUs };
        if (!(yield at)) continue;
        if (i > 0 || seeds.length > 1 || firstTrial > 0) return { completed: i, batch: i > 0 ? batchOf() : undefined, at };
        // The only trial of the run: keep what it measured rather than nothing (issue 17).
        const out = sim.output();
        const partial = acc.finishPartial(out.events);
        if (partial === null) return { completed: 0, batch: undefined, at };
        return {
          completed: 0,
          batch: { measures: partial.measures, events: out.events, eventsSeed: seed, requests: partial.requests, eventsProcessed: out.eventsProcessed },
          at,
          measuredToUs: partial.horizonUs,
        };
      }
      const out = sim.output();
      pending.push(acc.finish(out.events));
      if (pending.length === COMBINE_EVERY) {
        combined = combineTrials(combined === undefined ? pending : [combined, ...pending]);
        pending = [];
      }
      if (i === 0) events = seeds.length > 1 || firstTrial > 0 ? out.events.map((e) => ({ ...e, trial: firstTrial })) : out.events;
      requests += out.requests;
      eventsProcessed += out.eventsProcessed;
      onTrialDone?.();
      // A check between trials too: short trials never reach a slice boundary.
      if (i + 1 < seeds.length) {
        const at = { index: i + 1, nowUs: 0, durationUs: job.scenario.load.durationUs };
        if (yield at) return { completed: i + 1, batch: batchOf(), at };
      }
    }
  } finally {
    spareColumns = columns;
  }
  return batchOf();
}
