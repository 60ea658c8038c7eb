import { Command } from 'commander';
import { ExitCode, InvalidInputError, type Problem } from '../../errors.js';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';

interface ValidateOptions {
  mesh?: string;
  json?: boolean;
  allowLarge?: boolean;
}

/**
 * `meshbench validate <file...>`: checks Scenario, Mesh and DestinationRule files (kind detected
 * from each document) and lists every problem as `file:line:col  path  message`; exit 3 if any.
 */
export function validateCommand(rt: CliRuntime): Command {
  return new Command('validate')
    .description('check scenario, mesh and DestinationRule files without running anything')
    .argument('<file...>', 'Scenario, Mesh or DestinationRule files (YAML or JSON), or built-in scenario names')
    .option('--mesh <file>', 'mesh that scenarios are checked against (default: the built-in two-cluster mesh)')
    .option('--json', 'print the report as JSON on stdout')
    .option('--allow-large', 'do not report runs past the size limits (README "Limits")')
    .addHelpText(
      'after',
      '\nExit codes: 0 every file is valid, 3 a file has problems (all of them are listed), including a\n' +
        'one-trial run past the size limits (memory, requests) that `run` would refuse without --allow-large.',
    )
    .action(async (files: string[], opts: ValidateOptions, cmd: Command) => {
      const { validateFiles } = await import('../../fs/validate-files.js');
      const report = await validateFiles(files, { cwd: rt.cwd, ...(opts.mesh !== undefined ? { mesh: opts.mesh } : {}), allowLarge: opts.allowLarge === true });
      const all = [...(opts.mesh !== undefined && report.mesh ? [report.mesh] : []), ...report.files];
      const problems: Problem[] = [...(report.mesh?.problems ?? []), ...report.files.flatMap((f) => f.problems)];
      if (opts.json === true) {
        rt.stdout.write(`${JSON.stringify({ ok: problems.length === 0, files: all }, null, 2)}\n`);
        if (problems.length > 0) rt.setExitCode(ExitCode.Invalid);
        return;
      }
      const style = styleFor(rt, cmd.optsWithGlobals());
      for (const f of all) {
        if (f.problems.length > 0) continue;
        rt.stdout.write(`${style.paint('ok', 'green')}  ${f.file}  (${f.kind ?? 'unknown'} ${f.names.join(', ')})\n`);
      }
      if (problems.length > 0) throw new InvalidInputError(problems);
    });
}
