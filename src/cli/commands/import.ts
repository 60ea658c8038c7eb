import { Command } from 'commander';
import { parseLabel } from '../parsers.js';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';

interface ImportCommandOptions {
  label: Record<string, string>;
  out: string;
  json?: boolean;
  name?: string;
}

/**
 * `meshbench import <file...>`: k6 `--out json` NDJSON (optionally gzipped) and fortio JSON results
 * become meshbench results, one per format (each file a trial), saved in `--out`; prints each
 * path and its key figures.
 */
export function importCommand(rt: CliRuntime): Command {
  return new Command('import')
    .description('turn k6 `--out json` output and fortio JSON results into meshbench results')
    .argument('<file...>', 'k6 NDJSON (`k6 run --out json=<file>`, .gz accepted) and fortio JSON (`fortio load -json <file>`), in any mix; each file is one trial')
    .option('--label <key=value>', 'stored with the result (repeatable)', parseLabel, {})
    .option('--out <dir>', 'results directory', 'results')
    .option('--name <scenario>', 'scenario name of the results (default: the k6 scenario tag or the first file name of each format)')
    .option('--json', 'print the result document on stdout (progress and notes go to stderr)')
    .addHelpText(
      'after',
      '\nExamples:\n  meshbench import k6-out.ndjson --label istio=1.24\n  meshbench import run1.ndjson.gz run2.ndjson.gz --name failover\n  meshbench import k6-out.ndjson fortio.json       two results: one from k6, one from fortio\n' +
        '\nThe format is detected from the content; the files of each format make one result (k6 and\n' +
        'fortio measure different things, so they are not merged). Malformed k6 lines are skipped and counted; a file that is\n' +
        'mostly malformed or has no request is refused (exit 3) with the first bad lines.\n' +
        'Exit codes: 0 imported, 2 usage, 3 unreadable or invalid file, 4 cannot write the result.',
    )
    .action(async (files: string[], opts: ImportCommandOptions, cmd: Command) => {
      const [{ createHash }, { groupImportSources, importFiles }, { openImportSource }, { createFileResultStore }, { resultIdFactory }, { lineProgress }, { serializeResult }, { TOOL_VERSION }] =
        await Promise.all([
          import('node:crypto'),
          import('../../app/import.js'),
          import('../../fs/import-source.js'),
          import('../../fs/result-store.js'),
          import('../result-ids.js'),
          import('../progress.js'),
          import('../../fs/result-file.js'),
          import('../../version.js'),
        ]);
      const sources = [];
      for (const f of files) sources.push(await openImportSource(f, rt.cwd));
      // Every file's format is known (or refused) before the first is imported.
      const groups = await groupImportSources(sources);
      const progress = lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock });
      const now = rt.clock.wallNow();
      // Distinct ids even when two results share a scenario name (`--name x` over k6 and fortio).
      const newId = resultIdFactory(rt);
      const store = createFileResultStore(opts.out, { cwd: rt.cwd });
      const saved = [];
      for (const g of groups) {
        const outcome = await importFiles(
          g.sources,
          {
            ...(opts.name !== undefined ? { name: opts.name } : {}),
            labels: opts.label,
            toolVersion: TOOL_VERSION,
            makeId: (scenario) => newId(scenario, now),
            sha256: (text) => createHash('sha256').update(text).digest('hex'),
          },
          { progress, signal: rt.signal },
        );
        saved.push({ outcome, path: await store.save(outcome.result) });
      }
      if (opts.json === true) {
        for (const s of saved) rt.stderr.write(`saved ${s.path}\n`);
        const docs = saved.map((s) => serializeResult(s.outcome.result));
        rt.stdout.write(docs.length === 1 ? (docs[0] as string) : `[\n${docs.map((d) => d.trimEnd()).join(',\n')}]\n`);
        return;
      }
      const { renderImportSummary } = await import('../../render/import-summary.js');
      const style = styleFor(rt, cmd.optsWithGlobals());
      rt.stdout.write(saved.map((s) => renderImportSummary(s.outcome, s.path, style)).join('\n'));
    });
}
