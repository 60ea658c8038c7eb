/**
 * `meshbench run --target kube`: the scenario on real clusters, producing the same kind of result
 * as the simulator. Order matters for safety:
 *
 * 1. Refuse what cannot run (simulator-only actions, bad names) and a leftover journal — before
 *    connecting to anything.
 * 2. Preflight (read-only): the doctor checks a run needs, versions, the clock sync.
 * 3. Every change from here on is journaled (durably) before it is made: the DestinationRule, the
 *    k6 objects, each timeline action.
 * 4. Whatever happens — success, a failed API call, Ctrl-C — the `finally` puts back everything
 *    the journal lists, with gateways that do not listen to the interrupt; only a complete restore
 *    clears the journal. What a crash or kill -9 leaves, `meshbench restore` replays.
 */
import { buildResult } from '../../app/build-result.js';
import { EnvironmentError, InterruptedError, ToolError } from '../../errors.js';
import { mergeTrials } from '../../measure/merge.js';
import { evaluateThresholds } from '../../measure/thresholds.js';
import type { TrialMeasures } from '../../measure/types.js';
import type { KubeSampleAccounting, Result } from '../../model/result.js';
import type { RunEvent } from '../../model/sample.js';
import type { Scenario } from '../../model/scenario.js';
import { TOOL_VERSION } from '../../version.js';
import type { ActionContext } from './actions.js';
import { ChangeRecorder } from './changes.js';
import { isDeadlineError, RunDeadline, RunTimeoutError } from './deadline.js';
import type { KubeTimeoutError } from '../errors.js';
import { syncDestinationRule } from './destination-rule.js';
import { proxyClusterName, proxySnapshot, type ProxyTarget } from './endpoint-watch.js';
import { JOURNAL_VERSION } from './journal.js';
import { majorMinor } from './observed-mesh.js';
import { DESTINATION_RULE_VERSIONS, checkRequestNames, refuseSimOnlyActions } from './preflight.js';
import type { LoadAccounting } from './load.js';
import type { PodClock } from './pod-clock.js';
import { prepareRun } from './prepare.js';
import { applyRestore, describeStep, restoreIncompleteError, restorePlan, type RestoreStep } from './restore.js';
import { restoreCommand } from './restore-journal.js';
import { EnvoyStatsWatch } from './envoy-stats-watch.js';
import { startServerSideCheck } from './server-side.js';
import { sendersPlacer } from './senders.js';
import { settle } from './settle.js';
import { loadStarter } from './start-load.js';
import type { KubeRunDeps, KubeRunRequest } from './request.js';
import { DEFAULT_TRIAL_TIMING, runTrial } from './trial.js';

export type { KubeRunDeps, KubeRunRequest } from './request.js';

/** Resolution of the curl loop's request stamps with this pod clock (ms). */
function curlTimestampsMs(clock: PodClock): number {
  // A stamp read by a separate process (date) is a fork and exec away from the request.
  return clock.kind === 'curl-time' ? clock.resolutionMs : Math.max(1, clock.resolutionMs);
}

/**
 * The curl loop is a closed model: an open-model scenario runs as one loop sending back to back
 * (what the seed's `while true; do curl …; done` does), and the result says so.
 */
export function effectiveScenario(s: Scenario, load: 'k6' | 'curl'): Scenario {
  if (load !== 'curl' || s.load.kind !== 'open') return s;
  return { ...s, load: { kind: 'closed', concurrency: 1, durationUs: s.load.durationUs, thinkTimeUs: 0 } };
}

/**
 * Runs the scenario `trials` times on the clusters and returns its result (saving is the caller's).
 * @throws InvalidInputError (exit 3) for simulator-only actions or bad names; EnvironmentError
 *         (exit 4) for a failed preflight, a leftover journal, an API failure (after restoring) or
 *         an incomplete restore (journal kept); InterruptedError (exit 130) after restoring on Ctrl-C.
 */
