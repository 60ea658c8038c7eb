import { DEFAULT_K6_IMAGE } from '../../kube/run/k6-objects.js';
import { Command, Option } from 'commander';
import { InterruptedError, ExitCode, UsageError } from '../../errors.js';
import type { CliRuntime } from '../deps.js';
import type { KubeRunCliOptions } from './run-kube.js';
import { styleFor } from '../output.js';
import { collect, parseIstioVersion, parseLabel, parsePositiveInt, parseSeed } from '../parsers.js';
import { checkRunLabels, checkTargetFlags } from '../run-checks.js';
import { parseTimeoutMs } from './deploy.js';
import { DEFAULT_ISTIO_VERSION } from '../../sim/istio-profile.js';
import { silentProgress } from '../../app/ports.js';

/** Options of `run`: the kube ones (shared with run-kube.ts, imported as a type only) plus the simulator's. */
interface RunOptions extends KubeRunCliOptions {
  target: 'sim' | 'kube';
  istio: string;
  seed?: number;
  out: string;
  json?: boolean;
  quiet?: boolean;
  workers?: number;
  allowLarge?: boolean;
  html?: string;
}

/**
 * `meshbench run <scenario...>`: run scenario files (or built-in names) on the simulated mesh or on
 * real clusters, save one result per scenario, print its report; exit 10 when a threshold failed
 * (after the result is saved).
 */
