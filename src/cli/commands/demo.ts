import { Command } from 'commander';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { parseIstioVersion, parsePositiveInt, parseSeed } from '../parsers.js';
import { DEFAULT_ISTIO_VERSION } from '../../sim/istio-profile.js';

interface DemoOptions {
  seed: number;
  istio: string;
  older: string;
  trials: number;
  out?: string;
}

/** `meshbench demo`: the seed tutorial's experiments on the built-in simulated mesh, told as a story. */
export function demoCommand(rt: CliRuntime): Command {
  return new Command('demo')
    .description("the seed tutorial's experiments on the built-in simulated mesh, with charts (no cluster needed)")
    .option('--seed <n>', 'RNG seed (the demo is reproducible)', parseSeed, 1)
    .option('--istio <version>', 'Istio behaviour profile of the story', parseIstioVersion, DEFAULT_ISTIO_VERSION)
    .option('--older <version>', 'the older Istio the version comparison is made against', parseIstioVersion, '1.18')
    .option('--trials <n>', 'trials of the failover experiment', parsePositiveInt, 20)
    .option('--out <dir>', 'also save the five results in this directory')
    .addHelpText('after', '\nEvery figure is measured on the simulator when you run it. Replay an experiment with\n`meshbench run <name> --seed <n>`; inspect a policy with `meshbench explain <name>`.')
    .action(async (opts: DemoOptions, cmd: Command) => {
      const [{ loadMesh, loadScenario }, { runDemo }, { renderDemo }, { resultIdFactory }, { lineProgress }, { inProcessPool }, { yieldToEventLoop }] = await Promise.all([
        import('../../fs/documents.js'),
        import('../../app/demo.js'),
        import('../../render/demo.js'),
        import('../result-ids.js'),
        import('../progress.js'),
        import('../../app/run-sim.js'),
        import('../trial-pool.js'),
      ]);
      if (opts.out !== undefined) await (await import('../../fs/results-dir.js')).checkResultsDir(opts.out, rt.cwd);
      const mesh = await loadMesh(undefined, rt.cwd);
      const load = (name: string) => loadScenario(name, rt.cwd, mesh);
      const [distribution, locality, failover, outlier503] = await Promise.all([load('distribution'), load('locality'), load('failover'), load('outlier-503')]);
      const progress = lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock });
      const outcome = await runDemo(
        { mesh, distribution, locality, failover, outlier503, istio: opts.istio, olderIstio: opts.older, seed: opts.seed, failoverTrials: opts.trials },
        { clock: rt.clock, progress, pool: inProcessPool(yieldToEventLoop), signal: rt.signal, newId: resultIdFactory(rt) },
      );
      rt.stdout.write(renderDemo({ mesh, seed: opts.seed, istio: opts.istio, olderIstio: opts.older, ...outcome }, styleFor(rt, cmd.optsWithGlobals())));
      if (opts.out !== undefined) {
        const { createFileResultStore } = await import('../../fs/result-store.js');
        const store = createFileResultStore(opts.out, { cwd: rt.cwd });
        for (const r of [outcome.distribution, outcome.locality, outcome.failover, outcome.outlierOlder, outcome.outlierNewer]) {
          rt.stderr.write(`saved ${await store.save(r)}\n`);
        }
      }
    });
}