export async function runOnKube(req: KubeRunRequest, deps: KubeRunDeps): Promise<Result> {
  const s = effectiveScenario(req.scenario, req.load);
  if (s !== req.scenario && req.scenario.load.kind === 'open') {
    deps.progress.note(`--load curl is a closed model: ${s.name}'s ${req.scenario.load.ratePerS} req/s arrival rate runs as one curl loop sending back to back (--load k6 keeps the rate)`);
  }
  refuseSimOnlyActions(s);
  checkRequestNames(s);
  if (!/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/.test(req.runId)) throw new RangeError(`run id ${JSON.stringify(req.runId)} is not a short DNS-1123 label`);
  const command = restoreCommand(deps.journal.path, req.kubeconfig);
  if (deps.journal.exists()) {
    throw new EnvironmentError(`the journal ${deps.journal.path} holds changes of a run that was never restored; nothing was changed`, {
      code: 'KUBE_JOURNAL',
      hint: `Put the clusters back first: ${command}`,
    });
  }
  // Fixed before connecting: the whole command counts, preflight and clock sync included.
  const deadline = req.timeoutMs !== undefined ? new RunDeadline(deps.clock, req.timeoutMs, req.timeoutGivenMs) : undefined;
  const p = await prepareRun(s, req, deps, deadline);
  const { clusters, gatewayFor, facts, client, clientNamespace, sync, directory, accumulator, clientIstio } = p;
  const startedAt = deps.clock.wallNow();
  const serverSide = await startServerSideCheck(
    { ...(req.prometheus !== undefined ? { prometheusUrl: req.prometheus } : {}), client, clientNamespace, scenario: s },
    { clock: deps.clock, progress: deps.progress, signal: deps.signal },
  );
  let prometheus: Awaited<ReturnType<typeof serverSide.finish>>;

  const recorder = new ChangeRecorder(deps.journal);
  let remaining: readonly RestoreStep[] | undefined;
  deps.onSecondInterrupt?.(() => {
    const left = remaining ?? restorePlan(recorder.changes);
    deps.writeErr(
      `\ninterrupted again while restoring; ${left.length === 0 ? 'nothing was left to restore' : `still to restore:\n${left.map((x) => `  - ${describeStep(x)}`).join('\n')}`}\n` +
        (left.length === 0 ? '' : `finish with: ${command}\n`),
    );
  });
  deps.journal.append({
    op: 'run',
    v: JOURNAL_VERSION,
    runId: req.runId,
    scenario: s.name,
    contexts: req.contexts,
    ...(req.kubeconfig !== undefined ? { kubeconfig: req.kubeconfig } : {}),
    startedAt: startedAt.toISOString(),
  });

  const measures: TrialMeasures[] = [];
  const events: RunEvent[] = [];
  const accountings: LoadAccounting[] = [];
  let failure: unknown;
  // The --timeout cut the run after something was measured: restore, keep it, exit 4 (deadline.ts).
  let cut: KubeTimeoutError | undefined;
  try {
    const ruleApi = facts.destinationRuleApi ?? DESTINATION_RULE_VERSIONS[0]!;
    if (facts.destinationRuleApi !== undefined) {
      const initial = s.destinationRule !== undefined ? req.ruleManifest(s.destinationRule.source, s.destinationRule.name) : undefined;
      const change = await syncDestinationRule(client, s, initial, ruleApi, recorder);
      if (change !== 'unchanged') deps.progress.note(`${client.name}: ${change === 'applied' ? `applied DestinationRule ${initial?.metadata.name}` : 'deleted the DestinationRule(s) for the service (the scenario has none)'} — undone after the run`);
    }
    const actions: ActionContext = { clusters, scenario: s, recorder, ruleManifest: req.ruleManifest, ruleApi, gatewayReplicas: new Map() };
    const timing = { ...DEFAULT_TRIAL_TIMING, ...deps.timing };
    const proxy: ProxyTarget = { gateway: client.gateway, namespace: clientNamespace, pod: facts.clientPod, cluster: proxyClusterName(s.request.service, s.request.namespace, s.request.port) };
    const baseline = req.trials > 1 ? await proxySnapshot(proxy, deps.signal) : undefined;
    for (let trial = 0; trial < req.trials; trial++) {
      const before = recorder.changes.length;
      if (deadline?.passed() === true && trial > 0) {
        cut = new RunTimeoutError(`context '${client.gateway.context}' (${client.gateway.server}): ${deadline.label} ran out before trial ${trial + 1} of ${req.trials}`, undefined);
        break;
      }
      const outcome = await runTrial(
        {
          scenario: s,
          accumulator,
          directory,
          sync,
          actions,
          proxy,
          label: req.trials > 1 ? `trial ${trial + 1}/${req.trials}` : '',
          where: { context: client.gateway.context, server: client.gateway.server },
          envoyStats: new EnvoyStatsWatch(proxy),
          timing,
          startLoad: loadStarter({ req, scenario: s, prepared: p, recorder, trial, note: (l) => deps.progress.note(l), clock: deps.clock }),
          placeSenders: sendersPlacer(p, s),
          senderProxy: (pod) => {
            const own = { ...proxy, pod };
            return { proxy: own, envoyStats: new EnvoyStatsWatch(own) };
          },
        },
        { clock: deps.clock, progress: deps.progress, signal: deps.signal, ...(deadline !== undefined ? { deadline } : {}) },
      );
      measures.push(outcome.measures);
      accountings.push(outcome.accounting);
      events.push(...(req.trials > 1 ? outcome.events.map((e) => ({ ...e, trial })) : outcome.events));
      for (const n of outcome.notes) deps.progress.note(n);
      if (outcome.cut !== undefined) {
        cut = outcome.cut;
        break;
      }
      if (trial + 1 < req.trials) {
        const settleMs = Math.min(120_000, deadline?.leftMs() ?? Infinity);
        if (settleMs <= 0) continue; // the next turn reports the deadline
        const note = await settle(restorePlan(recorder.changes.slice(before)), proxy, baseline, { clock: deps.clock, progress: deps.progress, signal: deps.signal, gatewayFor }, settleMs);
        if (note !== undefined) deps.progress.note(note);
      }
    }
    // Istio's count needs a scrape after the load: not waited for past the deadline.
    if (cut === undefined) prometheus = await serverSide.finish();
    else deps.progress.note('the Prometheus cross-check was skipped: the run was cut by its timeout');
  } catch (err) {
    // A call the deadline cut between trials (or starting one) keeps the trials already measured.
    if (isDeadlineError(err) && measures.length > 0 && !deps.signal.aborted) cut = err;
    else failure = err;
  } finally {
    remaining = restorePlan(recorder.changes);
    const out = await applyRestore(remaining, {
      gatewayFor,
      progress: deps.progress,
      clock: deps.clock,
      rolloutTimeoutMs: deps.signal.aborted ? 0 : 120_000,
      onRemaining: (left) => {
        remaining = left;
      },
    });
    if (out.failed.length > 0) {
      const original = failure instanceof ToolError ? `\n(the run itself stopped because: ${failure.message})` : '';
      const e = restoreIncompleteError(out.failed, command, failure);
      failure = new EnvironmentError(`${e.message}${original}`, { code: 'KUBE_RESTORE', ...(e.hint !== undefined ? { hint: e.hint } : {}), cause: failure });
    } else {
      deps.journal.clear();
      for (const n of out.notReady) deps.progress.note(`restored ${n}, but its pods were not ready yet`);
    }
  }
  if (failure !== undefined) {
    if (deps.signal.aborted && !(failure instanceof EnvironmentError && failure.code === 'KUBE_RESTORE')) {
      throw new InterruptedError('interrupted; every cluster change was undone and no result was saved');
    }
    throw failure;
  }

  const merged = mergeTrials(measures);
  const finishedAt = deps.clock.wallNow();
  const istioLabel = majorMinor(clientIstio);
  const samples = sampleAccounting(accountings, req.trials);
  if (cut !== undefined && accountings.length < req.trials) {
    const why = `${accountings.length} of ${req.trials} trials run before the timeout`;
    samples.incomplete = samples.incomplete === undefined ? why : `${samples.incomplete}; ${why}`;
  }
  if (samples.incomplete !== undefined) deps.progress.note(`incomplete result: ${samples.incomplete}`);
  const built = buildResult({
    id: deps.newId(s.name, startedAt),
    scenario: { name: s.name, ...(s.description !== undefined ? { description: s.description } : {}), sha256: req.sha256, spec: s },
    target: {
      kind: 'kube',
      contexts: req.contexts,
      load: req.load,
      istio: facts.istio,
      kubernetes: facts.kubernetes,
      precision: {
        // curl: the pod clock's stamps (curl's own %time{} at the request's end: µs; date +%s%N a
        // fork away from the request: 1 ms; /proc/uptime 10 ms; date +%s 1 s), curl's time_total in
        // µs; k6: its own timings (ms with µs decimals). Alignment: see clock-sync.ts.
        timestampsMs: req.load === 'curl' ? curlTimestampsMs(sync.clock) : 0.001,
        alignmentMs: Math.round(sync.uncertaintyMs * 1000) / 1000,
      },
      ...(prometheus !== undefined ? { prometheus } : {}),
      samples,
    },
    labels: { ...(istioLabel !== undefined ? { istio: istioLabel } : {}), ...req.labels },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    merged,
    events,
    thresholds: evaluateThresholds(s.thresholds, merged),
    toolVersion: TOOL_VERSION,
  });
  const result = samples.incomplete === undefined ? built : markIncomplete(built, samples.incomplete);
  if (cut !== undefined) {
    throw new RunTimeoutError(`${cut.message}; every cluster change was undone, and what was measured until then is kept as an incomplete result`, result, {
      ...(cut.hint !== undefined ? { hint: cut.hint } : {}),
      cause: cut,
    });
  }
  return result;
}