export function runCommand(rt: CliRuntime): Command {
  return new Command('run')
    .description('run scenarios on the simulated mesh (default) or on real clusters, and save the results')
    .argument('<scenario...>', 'scenario files, or built-in names: distribution, locality, failover, outlier-503, gateway-down, overload')
    .addOption(new Option('--target <target>', 'where to run').choices(['sim', 'kube']).default('sim'))
    .option('--mesh <file>', 'mesh topology: clusters, their order and workloads (default: the mesh the scenario names in spec.mesh, else the built-in two-cluster mesh)')
    .option('--istio <version>', 'sim: Istio behaviour profile, 1.6 … 1.31', parseIstioVersion, DEFAULT_ISTIO_VERSION)
    .option('--repeat <n>', 'run n trials (sim: seeds seed … seed+n−1; kube: n fault/restore cycles)', parsePositiveInt, 1)
    .option('--seed <n>', 'sim: RNG seed (printed and stored when omitted)', parseSeed)
    .option('--label <key=value>', 'stored with the result (repeatable)', parseLabel, {})
    .option('--out <dir>', 'results directory', 'results')
    .option('--json', 'print the result document on stdout (progress goes to stderr)')
    .addOption(new Option('-q, --quiet', 'print only the verdict line and the result path (no report, no progress)').conflicts('json'))
    .option('--html <file>', 'also write the report as one self-contained HTML page (one run; with several scenarios, one article each)')
    .option('--workers <n>', 'sim: worker threads for --repeat (default: one per core)', parsePositiveInt)
    .option('--allow-large', 'sim: run even past the size limits (memory, requests, trials; see README "Limits")')
    .option('--context <name>', 'kube: kubeconfig context, repeatable, in cluster order (cluster1, cluster2)', collect, [])
    .option('--kubeconfig <file>', 'kube: kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--request-timeout <duration>', 'kube: per API request, exec and log stream opening: give up after this long (default: 30s)', parseTimeoutMs)
    .option('--timeout <duration>', 'kube: the whole run: past it, stop the load, restore the clusters, save what was measured (incomplete) and exit 4 (default: none)', parseTimeoutMs)
    .addOption(new Option('--load <generator>', 'kube: load generator').choices(['k6', 'curl']).default('k6'))
    .option('--k6-image <image>', 'kube: k6 container image', DEFAULT_K6_IMAGE)
    .option('--journal <file>', 'kube: journal of cluster changes, replayed by `meshbench restore` (default: .meshbench-journal.jsonl)')
    .option('--parallelism <n>', 'kube: run k6 through the k6-operator (TestRun) with n runners', parsePositiveInt)
    .addOption(new Option('--dry-run [strategy]', 'kube: print every object the run would create and every command it would exec, as kubectl --dry-run=client -o yaml; contacts no cluster, needs no kubeconfig').choices(['client']).preset('client'))
    .addOption(new Option('-o, --output <format>', 'kube: format of --dry-run').choices(['yaml', 'json']))
    .option('--prometheus <url>', "kube: cross-check the client's counts with istio_requests_total from this Prometheus (default: the client cluster's istio-system/prometheus through the API server, when it exists)")
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  meshbench run failover --seed 7                     the seed exercise 7 on the simulator\n' +
        '  meshbench run outlier-503 --istio 1.18              the same DestinationRule under an older Istio\n' +
        '  meshbench run failover --repeat 200                 failover figures as distributions over 200 trials\n' +
        '  meshbench run my-scenario.yaml --mesh my-mesh.yaml --label team=payments\n' +
        '  meshbench run failover --target kube --context c1 --context c2 --load curl\n' +
        '  meshbench run failover --target kube --context c1 --context c2 --dry-run=client -o yaml   what it would create and exec\n' +
        '  meshbench restore                                   undo what an interrupted kube run left\n' +
        '\nExit codes: 0 ok, 2 usage, 3 invalid scenario/mesh/DestinationRule or a run past the size limits\n' +
        '            (--allow-large), 4 environment (--out not writable: the result goes to a temp file),\n' +
        '            10 a threshold failed (the result is saved), 130 interrupted (completed trials are\n' +
        '            saved, marked interrupted; a second Ctrl-C exits at once).',
    )
    .action(async (refs: string[], opts: RunOptions, cmd: Command) => {
      checkTargetFlags(cmd, opts.target);
      checkRunLabels(opts.label, opts.target, opts.istio);
      const style = styleFor(rt, cmd.optsWithGlobals());
      const [{ loadMesh, loadScenario }, { meshRefFor }, { createFileResultStore }, { resultIdFactory }, { lineProgress }, { serializeResult }] = await Promise.all([
        import('../../fs/documents.js'),
        import('../../fs/scenario-mesh.js'),
        import('../../fs/result-store.js'),
        import('../result-ids.js'),
        import('../progress.js'),
        import('../../fs/result-file.js'),
      ]);
      const store = createFileResultStore(opts.out, { cwd: rt.cwd });
      const [{ checkResultsDir }, { saveResultOrFallback }] = await Promise.all([import('../../fs/results-dir.js'), import('../result-save.js')]);
      const save = (r: import('../../model/result.js').Result) => saveResultOrFallback(rt, store, r);
      const progress = opts.quiet === true ? silentProgress : lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock });
      const newId = resultIdFactory(rt);
      const jsonOut: string[] = [];
      const writeJson = () => {
        if (opts.json === true) rt.stdout.write(jsonOut.length === 1 ? (jsonOut[0] as string) : `[\n${jsonOut.join(',\n')}]\n`);
      };
      const saved: Array<{ result: import('../../model/result.js').Result; path: string }> = [];
      let failed = false;
      if (opts.output !== undefined && opts.dryRun === undefined) throw new UsageError('-o/--output formats the --dry-run plan; add --dry-run=client');
      if (opts.target === 'kube' && opts.dryRun !== undefined) {
        const { dryRunOnClusters } = await import('./run-kube.js');
        for (const ref of refs) rt.stdout.write(await dryRunOnClusters(rt, ref, opts));
        return;
      }
      if (opts.target === 'kube') {
        const { runOnClusters, timedOutResult } = await import('./run-kube.js');
        // Validate every scenario before touching a cluster, so a typo in the second file costs nothing.
        for (const ref of refs) await loadScenario(ref, rt.cwd, await loadMesh(await meshRefFor(ref, opts.mesh, rt.cwd), rt.cwd));
        await checkResultsDir(opts.out, rt.cwd);
        // One --timeout for the whole command, whatever the number of scenarios.
        const deadlineAt = opts.timeout !== undefined ? rt.clock.now() + opts.timeout : undefined;
        for (const ref of refs) {
          let r: import('../../model/result.js').Result;
          try {
            r = await runOnClusters(rt, ref, opts, { progress, newId }, deadlineAt);
          } catch (err) {
            // --timeout: the clusters are restored; keep what was measured, then report the timeout (exit 4).
            const kept = timedOutResult(err);
            if (kept === undefined) throw err;
            const path = await save(kept);
            await printResult(rt, kept, path, opts, style, jsonOut, serializeResult);
            writeJson();
            rt.stderr.write(`saved what was measured before the timeout: ${path} (incomplete)\n`);
            throw err;
          }
          const path = await save(r);
          saved.push({ result: r, path });
          failed ||= r.thresholds.some((t) => !t.ok);
          await printResult(rt, r, path, opts, style, jsonOut, serializeResult);
        }
      } else {
        const [{ runSimulation }, { workerTrialPool }] = await Promise.all([import('../../app/run-sim.js'), import('../trial-pool.js')]);
        // Validate every scenario before running any, so a typo in the second file costs nothing,
        // each against its mesh (--mesh, else the one the scenario names, else the built-in one)…
        const loaded = [];
        for (const ref of refs) {
          const meshRef = await meshRefFor(ref, opts.mesh, rt.cwd);
          const mesh = await loadMesh(meshRef, rt.cwd);
          // …and refuse a run past the size limits before it starts (exit 3 naming the fields).
          const limits = opts.allowLarge === true ? undefined : { trials: opts.repeat, meshDisplay: meshRef };
          loaded.push({ ...(await loadScenario(ref, rt.cwd, mesh, limits)), mesh });
        }
        // …and that the results can be saved, before spending the run's time.
        await checkResultsDir(opts.out, rt.cwd);
        const seed = opts.seed ?? rt.randomSeed();
        if (opts.seed === undefined && opts.quiet !== true) rt.stderr.write(`seed ${seed} (replay with --seed ${seed})\n`);
        for (const l of loaded) {
          const outcome = await runSimulation(
            { mesh: l.mesh, scenario: l.scenario, raw: l.raw, sha256: l.sha256, istio: opts.istio, seed, trials: opts.repeat, labels: opts.label },
            {
              clock: rt.clock,
              progress,
              pool: workerTrialPool(opts.workers !== undefined ? { workers: opts.workers } : {}),
              newId,
              signal: rt.signal,
            },
          );
          if (outcome.kind === 'stopped') {
            const { formatVirtual } = await import('../../app/run-sim.js');
            const where =
              `stopped in trial ${outcome.at.index + 1} of ${opts.repeat} at ${formatVirtual(outcome.at.nowUs)} of ${formatVirtual(outcome.at.durationUs)} virtual time`;
            if (outcome.result === undefined) {
              writeJson(); // the scenarios that finished before
              const none = opts.repeat === 1 ? 'no request had completed yet' : 'no trial had completed';
              throw new InterruptedError(`interrupted: ${where}; ${none}, so no result was saved`);
            }
            const path = await save(outcome.result);
            const kept =
              outcome.measuredToUs !== undefined
                ? `kept what the trial measured up to ${formatVirtual(outcome.measuredToUs)} (requests in flight at the stop left out; figures that need the rest say "not measured: interrupted")`
                : `kept the ${outcome.completed} completed trial${outcome.completed === 1 ? '' : 's'} of ${opts.repeat}`;
            rt.stderr.write(`interrupted: ${where}; ${kept}\n`);
            await printResult(rt, outcome.result, path, opts, style, jsonOut, serializeResult);
            writeJson();
            const what = outcome.measuredToUs !== undefined ? `the first ${formatVirtual(outcome.measuredToUs)} of the trial` : `${outcome.completed} of ${opts.repeat} trials`;
            throw new InterruptedError(`interrupted: saved ${path} (marked interrupted, ${what})`);
          }
          const path = await save(outcome.result);
          saved.push({ result: outcome.result, path });
          failed ||= outcome.result.thresholds.some((t) => !t.ok);
          await printResult(rt, outcome.result, path, opts, style, jsonOut, serializeResult);
          const secs = outcome.elapsedMs / 1000;
          if (secs > 0 && opts.quiet !== true) {
            rt.stderr.write(
              `simulated ${outcome.requests.toLocaleString('en-US')} requests in ${secs.toFixed(2)} s` +
                ` (${Math.round(outcome.requests / secs).toLocaleString('en-US')} req/s)\n`,
            );
          }
        }
      }
      if (opts.html !== undefined) {
        const [{ writeHtmlPage }, { renderReportsHtml }, { buildReportView }] = await Promise.all([
          import('../html-out.js'),
          import('../../render/html/report-page.js'),
          import('../../app/report.js'),
        ]);
        const views = saved.map((s) => buildReportView(s.result, s.path));
        await writeHtmlPage(rt, opts.html, (generator) => renderReportsHtml(views, generator));
      }
      writeJson();
      if (failed) rt.setExitCode(ExitCode.ThresholdsFailed);
    });
}

async function printResult(
  rt: CliRuntime,
  result: import('../../model/result.js').Result,
  path: string,
  opts: RunOptions,
  style: import('../../render/style.js').Style,
  jsonOut: string[],
  serialize: (r: import('../../model/result.js').Result) => string,
): Promise<void> {
  if (opts.quiet === true) {
    const { verdictLine } = await import('../../render/verdict.js');
    rt.stdout.write(`${verdictLine(result, style)}\n${path}\n`);
    return;
  }
  if (opts.json === true) {
    rt.stderr.write(`saved ${path}\n`);
    jsonOut.push(serialize(result).trimEnd());
    return;
  }
  const [{ buildReportView }, { renderReport }] = await Promise.all([import('../../app/report.js'), import('../../render/report.js')]);
  rt.stdout.write(renderReport(buildReportView(result, path), style));
  rt.stdout.write(`\nsaved ${path}\n`);
}
