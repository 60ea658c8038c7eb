/**
 * Simulator trials: run the engine for a list of seeds and fold their samples into measures.
 * Pure and synchronous, so the same function runs in-process and inside worker threads.
 */
import { createAccumulator, type Accumulator, type AccumulatorOptions } from '../measure/accumulator.js';
import { Columns } from '../measure/columns.js';
import { combineTrials } from '../measure/combine.js';
import type { LocalityCounts, TrialMeasures } from '../measure/types.js';
import { formatLocality } from '../model/locality.js';
import type { Mesh } from '../model/mesh.js';
import { estimateRun, needsRequestRows, streamsRequests } from '../model/run-limits.js';
import type { EventsSoFar, RunEvent, Sample } from '../model/sample.js';
import { clientName, overallLoad, scenarioClients, type LoadModel, type Scenario, type ScenarioClient } from '../model/scenario.js';
import { startSimulation } from '../sim/engine/simulation.js';
import { explainMesh, type ClientExplain } from '../sim/explain/explain.js';
import { istioProfile } from '../sim/istio-profile.js';
import { findWorkload } from '../sim/topology.js';

const COMBINE_EVERY = 32;

/**
 * Request columns left by the previous call, reused by the next one in this thread (taken while
 * in use, so a nested call would simply allocate its own).
 */
let spareColumns: Columns | undefined;
/** The same for each client's measures (a run with 50 clients records into 51 sets of columns). */
let spareClientColumns: Columns[] = [];

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
  /** Envoy response flags of the final answers over every trial (`UO`: a circuit breaker overflowed). */
  responseFlags: Record<string, number>;
}

/**
 * Accumulator options for a scenario on a mesh: client placement, predicted split, failover spec.
 * With several clients these are the options of the overall measures (every client together):
 * no placement (each client's locality shares are its own, summed afterwards by `sumLocalities`),
 * no predicted split (each client has its own), the faulted versions of every client.
 */
export function accumulatorOptionsFor(job: SimJob): AccumulatorOptions {
  return measureOptionsFor(job).overall;
}

/**
 * The overall options and, with several clients, each client's. One explain covers every client
 * (what they share, the service's endpoints and the gateways' forward sets, is built once).
 */
function measureOptionsFor(job: SimJob): { overall: AccumulatorOptions; perClient: AccumulatorOptions[] } {
  const clients = scenarioClients(job.scenario);
  const explained = explainClients(job, clients);
  const perClient = clients.map((c, i) => clientAccumulatorOptions(job, c, explained[i]));
  if (clients.length === 1) return { overall: perClient[0] as AccumulatorOptions, perClient: [] };
  return { overall: overallOptions(job, perClient), perClient };
}

/** explain's entry for each client (its own load: gateway pinning counts its connections). */
function explainClients(job: SimJob, clients: readonly ScenarioClient[]): Array<ClientExplain | undefined> {
  const { mesh, scenario } = job;
  const profile = istioProfile(job.istio);
  if (profile === undefined) throw new RangeError(`unsupported Istio version ${job.istio}`);
  for (const c of clients) if (findWorkload(mesh, c.cluster, c.workload) === undefined) throw new RangeError(`client ${clientName(c)} not in the mesh`);
  const explained = explainMesh({
    mesh,
    ...(scenario.destinationRule ? { destinationRule: scenario.destinationRule } : {}),
    profile,
    clients: clients.map((c) => ({ cluster: c.cluster, workload: c.workload, load: c.load })),
    service: { service: scenario.request.service, namespace: scenario.request.namespace },
    ...(scenario.request.trafficDistribution !== undefined ? { trafficDistribution: scenario.request.trafficDistribution } : {}),
  });
  return clients.map((_, i) => explained.entries[i]);
}

/**
 * `accumulatorOptionsFor` for simulator trials: a long trial is counted as it runs, in scheduled
 * order (the simulator numbers its requests, `Sample.seq`), instead of keeping a row per request:
 * phases, windows and failover figures are cut at the events as they happen, and an interrupt
 * keeps a complete stretch of the schedule. Other targets do not number their samples.
 */
export function simTrialOptions(job: SimJob): AccumulatorOptions {
  return simMeasureOptions(job).overall;
}

/** `measureOptionsFor` with the ordered stream of long trials, overall and per client (each client's samples are numbered in its own order). */
function simMeasureOptions(job: SimJob): { overall: AccumulatorOptions; perClient: AccumulatorOptions[] } {
  const all = measureOptionsFor(job);
  if (streamsRequests(estimateRun(job.scenario, job.mesh, 1).requestsPerTrial)) {
    for (const opts of [all.overall, ...all.perClient]) {
      opts.keepSamples = false;
      opts.orderedStream = true;
    }
  }
  return all;
}

/**
 * simMeasureOptions once per job object: every call for the same job (a batch of trials, then
 * the next batch or the next seed) gets the same options without explaining each client again.
 * Each call gets its own copy, so no accumulator can change another's options.
 */
