import { Command } from 'commander';
import { silentProgress } from '../../app/ports.js';
import { UsageError } from '../../errors.js';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { parseIstioVersion, parsePositiveInt, parseSeed } from '../parsers.js';
import { DEFAULT_ISTIO_VERSION } from '../../sim/istio-profile.js';

interface DemoOptions {
  seed: number;
  istio: string;
  older: string;
  trials: number;
  out: string;
  quiet?: boolean;
}

/** `meshbench demo`: the seed tutorial's experiments on the built-in simulated mesh, told as a story. */
export function demoCommand(rt: CliRuntime): Command {
  return new Command('demo')
    .description("the seed tutorial's experiments on the built-in simulated mesh, with charts (no cluster needed)")
    .option('--seed <n>', 'RNG seed (the demo is reproducible)', parseSeed, 1)
    .option('--istio <version>', 'Istio behaviour profile of the story', parseIstioVersion, DEFAULT_ISTIO_VERSION)
    .option('--older <version>', 'the older Istio the version comparison is made against', parseIstioVersion, '1.18')
    .option('--trials <n>', 'trials of the failover experiment', parsePositiveInt, 20)
    .option('--out <dir>', 'results directory the five results are saved in (the ids the story prints are theirs)', 'results')
    .option('-q, --quiet', 'print only a verdict line and the path of each result (no story, no progress)')
    .addHelpText('after', '\nEvery figure is measured on the simulator when you run it. Replay an experiment with\n`meshbench run <name> --seed <n>`; inspect a policy with `meshbench explain <name>`.')
    .action(async (opts: DemoOptions, cmd: Command) => {
      // The version comparison needs two versions: refuse before minutes of simulation, not after.
      if (opts.older === opts.istio) {
        throw new UsageError(`--older ${opts.older} is the same as --istio ${opts.istio}; the version comparison needs two different Istio versions`, {
          hint: `e.g. meshbench demo --istio ${opts.istio} --older ${opts.istio === '1.18' ? '1.24' : '1.18'}`,
        });
      }
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
      const progress = opts.quiet === true ? silentProgress : lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock });
      const outcome = await runDemo(
        { mesh, distribution, locality, failover, outlier503, istio: opts.istio, olderIstio: opts.older, seed: opts.seed, failoverTrials: opts.trials },
        { clock: rt.clock, progress, pool: inProcessPool(yieldToEventLoop), signal: rt.signal, newId: resultIdFactory(rt) },
      );
      const style = styleFor(rt, cmd.optsWithGlobals());
      // Saved before the story is printed, so every id it shows names a stored result.
      const { createFileResultStore } = await import('../../fs/result-store.js');
      const store = createFileResultStore(opts.out, { cwd: rt.cwd });
      const saved: Array<{ result: (typeof outcome)['distribution']; path: string }> = [];
      for (const r of [outcome.distribution, outcome.locality, outcome.failover, outcome.outlierOlder, outcome.outlierNewer]) {
        saved.push({ result: r, path: await store.save(r) });
      }
      if (opts.quiet === true) {
        const { verdictLine } = await import('../../render/verdict.js');
        rt.stdout.write(saved.map((s) => `${verdictLine(s.result, style)}\n${s.path}\n`).join(''));
        return;
      }
      rt.stdout.write(renderDemo({ mesh, seed: opts.seed, istio: opts.istio, olderIstio: opts.older, ...outcome }, style));
      for (const s of saved) rt.stderr.write(`saved ${s.path}\n`);
    });
}
