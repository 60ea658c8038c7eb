/**
 * Limits before work (issue 17): a simulator run's size estimated from the scenario and the mesh
 * before anything runs, and refused past documented limits (README "Limits"), so a typo such as
 * `duration: 10000h` or `rate: 1e9` costs a message instead of the machine's memory.
 *
 * The cost figures are measured, not derived: `/usr/bin/time -v meshbench run` on the reference
 * machine (README "Limits"): ~90 MB for the process and a small run; 33 bytes per
 * request row kept for a trial (src/measure/columns.ts: 3 Float64 + Uint16 + 2 Int16 + Uint8 + the
 * presence byte); ~4 KB per simulated pod (endpoints in every istiod, EDS assignments, LB state);
 * ~1 KB per closed-model virtual user; ~0.7 M simulated requests per second on one core.
 */
import type { Mesh } from './mesh.js';
import { scenarioClients, type Scenario } from './scenario.js';
import type { PathSeg } from './validate-problems.js';

/** The documented limits; `--allow-large` lifts all of them. */
export const RUN_LIMITS = {
  /** Estimated peak memory of the process. */
  memoryBytes: 1024 * 1024 * 1024,
  /** Simulated requests over every trial of the run (~25 min on one core). */
  requests: 1e9,
  /** Engine events over every trial of the run. */
  events: 4e9,
  /** `--repeat`. */
  trials: 100_000,
} as const;

const BASE_BYTES = 90e6;
const ROW_BYTES = 33;
const POD_BYTES = 4096;
const VU_BYTES = 1024;
/** Events per request: arrival or VU turn, attempt completion, and some retries and timers. */
const EVENTS_PER_REQUEST = 3;
const REQUESTS_PER_SECOND = 700_000;

/**
 * Bounded memory: a trial of more requests than this is counted as the samples arrive instead of
 * keeping 33 bytes per request; below it the rows are kept (the faster path for the usual trial
 * sizes). Trials whose measures are cut at events are streamed in scheduled order
 * (src/measure/ordered-counts.ts) and hold only the requests in flight.
 */
export const STREAM_ABOVE_REQUESTS = 1_000_000;

/**
 * True when the trial's measures are cut at events: phases and failover figures at the fault and
 * restore, `during` windows at theirs, and the distribution test at the first event (an outlier
 * ejection under a DestinationRule is one). Such a trial, when streamed, is streamed in scheduled
 * order; one without them is simply counted (the same measures either way,
 * test/app/streaming-rows.test.ts).
 */
export function needsRequestRows(scenario: Scenario): boolean {
  return (
    scenario.timeline.length > 0 ||
    scenario.measure.failover !== undefined ||
    scenario.thresholds.some((t) => t.during !== undefined) ||
    scenario.destinationRule !== undefined
  );
}

/** True when the trials of `scenario` are counted as they run instead of keeping a row per request. */
export function streamsRequests(requestsPerTrial: number): boolean {
  return requestsPerTrial > STREAM_ABOVE_REQUESTS;
}

/** What a run is expected to cost. */
export interface RunEstimate {
  requestsPerTrial: number;
  trials: number;
  requests: number;
  events: number;
  /** Peak resident memory (one trial's rows are kept at a time; trials reuse them). */
  memoryBytes: number;
  /** Bytes per request kept for a trial: 33, or 0 when the trials are streamed (STREAM_ABOVE_REQUESTS). */
  rowBytes: number;
  /** Pods the simulator holds at the largest (mesh replicas, gateways, scale-ups in the timeline). */
  pods: number;
  /** On one core (the worker pool divides it). */
  seconds: number;
  /** Closed model: the per-request time the request count was estimated with (µs). */
  perRequestUs?: number;
}