const optionsByJob = new WeakMap<SimJob, { overall: AccumulatorOptions; perClient: AccumulatorOptions[] }>();
function jobMeasureOptions(job: SimJob): { overall: AccumulatorOptions; perClient: AccumulatorOptions[] } {
  let all = optionsByJob.get(job);
  if (all === undefined) {
    all = simMeasureOptions(job);
    optionsByJob.set(job, all);
  }
  return structuredClone(all);
}

function overallOptions(job: SimJob, perClient: readonly AccumulatorOptions[]): AccumulatorOptions {
  const load = overallLoad(job.scenario);
  const opts: AccumulatorOptions = { ...loadOptions(job, load), client: null };
  const faulted = [...new Set(perClient.flatMap((o) => o.faultedVersions ?? (o.faultedVersion !== undefined ? [o.faultedVersion] : [])))].sort();
  if (faulted.length === 1) opts.faultedVersion = faulted[0]!;
  else if (faulted.length > 1) opts.faultedVersions = faulted;
  return opts;
}

function loadOptions(job: SimJob, load: LoadModel): AccumulatorOptions {
  const { mesh, scenario } = job;
  const opts: AccumulatorOptions = {
    load:
      load.kind === 'open'
        ? { model: 'open', ratePerS: load.ratePerS, durationUs: load.durationUs }
        : { model: 'closed', concurrency: load.concurrency, durationUs: load.durationUs },
    clusterNetworks: Object.fromEntries(mesh.clusters.map((c) => [c.name, c.network])),
    thresholds: scenario.thresholds,
    failover: scenario.measure.failover ?? null,
  };
  // Bounded memory: long trials whose measures are not cut at events are counted as the samples
  // arrive, whatever the target (simMeasureOptions streams the others too, in scheduled order).
  if (streamsRequests(estimateRun(scenario, mesh, 1).requestsPerTrial) && !needsRequestRows(scenario)) opts.keepSamples = false;
  return opts;
}

