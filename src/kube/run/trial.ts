/**
 * One trial on real clusters: start the load, wait for its origin, then one loop — the only thing
 * that waits on the Clock — performs each timeline action when it is due, polls the client proxy
 * after an action, refreshes the pod directory and reports progress, until the load has finished.
 * Samples arrive meanwhile from the load's streams and go into the trial's accumulator.
 *
 * Times: samples carry the pods' times relative to the run origin; an action's event is the
 * driver's time when the API accepted it, moved onto the same axis with the clock sync.
 */
import type { Clock, Progress } from '../../app/ports.js';
import { EnvironmentError, ToolError } from '../../errors.js';
import { KubeTimeoutError } from '../errors.js';
import { createAccumulator, type AccumulatorOptions } from '../../measure/accumulator.js';
import type { TrialMeasures } from '../../measure/types.js';
import { isSuccess, type RunEvent, type Sample } from '../../model/sample.js';
import { describeAction, type Scenario } from '../../model/scenario.js';
import { performAction, type ActionContext } from './actions.js';
import type { ClockSync } from './clock-sync.js';
import { isDeadlineError, type RunDeadline } from './deadline.js';
import { proxySnapshot, type ProxyTarget, type Watch } from './endpoint-watch.js';
import type { EnvoyStatsWatch } from './envoy-stats-watch.js';
import type { LoadAccounting, LoadHandle, SampleSink } from './load.js';
import type { PodDirectory } from './topology.js';

/** Poll intervals and limits of the trial loop (ms). */
export interface TrialTiming {
  /** Longest sleep of the loop (load checks, progress). */
  pollMs: number;
  /**
   * Sleep while waiting for the load's first output: short, so the timeline is anchored to the
   * origin as soon as it is known (the load is checked only every `pollMs`).
   */
  originPollMs: number;
  /** Client-proxy poll interval after an action. */
  watchPollMs: number;
  /** How long after an action the proxy is watched. */
  watchWindowMs: number;
  topologyEveryMs: number;
  /** How long the load may take to produce its first output. */
  startTimeoutMs: number;
}

/** The intervals a real run uses. */
export const DEFAULT_TRIAL_TIMING: TrialTiming = { pollMs: 250, originPollMs: 50, watchPollMs: 200, watchWindowMs: 30_000, topologyEveryMs: 5_000, startTimeoutMs: 300_000 };

/** Everything one trial needs. */
export interface TrialSetup {
  scenario: Scenario;
  accumulator: AccumulatorOptions;
  directory: PodDirectory;
  sync: ClockSync;
  actions: ActionContext;
  /** The client proxy to watch after actions (undefined: no watching). */
  proxy?: ProxyTarget;
  startLoad: (onSample: SampleSink) => Promise<LoadHandle>;
  /** `trial 2/5` or '' for one trial. */
  label: string;
  /** The client cluster, for messages. */
  where: { context: string; server: string };
  /** The client proxy's Envoy statistics, read around actions and every `everyMs` (events of what changed). */
  envoyStats?: EnvoyStatsWatch;
  /**
   * When the load is sent by other pods than the client (k6 runners): the measures' options for
   * where they run, and notes when that is not with the client. Called once the load's origin is
   * known, with the sending pods known by then.
   */
  placeSenders?: (pods: readonly string[]) => Promise<{ accumulator: AccumulatorOptions; notes: string[]; placement?: string }>;
  /** The sending pod's own proxy to watch instead of `proxy` (k6 runners have their own sidecar). */
  senderProxy?: (pod: string) => { proxy: ProxyTarget; envoyStats?: EnvoyStatsWatch };
  timing: TrialTiming;
}

/** The clock, progress and interrupt of a trial. */
export interface TrialDeps {
  clock: Clock;
  progress: Progress;
  signal: AbortSignal;
  /** The run's --timeout: the loop never sleeps past it; reaching it cuts the trial (see `cut`). */
  deadline?: RunDeadline;
}