/** Estimates a simulator run of `trials` trials of `scenario` on `mesh`. */
export function estimateRun(scenario: Scenario, mesh: Mesh, trials: number): RunEstimate {
  const load = scenario.load;
  const durationS = load.durationUs / 1e6;
  // Every client's load adds up (one client: the scenario's load).
  let requestsPerTrial = 0;
  let perRequestUs: number | undefined;
  let vus = 0;
  for (const { load: l } of scenarioClients(scenario)) {
    if (l.kind === 'open') requestsPerTrial += l.ratePerS * (l.durationUs / 1e6);
    else {
      // A virtual user waits for each answer: at least the fastest service's median plus a same-zone
      // round trip, then its think time. An estimate, on the high side for meshes with far endpoints.
      const p50s = mesh.clusters.flatMap((c) => c.workloads.flatMap((w) => (w.latency !== undefined ? [w.latency.p50Us] : [])));
      const fastestUs = p50s.length > 0 ? Math.min(...p50s) : 1_000;
      perRequestUs = Math.max(100, l.thinkTimeUs + fastestUs + 2 * mesh.networkDelayUs.sameZone);
      requestsPerTrial += (l.concurrency * l.durationUs) / perRequestUs;
      vus += l.concurrency;
    }
  }
  const pods = podsAtMost(scenario, mesh);
  const outlierTicks = durationS / 10;
  const eventsPerTrial = requestsPerTrial * EVENTS_PER_REQUEST + outlierTicks * mesh.clusters.length + scenario.timeline.length;
  const rowBytes = streamsRequests(requestsPerTrial) ? 0 : ROW_BYTES;
  const memoryBytes = BASE_BYTES + rowBytes * requestsPerTrial + POD_BYTES * pods + VU_BYTES * vus;
  const requests = requestsPerTrial * trials;
  return {
    requestsPerTrial,
    trials,
    requests,
    events: eventsPerTrial * trials,
    memoryBytes,
    rowBytes,
    pods,
    seconds: requests / REQUESTS_PER_SECOND,
    ...(perRequestUs !== undefined ? { perRequestUs } : {}),
  };
}

/** Pods the run holds at its largest: every replica and gateway, with the timeline's scale-ups. */
function podsAtMost(scenario: Scenario, mesh: Mesh): number {
  let pods = 0;
  for (const c of mesh.clusters) {
    pods += c.eastWestGateway?.replicas ?? 0;
    for (const w of c.workloads) {
      const scaled = scenario.timeline.flatMap((e) =>
        e.action.kind === 'scale' && e.action.cluster === c.name && e.action.deployment === w.name ? [e.action.replicas] : [],
      );
      pods += Math.max(w.replicas, ...scaled);
    }
  }
  return pods;
}

/** A limit the run exceeds: where to point (a scenario field, a mesh field or a flag) and what to say. */
export interface LimitProblem {
  /** `scenario` and `mesh` paths are field paths in that document; `flag` names the option. */
  in: 'scenario' | 'mesh' | 'flag';
  path: PathSeg[];
  message: string;
  hint: string;
}

const HINT = 'pass --allow-large to run it anyway (README "Limits")';