/** Options of one client's measures: its placement, its load, the split predicted for it, what its fault takes down. */
function clientAccumulatorOptions(job: SimJob, c: ScenarioClient, entry: ClientExplain | undefined): AccumulatorOptions {
  const { mesh, scenario } = job;
  const client = findWorkload(mesh, c.cluster, c.workload);
  if (client === undefined) throw new RangeError(`client ${clientName(c)} not in the mesh`);
  const opts: AccumulatorOptions = {
    ...loadOptions(job, c.load),
    client: { cluster: client.cluster.name, network: client.cluster.network, locality: formatLocality(client.workload.locality) },
  };
  const predicted = entry?.predictedShares;
  if (predicted !== undefined && Object.keys(predicted).length > 0) opts.expectedShares = predicted;
  // Versions behind one east-west gateway split per connection (explain's pinning), not per request.
  const pinning = entry?.pinning;
  if (pinning !== undefined && pinning.mode !== 'per-request') opts.pooledVersions = pinning.gateways.map((g) => g.versions.map((v) => v.version));
  const faulted = faultedVersions(mesh, scenario, c);
  if (faulted.length === 1) opts.faultedVersion = faulted[0]!;
  else if (faulted.length > 1) opts.faultedVersions = faulted;
  // With several clients, a client whose policy gives the faulted workload no traffic (a client in
  // another cluster that keeps its traffic local) is not affected by the fault: it gets no failover
  // figures rather than a "recovery" from something it never used.
  if (scenarioClients(scenario).length > 1 && predicted !== undefined && faulted.length > 0 && faulted.every((v) => (predicted[v] ?? 0) === 0)) {
    opts.failover = null;
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
export function faultedVersions(mesh: Mesh, scenario: Scenario, client: { cluster: string } = scenario.client): string[] {
  const name = scenario.measure.failover?.fault;
  const a = scenario.timeline.find((e) => e.name === name)?.action;
  if (a === undefined) return [];
  if ('deployment' in a) {
    const v = findWorkload(mesh, a.cluster, a.deployment)?.workload.version;
    return v !== undefined ? [v] : [];
  }
  if (a.kind !== 'gatewayDown') return [];
  const cluster = mesh.clusters.find((c) => c.name === a.cluster);
  const clientNetwork = mesh.clusters.find((c) => c.name === client.cluster)?.network;
  if (cluster === undefined || cluster.network === clientNetwork) return [];
  const behind = cluster.workloads.filter((w) => !w.client && w.service === scenario.request.service && w.namespace === scenario.request.namespace && w.version !== undefined);
  return [...new Set(behind.map((w) => w.version!))].sort();
}

/**
 * The sink of a run with several clients: every sample goes to the overall measures and to its own
 * client's, renumbered in that client's scheduled order (its accumulator keeps rows by `seq`).
 */
class ClientSplit implements Accumulator {
  constructor(
    private readonly overall: Accumulator,
    private readonly perClient: readonly Accumulator[],
    private readonly clients: readonly ScenarioClient[],
  ) {}

  record(s: Sample): void {
    this.overall.record(s);
    const acc = this.perClient[s.client ?? 0] as Accumulator;
    const seq = s.seq;
    s.seq = s.clientSeq;
    acc.record(s);
    s.seq = seq;
  }

  finish(events: readonly RunEvent[]): TrialMeasures {
    const clients = this.perClient.map((a, i) => ({ name: clientName(this.clients[i] as ScenarioClient), measures: a.finish(events) }));
    const m = this.overall.finish(events);
    sumLocalities(m, clients.map((c) => c.measures));
    // Failover figures are each client's own: traffic of clients that never used the faulted
    // workload would make a mixed "recovery" or "failback" mean nothing. Phases stay overall.
    return { ...m, failover: null, clients };
  }

  watch(events: EventsSoFar): void {
    this.overall.watch(events);
    for (const a of this.perClient) a.watch(events);
  }

  /** A cut trial: the overall span up to its first request in flight, each client's up to its own. */
  finishPartial(events: readonly RunEvent[]): { measures: TrialMeasures; horizonUs: number; requests: number } | null {
    const parts = this.perClient.map((a) => a.finishPartial(events));
    const o = this.overall.finishPartial(events);
    if (o === null) return null;
    const clients = parts.flatMap((p, i) => (p === null ? [] : [{ name: clientName(this.clients[i] as ScenarioClient), measures: p.measures }]));
    sumLocalities(o.measures, clients.map((c) => c.measures));
    return { measures: { ...o.measures, failover: null, clients }, horizonUs: o.horizonUs, requests: o.requests };
  }
}

/**
 * Overall locality counts of a multi-client trial: each request is near or far relative to its own
 * client, so the overall counts are the sum of the clients' (the overall accumulator has no single
 * placement to judge them by).
 */
function sumLocalities(m: TrialMeasures, parts: readonly TrialMeasures[]): void {
  const sum = (list: ReadonlyArray<LocalityCounts | null | undefined>): LocalityCounts | null => {
    const present = list.filter((l): l is LocalityCounts => l !== null && l !== undefined);
    if (present.length === 0) return null;
    const byCluster: Record<string, number> = {};
    for (const l of present) for (const [k, v] of Object.entries(l.byCluster)) byCluster[k] = (byCluster[k] ?? 0) + v;
    const total = (f: (l: LocalityCounts) => number) => present.reduce((n, l) => n + f(l), 0);
    return { attributed: total((l) => l.attributed), sameLocality: total((l) => l.sameLocality), sameCluster: total((l) => l.sameCluster), sameNetwork: total((l) => l.sameNetwork), byCluster };
  };
  m.overall.locality = sum(parts.map((p) => p.overall.locality));
  m.phases.forEach((ph, i) => (ph.counts.locality = sum(parts.map((p) => p.phases[i]?.name === ph.name ? p.phases[i]!.counts.locality : null))));
  m.windows.forEach((w, i) => {
    if (w.counts !== null) w.counts.locality = sum(parts.map((p) => p.windows[i]?.counts?.locality));
  });
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
  const { overall: options, perClient: clientOptions } = jobMeasureOptions(job);
  const clients = scenarioClients(job.scenario);
  // Fold trials into a running total every COMBINE_EVERY trials so memory stays flat over
  // thousands of trials (combineTrials is associative: the grouping does not change the result).
  let combined: TrialMeasures | undefined;
  let pending: TrialMeasures[] = [];
  let events: RunEvent[] = [];
  let requests = 0;
  let eventsProcessed = 0;
  let upstreamOverflow = 0;
  // One set of columns for every trial in turn (each trial's accumulator is finished before the
  // next starts), kept for the next call too: fresh columns cost page faults on every trial.
  const columns = spareColumns ?? new Columns();
  spareColumns = undefined;
  const clientColumns = spareClientColumns;
  spareClientColumns = [];
  while (clientColumns.length < clientOptions.length) clientColumns.push(new Columns());
  const batchOf = (): SimBatch => {
    const rest = combined === undefined ? pending : [combined, ...pending];
    return { measures: combineTrials(rest), events, eventsSeed: seeds[0] as number, requests, eventsProcessed, responseFlags: upstreamOverflow > 0 ? { UO: upstreamOverflow } : {} };
  };
  try {
    for (let i = 0; i < seeds.length; i++) {
      const seed = seeds[i] as number;
      const overall = createAccumulator(options, columns);
      const acc = clientOptions.length === 0 ? overall : new ClientSplit(overall, clientOptions.map((o, k) => createAccumulator(o, clientColumns[k])), clients);
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
          batch: {
            measures: partial.measures,
            events: out.events,
            eventsSeed: seed,
            requests: partial.requests,
            eventsProcessed: out.eventsProcessed,
            responseFlags: out.circuitBreakers.uoResponses > 0 ? { UO: out.circuitBreakers.uoResponses } : {},
          },
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
      upstreamOverflow += out.circuitBreakers.uoResponses;
      onTrialDone?.();
      // A check between trials too: short trials never reach a slice boundary.
      if (i + 1 < seeds.length) {
        const at = { index: i + 1, nowUs: 0, durationUs: job.scenario.load.durationUs };
        if (yield at) return { completed: i + 1, batch: batchOf(), at };
      }
    }
  } finally {
    spareColumns = columns;
    spareClientColumns = clientColumns;
  }
  return batchOf();
}