/** One trial's measures, events and notes. */
export interface TrialOutcome {
  measures: TrialMeasures;
  events: RunEvent[];
  requests: number;
  notes: string[];
  /** Requests received against those the load generator says it sent. */
  accounting: LoadAccounting;
  /**
   * Set when the run's --timeout cut the trial after its load had started: what it waited for,
   * naming the context (exit 4). The measures then hold what arrived until then.
   */
  cut?: KubeTimeoutError;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function bestEffort(what: () => Promise<unknown>, notes: string[], label: string): Promise<void> {
  try {
    await what();
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    if (notes.length < 20) notes.push(`${label}: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
}

/** Runs one trial; the caller restores what it changed. */
export async function runTrial(t: TrialSetup, deps: TrialDeps): Promise<TrialOutcome> {
  const { clock, progress, signal } = deps;
  // Created once the sending pods are known (their locality is the client's, runner-placement.ts);
  // samples that arrive before wait here.
  let acc: ReturnType<typeof createAccumulator> | undefined;
  const early: Sample[] = [];
  const record = (s: Sample): void => {
    if (acc !== undefined) acc.record(s);
    else early.push(s);
  };
  const pending: Sample[] = [];
  const notes: string[] = [];
  const counts = { requests: 0, errors: 0, versions: new Map<string, number>() };
  // Closed when the trial's measures are taken: a stopped generator's last lines still in flight
  // (after a cut by the deadline) are not counted.
  let closed = false;
  const onSample: SampleSink = (s) => {
    if (closed) return;
    const copy: Sample = { ...s };
    // A runner that started a hair before the run origin: its first requests start at 0.
    if (copy.scheduledUs < 0) copy.scheduledUs = 0;
    if (copy.startUs < copy.scheduledUs) copy.startUs = copy.scheduledUs;
    if (copy.endUs < copy.startUs) copy.endUs = copy.startUs;
    counts.requests++;
    if (!isSuccess(copy.status)) counts.errors++;
    else if (copy.version !== undefined) counts.versions.set(copy.version, (counts.versions.get(copy.version) ?? 0) + 1);
    if (copy.instance !== undefined) {
      const place = t.directory.lookup(copy.instance);
      if (place === undefined) {
        pending.push(copy); // a pod not seen yet: attributed after the next refresh
        return;
      }
      copy.cluster = place.cluster;
      copy.locality = place.locality;
    }
    record(copy);
  };
  const timeline = t.scenario.timeline;
  const durationMs = t.scenario.load.durationUs / 1000;
  const load = await t.startLoad(onSample);
  const prefix = `${t.scenario.name}${t.label ? ` ${t.label}` : ''}`;
  const where = `context '${t.where.context}' (${t.where.server})`;
  // Sleeps end at the deadline (at least 1 ms, so the Clock moves).
  const capped = (ms: number) => (deps.deadline === undefined ? ms : Math.max(1, Math.min(ms, Math.ceil(deps.deadline.leftMs()))));
  let cut: KubeTimeoutError | undefined;
  const events: RunEvent[] = [];
  // Envoy-statistics observations: kept out of the measures (phases come from the timeline), in the result.
  const observed: RunEvent[] = [];
  try {
    const waitFrom = clock.now();
    let polledAt = -Infinity;
    while (load.originEpochMs() === undefined) {
      if (clock.now() - polledAt >= t.timing.pollMs) {
        polledAt = clock.now();
        await load.poll();
      }
      if (load.finished()) throw new EnvironmentError(`${load.description} finished without producing any request`, { code: 'KUBE_LOAD' });
      if (deps.deadline?.passed() === true) throw new KubeTimeoutError(`${where}: ${deps.deadline.label} ran out while waiting for ${load.description} to start`, { deadline: true });
      if (clock.now() - waitFrom > t.timing.startTimeoutMs) {
        throw new EnvironmentError(`${load.description} produced no output within ${seconds(t.timing.startTimeoutMs)}`, { code: 'KUBE_LOAD', hint: 'Look at the load pod: kubectl describe pod / logs.' });
      }
      progress.update(`${prefix}: waiting for ${load.description} to start`);
      await clock.sleep(capped(t.timing.originPollMs), signal);
    }
    const senders = load.senders?.() ?? [];
    let options = t.accumulator;
    let proxy = t.proxy;
    let stats = t.envoyStats;
    if (senders.length > 0 && t.placeSenders !== undefined) {
      const placed = await t.placeSenders(senders);
      options = placed.accumulator;
      notes.push(...placed.notes);
      // Kept in the result (an observation, not a measure): where the load was sent from.
      if (placed.placement !== undefined) observed.push({ name: 'placement', atMs: 0, action: placed.placement });
    }
    if (senders[0] !== undefined && t.senderProxy !== undefined) {
      // The proxy whose endpoint view routes the requests: the first runner's own sidecar.
      const own = t.senderProxy(senders[0]);
      proxy = own.proxy;
      stats = own.envoyStats;
    }
    acc = createAccumulator(options);
    for (const s of early.splice(0)) acc.record(s);
    const originDriverMs = (load.originEpochMs() as number) - t.sync.offsetMs;
    const runMs = (driverMs: number) => Math.max(0, Math.round((driverMs - originDriverMs) * 1000) / 1000);
    const graceEndMs = originDriverMs + durationMs + t.scenario.request.timeoutUs / 1000 + 60_000;
    const watches: Watch[] = [];
    const readStats = async () => {
      if (stats !== undefined) observed.push(...(await stats.sample(runMs(clock.now()), signal)));
    };
    await readStats();
    let nextStatsMs = stats !== undefined ? clock.now() + stats.everyMs : Infinity;
    let next = 0;
    let nextWatchMs = Infinity;
    let nextTopologyMs = clock.now() + t.timing.topologyEveryMs;
    for (;;) {
      signal.throwIfAborted();
      if (deps.deadline?.passed() === true) {
        cut = new KubeTimeoutError(
          `${where}: ${deps.deadline.label} ran out while waiting for ${load.description} (${seconds(Math.min(runMs(clock.now()), durationMs))} of ${seconds(durationMs)}${next < timeline.length ? `, before ${timeline[next]?.name ?? timeline[next]?.action.kind}` : ''})`,
          { deadline: true, hint: 'Give the run more time (its scenario lasts ' + seconds(durationMs) + ' plus the start of the load), or find what held it.' },
        );
        await load.stop();
        break;
      }
      try {
        await load.poll();
      } catch (err) {
        // A call the deadline cut: the trial ends there, with what arrived.
        if (!isDeadlineError(err)) throw err;
        cut = err;
        await load.stop();
        break;
      }
      let now = clock.now();
      while (next < timeline.length && now >= originDriverMs + (timeline[next]?.atUs ?? 0) / 1000) {
        const entry = timeline[next]!;
        const name = entry.name ?? entry.action.kind;
        await readStats();
        const before = proxy !== undefined ? await proxySnapshot(proxy, signal) : undefined;
        await performAction(entry.action, t.actions);
        const at = clock.now();
        events.push({ name, atMs: runMs(at), action: describeAction(entry.action) });
        await readStats();
        progress.note(`${prefix}: ${seconds(runMs(at))} ${name}: ${describeAction(entry.action)}`);
        if (before !== undefined) {
          watches.push({ name, before, actionAtMs: at, untilMs: at + t.timing.watchWindowMs });
          nextWatchMs = Math.min(nextWatchMs, at + t.timing.watchPollMs);
        }
        await bestEffort(() => t.directory.refresh(), notes, 'listing pods');
        next++;
        now = clock.now();
      }
      if (watches.length > 0 && now >= nextWatchMs && proxy !== undefined) {
        const snap = await proxySnapshot(proxy, signal);
        const seenAt = clock.now();
        for (const w of [...watches]) {
          if (snap !== undefined && snap.key !== w.before.key) {
            events.push({
              name: `${w.name}:proxy`,
              atMs: runMs(seenAt),
              action: `client proxy ${proxy.pod}: ${w.before.healthy}/${w.before.total} → ${snap.healthy}/${snap.total} healthy ${t.scenario.request.service} endpoints (polled every ${t.timing.watchPollMs} ms)`,
            });
            watches.splice(watches.indexOf(w), 1);
          } else if (seenAt > w.untilMs) {
            notes.push(`the client proxy showed no change within ${seconds(t.timing.watchWindowMs)} of ${w.name}`);
            watches.splice(watches.indexOf(w), 1);
          }
        }
        nextWatchMs = watches.length > 0 ? seenAt + t.timing.watchPollMs : Infinity;
        now = seenAt;
      }
      if (now >= nextStatsMs) {
        await readStats();
        nextStatsMs = clock.now() + (stats?.everyMs ?? Infinity);
        now = clock.now();
      }
      if (now >= nextTopologyMs) {
        await bestEffort(() => t.directory.refresh(), notes, 'listing pods');
        nextTopologyMs = clock.now() + t.timing.topologyEveryMs;
      }
      const shares = [...counts.versions].map(([v, n]) => `${v} ${Math.round((100 * n) / Math.max(1, counts.requests - counts.errors))}%`).join(' ');
      const requests = Math.max(counts.requests, load.requestsSeen());
      progress.update(`${prefix}: ${seconds(Math.min(runMs(now), durationMs))} / ${seconds(durationMs)}, ${requests} requests, ${counts.errors} errors${shares ? `, ${shares}` : ''}`);
      if (load.finished()) {
        await readStats();
        if (next < timeline.length) {
          throw new EnvironmentError(`${load.description} ended at ${seconds(runMs(now))}, before the timeline's ${timeline[next]?.name ?? timeline[next]?.action.kind} (at ${seconds((timeline[next]?.atUs ?? 0) / 1000)})`, { code: 'KUBE_LOAD' });
        }
        break;
      }
      if (now >= graceEndMs) {
        notes.push(`${load.description} was still running ${seconds(now - originDriverMs - durationMs)} after the end of the run; stopped`);
        await load.stop();
        break;
      }
      const actionDue = next < timeline.length ? originDriverMs + (timeline[next]?.atUs ?? 0) / 1000 : Infinity;
      const wake = Math.min(actionDue, nextWatchMs, nextTopologyMs, nextStatsMs, now + t.timing.pollMs);
      await clock.sleep(capped(Math.max(1, Math.ceil(wake - now))), signal);
    }
  } catch (err) {
    await load.stop();
    // An action, a proxy poll or a statistics read the deadline cut after the load had started:
    // the trial ends there, with what arrived (the caller restores).
    if (!isDeadlineError(err) || load.originEpochMs() === undefined) throw err;
    cut = err;
  } finally {
    progress.done();
  }
  await bestEffort(() => t.directory.refresh(), notes, 'listing pods');
  acc ??= createAccumulator(t.accumulator);
  for (const s of pending) {
    const place = s.instance !== undefined ? t.directory.lookup(s.instance) : undefined;
    if (place !== undefined) {
      s.cluster = place.cluster;
      s.locality = place.locality;
    }
    acc.record(s);
  }
  const unattributed = pending.filter((s) => s.cluster === undefined).length;
  if (unattributed > 0) notes.push(`${unattributed} response(s) named pods meshbench never saw; they count without cluster and locality`);
  notes.push(...load.notes());
  closed = true;
  const measures = acc.finish(events);
  const all = [...events, ...observed].sort((a, b) => a.atMs - b.atMs);
  const accounting = load.accounting();
  if (cut !== undefined) {
    // The generator was stopped: what it sent is not known, and the samples end at the cut.
    const { sent: _unknown, ...rest } = accounting;
    return { measures, events: all, requests: counts.requests, notes, accounting: { ...rest, missing: `cut by the run's timeout: ${cut.message}` }, cut };
  }
  return { measures, events: all, requests: counts.requests, notes, accounting };
}
