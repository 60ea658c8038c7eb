import { Command } from 'commander';
import { InterruptedError } from '../../errors.js';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { collect, parseIstioVersion, parseLabel, parsePositiveInt, parseSeed } from '../parsers.js';
import { DEFAULT_ISTIO_VERSION } from '../../sim/istio-profile.js';

interface SweepOptions {
  set: string[];
  measure?: string;
  repeat: number;
  seed?: number;
  istio: string;
  mesh?: string;
  out: string;
  label: Record<string, string>;
  workers?: number;
  json?: boolean;
  html?: string;
}

/**
 * `meshbench sweep <scenario>`: a grid of what-if runs on the simulator. Every cell is validated
 * before the first one runs; each runs `--repeat` trials over the worker pool and is saved as a
 * result; the sweep is saved as one result-set file (`<out>/sweeps/<id>.json`).
 */
export function sweepCommand(rt: CliRuntime): Command {
  return new Command('sweep')
    .description('run a scenario over a grid of settings on the simulator and tabulate the outcome')
    .argument('<scenario>', 'scenario file, or a built-in name (e.g. failover)')
    .option('--set <path=v1,v2,...>', 'a dimension of the grid (repeatable): dr.<field>, load.<field>, mesh.<field> or istio', collect, [])
    .option('--measure <paths>', 'comma-separated metrics to show (default: those the thresholds name), e.g. failover.recovery.p99,failover.errors.p50')
    .option('--repeat <n>', 'trials per cell (seeds seed … seed+n−1, the same in every cell)', parsePositiveInt, 1)
    .option('--seed <n>', 'RNG seed (printed and stored when omitted)', parseSeed)
    .option('--istio <version>', 'Istio behaviour profile of cells that do not set istio', parseIstioVersion, DEFAULT_ISTIO_VERSION)
    .option('--mesh <file>', 'mesh topology (default: the built-in two-cluster mesh)')
    .option('--label <key=value>', 'stored with every cell result (repeatable)', parseLabel, {})
    .option('--out <dir>', 'results directory', 'results')
    .option('--workers <n>', 'worker threads for the trials (default: one per core)', parsePositiveInt)
    .option('--json', 'print the sweep (cells, measures, result ids) as JSON on stdout')
    .option('--html <file>', 'also write the table (or heatmaps) as one self-contained HTML page')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  meshbench sweep failover --set dr.trafficPolicy.outlierDetection.interval=1s,5s,10s --set istio=1.22,1.24\n' +
        '  meshbench sweep failover --set dr.trafficPolicy.outlierDetection.maxEjectionPercent=10,100 \\\n' +
        '      --set load.rate=5,20 --measure failover.recovery.p99,failover.errors.p50 --repeat 5\n' +
        '  meshbench sweep failover --set mesh.clusters.1.workloads.0.replicas=1,2 --html sweep.html\n' +
        '\nTwo dimensions with several values give one grid per measure; otherwise one row per cell.\n' +
        '✓ marks cells where every threshold of the scenario held.\n' +
        '\nExit codes: 0 ok (also when cells fail thresholds), 2 usage, 3 an invalid --set path or value\n' +
        '            (before anything runs), 4 environment, 130 interrupted.',
    )
    .action(async (ref: string, opts: SweepOptions, cmd: Command) => {
      const style = styleFor(rt, cmd.optsWithGlobals());
      const [{ loadSweepSources }, { parseSetFlag, planSweep }, sweep, { createFileResultStore }, { resultIdFactory }, { lineProgress }, { workerTrialPool }, { writeTextAtomic }, path] = await Promise.all([
        import('../../fs/sweep-sources.js'),
        import('../../app/sweep-plan.js'),
        import('../../app/sweep.js'),
        import('../../fs/result-store.js'),
        import('../result-ids.js'),
        import('../progress.js'),
        import('../trial-pool.js'),
        import('../../fs/write-text-atomic.js'),
        import('node:path'),
      ]);
      const dims = opts.set.map(parseSetFlag);
      const sources = await loadSweepSources(ref, opts.mesh, rt.cwd, opts.istio);
      const cells = planSweep(sources, dims);
      const measures = sweep.resolveMeasures(opts.measure?.split(',').map((m) => m.trim()).filter((m) => m !== ''), cells[0]!.scenario);
      const seed = opts.seed ?? rt.randomSeed();
      if (opts.seed === undefined) rt.stderr.write(`seed ${seed} (replay with --seed ${seed})\n`);
      const store = createFileResultStore(opts.out, { cwd: rt.cwd });
      const newId = resultIdFactory(rt);
      const id = newId(`sweep-${cells[0]!.scenario.name}`, rt.clock.wallNow());
      const t0 = rt.clock.now();
      const set = await sweep.runSweep(
        { cells, dimensions: dims, measures, seed, repeat: opts.repeat, sha256: sources.sha256, labels: opts.label, id },
        {
          clock: rt.clock,
          progress: lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock }),
          pool: workerTrialPool(opts.workers !== undefined ? { workers: opts.workers } : {}),
          signal: rt.signal,
          newId,
          save: (r) => store.save(r),
          aborted: () => rt.signal.aborted,
        },
      );
      if (rt.signal.aborted) throw new InterruptedError(`interrupted after ${set.cells.length} of ${cells.length} cells; their results are saved, the sweep file is not`);
      const file = path.resolve(rt.cwd, opts.out, 'sweeps', `${id}.json`);
      await writeTextAtomic(file, `${JSON.stringify(set, null, 2)}\n`);
      const { sweepView } = await import('../../render/sweep-view.js');
      const view = sweepView(set);
      if (opts.html !== undefined) {
        const [{ writeHtmlPage }, { renderSweepHtml }] = await Promise.all([import('../html-out.js'), import('../../render/html/sweep-page.js')]);
        await writeHtmlPage(rt, opts.html, (generator) => renderSweepHtml(view, generator));
      }
      if (opts.json === true) rt.stdout.write(`${JSON.stringify(set, null, 2)}\n`);
      else {
        const { renderSweep } = await import('../../render/sweep.js');
        rt.stdout.write(renderSweep(view, style));
        rt.stdout.write(`\nsaved ${path.relative(rt.cwd, file).startsWith('..') ? file : path.relative(rt.cwd, file)}\n`);
      }
      rt.stderr.write(`swept ${cells.length} cells × ${opts.repeat} trials in ${((rt.clock.now() - t0) / 1000).toFixed(1)} s\n`);
    });
}