/** Every limit `estimate` exceeds, pointed at the fields that drive it. */
export function limitProblems(estimate: RunEstimate, scenario: Scenario, mesh: Mesh): LimitProblem[] {
  const out: LimitProblem[] = [];
  const load = scenario.load;
  const loadFields = load.kind === 'open' ? 'spec.load.rate × spec.load.duration' : 'spec.load.concurrency × spec.load.duration';
  // Point at the duration when it is past an hour (the usual typo), else at the load's size.
  const loadPath: PathSeg[] = ['spec', 'load', load.durationUs > 3600e6 ? 'duration' : load.kind === 'open' ? 'rate' : 'concurrency'];
  const perRequest = estimate.perRequestUs !== undefined ? ` at ~${formatUs(estimate.perRequestUs)} per request` : '';
  const trials = estimate.trials > 1 ? ` × --repeat ${formatCount(estimate.trials)}` : '';
  if (estimate.trials > RUN_LIMITS.trials) {
    out.push({
      in: 'flag',
      path: ['--repeat'],
      message: `--repeat ${formatCount(estimate.trials)} is past the limit of ${formatCount(RUN_LIMITS.trials)} trials`,
      hint: `distributions settle within a few hundred trials; ${HINT}`,
    });
  }
  if (estimate.requests > RUN_LIMITS.requests || estimate.events > RUN_LIMITS.events) {
    const target = estimate.requestsPerTrial * Math.min(estimate.trials, RUN_LIMITS.trials) > RUN_LIMITS.requests || estimate.trials <= 1;
    out.push({
      in: target ? 'scenario' : 'flag',
      path: target ? loadPath : ['--repeat'],
      message:
        `the run would simulate ~${formatCount(estimate.requests)} requests (${loadFields}${perRequest}${trials}), ~${formatCount(estimate.events)} events, ` +
        `~${formatSeconds(estimate.seconds)} on one core; the limit is ${formatCount(RUN_LIMITS.requests)} requests`,
      hint: `shorten spec.load.duration or lower the load or --repeat; ${HINT}`,
    });
  }
  if (estimate.memoryBytes > RUN_LIMITS.memoryBytes) {
    const rowsBytes = estimate.rowBytes * estimate.requestsPerTrial;
    const podBytes = POD_BYTES * estimate.pods;
    const vuBytes = load.kind === 'closed' ? VU_BYTES * load.concurrency : 0;
    const biggest = Math.max(rowsBytes, podBytes, vuBytes);
    // Name only the parts that matter (≥ 5% of the total).
    const significant = (bytes: number) => bytes >= 0.05 * estimate.memoryBytes;
    const parts = [
      ...(significant(rowsBytes) ? [`${formatCount(estimate.requestsPerTrial)} requests per trial (${loadFields}) ${formatBytes(rowsBytes)}`] : []),
      ...(significant(podBytes) ? [`${formatCount(estimate.pods)} pods (mesh replicas and timeline scale-ups) ${formatBytes(podBytes)}`] : []),
      ...(significant(vuBytes) ? [`${formatCount(load.kind === 'closed' ? load.concurrency : 0)} virtual users (spec.load.concurrency) ${formatBytes(vuBytes)}`] : []),
    ];
    const message = `the run would need ~${formatBytes(estimate.memoryBytes)} of memory: ${parts.join(', ')}; the limit is ${formatBytes(RUN_LIMITS.memoryBytes)}`;
    if (biggest === podBytes) {
      out.push({ in: 'mesh', path: biggestWorkloadPath(mesh), message, hint: `fewer replicas; ${HINT}` });
    } else {
      out.push({ in: 'scenario', path: biggest === vuBytes ? ['spec', 'load', 'concurrency'] : loadPath, message, hint: `shorten spec.load.duration or lower the load; ${HINT}` });
    }
  }
  return out;
}

/** Field path of the workload with the most replicas (where a replicas typo most likely is). */
function biggestWorkloadPath(mesh: Mesh): PathSeg[] {
  let best: PathSeg[] = ['spec', 'clusters'];
  let most = -1;
  mesh.clusters.forEach((c, i) =>
    c.workloads.forEach((w, j) => {
      if (w.replicas > most) {
        most = w.replicas;
        best = ['spec', 'clusters', i, 'workloads', j, 'replicas'];
      }
    }),
  );
  return best;
}

function formatCount(n: number): string {
  if (n >= 1e6) return n.toExponential(1).replace('e+', 'e');
  return Math.round(n).toLocaleString('en-US');
}

function formatBytes(b: number): string {
  if (b >= 1024 ** 4) return `${(b / 1024 ** 4).toFixed(1)} TiB`;
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(1)} GiB`;
  return `${Math.round(b / 1024 ** 2)} MiB`;
}

function formatSeconds(s: number): string {
  if (s >= 86_400) return `${formatCount(s / 86_400)} days`;
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`;
  if (s >= 60) return `${Math.round(s / 60)} min`;
  return `${Math.ceil(s)} s`;
}

function formatUs(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${Math.round(us)} µs`;
}

/** The mesh alone past the memory limit (its pods), for `validate` of a Mesh file. */
export function meshLimitProblem(mesh: Mesh): LimitProblem | undefined {
  let pods = 0;
  for (const c of mesh.clusters) pods += (c.eastWestGateway?.replicas ?? 0) + c.workloads.reduce((n, w) => n + w.replicas, 0);
  const bytes = BASE_BYTES + POD_BYTES * pods;
  if (bytes <= RUN_LIMITS.memoryBytes) return undefined;
  return {
    in: 'mesh',
    path: biggestWorkloadPath(mesh),
    message: `${formatCount(pods)} pods would need ~${formatBytes(bytes)} of memory in any run; the limit is ${formatBytes(RUN_LIMITS.memoryBytes)}`,
    hint: `fewer replicas; ${HINT}`,
  };
}
