import { parseTimeoutMs } from './deploy.js';
import { Command } from 'commander';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';

interface RestoreOptions {
  journal?: string;
  kubeconfig?: string;
  timeout?: number;
  requestTimeout?: number;
}

/**
 * `meshbench restore`: puts back what an interrupted `run --target kube` changed (Ctrl-C twice,
 * kill -9, a cluster that stopped answering), from the journal the run wrote before each change,
 * then removes the journal. Idempotent; exit 0 also when there was nothing to restore.
 */
export function restoreCommand(rt: CliRuntime): Command {
  return new Command('restore')
    .description('undo the cluster changes an interrupted kube run left behind (replays its journal)')
    .option('--journal <file>', 'the journal of the run (default: .meshbench-journal.jsonl)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: the run\'s --kubeconfig, else $KUBECONFIG or ~/.kube/config)')
    .option('--timeout <duration>', 'give up on the clusters after this long in all (the journal keeps what is left)', parseTimeoutMs)
    .option('--request-timeout <duration>', 'per API request, exec and log stream opening: give up after this long (default: 30s)', parseTimeoutMs)
    .addHelpText('after', '\nExit codes: 0 restored (or nothing to restore), 2 usage, 4 something could not be restored (the journal is kept).')
    .action(async (opts: RestoreOptions, cmd: Command) => {
      const [{ openJournal }, { typedJournal }, { restoreJournal, restoreCommand: commandLine }, { describeStep }, { createRng }, { lineProgress }, { DEFAULT_JOURNAL }] = await Promise.all([
        import('../../fs/journal.js'),
        import('../../kube/run/journal.js'),
        import('../../kube/run/restore-journal.js'),
        import('../../kube/run/restore.js'),
        import('../../sim/rng.js'),
        import('../progress.js'),
        import('./run-kube.js'),
      ]);
      const style = styleFor(rt, cmd.optsWithGlobals());
      const journal = typedJournal(openJournal(opts.journal ?? DEFAULT_JOURNAL, rt.cwd));
      const rng = createRng(rt.randomSeed());
      const progress = lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock });
      let remaining: string[] = [];
      rt.onSecondInterrupt?.(() => {
        if (remaining.length === 0) return;
        rt.stderr.write(`\ninterrupted; still to restore:\n${remaining.map((r) => `  - ${r}`).join('\n')}\nfinish with: ${commandLine(journal.path, opts.kubeconfig)}\n`);
      });
      const out = await restoreJournal(
        {
          journal,
          env: rt.env,
          cwd: rt.cwd,
          ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
          ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {}),
          ...(opts.requestTimeout !== undefined ? { requestTimeoutMs: opts.requestTimeout } : {}),
        },
        {
          clock: rt.clock,
          jitter: () => rng.next(),
          progress,
          onRemaining: (left) => {
            remaining = left.map(describeStep);
          },
        },
      );
      if (!out.found) {
        rt.stdout.write(`nothing to restore: no journal at ${journal.path}\n`);
        return;
      }
      for (const r of out.restored) rt.stdout.write(`${style.paint('restored', 'green')} ${r}\n`);
      for (const r of out.informational) rt.stdout.write(`${style.paint('noted', 'yellow')} ${r}\n`);
      for (const r of out.notReady) rt.stdout.write(`${style.paint('waiting', 'yellow')} ${r}: its pods are not ready yet\n`);
      rt.stdout.write(`${out.restored.length === 0 ? 'nothing was left to undo; ' : ''}journal ${journal.path} removed\n`);
    });
}