/** The trials' accounting as one: sums, and every trial's reason when samples are missing. */
export function sampleAccounting(trials: readonly LoadAccounting[], count: number): KubeSampleAccounting {
  const received = trials.reduce((a, t) => a + t.received, 0);
  const known = trials.every((t) => t.sent !== undefined);
  const reasons = trials.flatMap((t, i) => (t.missing !== undefined ? [`${count > 1 ? `trial ${i + 1}: ` : ''}${t.missing}`] : []));
  return {
    received,
    ...(known ? { sent: trials.reduce((a, t) => a + (t.sent ?? 0), 0) } : {}),
    ...(reasons.length > 0 ? { incomplete: reasons.join('; ') } : {}),
  };
}

/**
 * A result with missing samples: every threshold fails and says why (exit 10, the result saved
 * first), and no failover figures are given — from partial data a cut stream reads as "not
 * recovered" (the probe behind issue 13 saved 246 of 600 requests and said exactly that).
 */
export function markIncomplete(r: Result, why: string): Result {
  const { failover: _dropped, ...summary } = r.summary;
  return {
    ...r,
    summary,
    thresholds: r.thresholds.map((t) => ({ ...t, ok: false, note: `incomplete samples: ${why}${t.note !== undefined ? `; ${t.note}` : ''}` })),
  };
}
