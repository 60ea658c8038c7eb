import { Command } from 'commander';
import { hex6, parseLabel } from '../parsers.js';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';

interface ImportCommandOptions {
  label: Record<string, string>;
  out: string;
  json?: boolean;
  name?: string;
}

/**
 * `meshbench import <file...>`: k6 `--out json` NDJSON (optionally gzipped) or fortio JSON results
 * become one meshbench result (each file a trial), saved in `--out`; prints its path and key figures.
 */
export function importCommand(rt: CliRuntime): Command {
  return new Command('import')
    .description('turn k6 `--out json` output or fortio JSON results into a meshbench result')
    .argument('<file...>', 'k6 NDJSON (`k6 run --out json=<file>`, .gz accepted) or fortio JSON (`fortio load -json <file>`); each file is one trial')
    .option('--label <key=value>', 'stored with the result (repeatable)', parseLabel, {})
    .option('--out <dir>', 'results directory', 'results')
    .option('--name <scenario>', 'scenario name of the result (default: the k6 scenario tag or the file name)')
    .option('--json', 'print the result document on stdout (progress and notes go to stderr)')
    .addHelpText(
      'after',
      '\nExamples:\n  meshbench import k6-out.ndjson --label istio=1.24\n  meshbench import run1.ndjson.gz run2.ndjson.gz --name failover\n  meshbench import fortio-result.json\n' +
        '\nThe format is detected from the content. Malformed k6 lines are skipped and counted; a file that is\n' +
        'mostly malformed or has no request is refused (exit 3) with the first bad lines.\n' +
        'Exit codes: 0 imported, 2 usage, 3 unreadable or invalid file, 4 cannot write the result.',
    )
    .action(async (files: string[], opts: ImportCommandOptions, cmd: Command) => {
      const [{ createHash }, { importFiles }, { openImportSource }, { createFileResultStore }, { makeResultId }, { lineProgress }, { serializeResult }, { TOOL_VERSION }] =
        await Promise.all([
          import('node:crypto'),
          import('../../app/import.js'),
          import('../../fs/import-source.js'),
          import('../../fs/result-store.js'),
          import('../../model/result-id.js'),
          import('../progress.js'),
          import('../../fs/result-file.js'),
          import('../../version.js'),
        ]);
      const sources = [];
      for (const f of files) sources.push(await openImportSource(f, rt.cwd));
      const progress = lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock });
      const now = rt.clock.wallNow();
      const suffix = hex6(rt.randomSeed());
      const outcome = await importFiles(
        sources,
        {
          ...(opts.name !== undefined ? { name: opts.name } : {}),
          labels: opts.label,
          toolVersion: TOOL_VERSION,
          makeId: (scenario) => makeResultId(now, scenario, suffix),
          sha256: (text) => createHash('sha256').update(text).digest('hex'),
        },
        { progress, signal: rt.signal },
      );
      const path = await createFileResultStore(opts.out, { cwd: rt.cwd }).save(outcome.result);
      if (opts.json === true) {
        rt.stderr.write(`saved ${path}\n`);
        rt.stdout.write(serializeResult(outcome.result));
        return;
      }
      const { renderImportSummary } = await import('../../render/import-summary.js');
      rt.stdout.write(renderImportSummary(outcome, path, styleFor(rt, cmd.optsWithGlobals())));
    });
}
