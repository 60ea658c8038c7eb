import { Command } from 'commander';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { DEFAULT_RESULTS_DIR, parseWidth, withWidth } from '../result-options.js';

interface ListOptions {
  out: string;
  width?: number;
  json?: boolean;
}

/** `meshbench list`: stored results, newest first; unreadable files are warnings on stderr, not failures. */
export function listCommand(rt: CliRuntime): Command {
  return new Command('list')
    .description('stored results, newest first')
    .option('--out <dir>', 'results directory', DEFAULT_RESULTS_DIR)
    .option('--width <n>', 'columns for the table (default: the terminal width, or 100)', parseWidth)
    .option('--json', 'print the list as JSON on stdout')
    .action(async (opts: ListOptions, cmd: Command) => {
      const { resolve } = await import('node:path');
      const { createFileResultStore } = await import('../../fs/result-store.js');
      const { listRow, renderList } = await import('../../render/list.js');
      const { displayPath } = await import('../../fs/document-files.js');
      const dir = resolve(rt.cwd, opts.out);
      const { results, unreadable } = await createFileResultStore(dir, { cwd: rt.cwd }).list();
      const rows = results.map((r) => listRow(displayPath(r.path, rt.cwd), r.result));
      const shownUnreadable = unreadable.map((u) => ({ path: displayPath(u.path, rt.cwd), reason: u.reason }));
      if (opts.json === true) {
        rt.stdout.write(`${JSON.stringify({ dir: displayPath(dir, rt.cwd), results: rows, unreadable: shownUnreadable }, null, 2)}\n`);
        return;
      }
      const errStyle = styleFor(rt, cmd.optsWithGlobals(), rt.stderr);
      for (const u of shownUnreadable) rt.stderr.write(`${errStyle.paint('warning:', 'yellow')} skipped ${u.path}: ${u.reason}\n`);
      if (rows.length === 0) {
        rt.stdout.write(`no results in ${displayPath(dir, rt.cwd)} (\`meshbench run <scenario>\` writes one; --out <dir> looks elsewhere)\n`);
        return;
      }
      rt.stdout.write(renderList(rows, withWidth(styleFor(rt, cmd.optsWithGlobals()), opts.width)));
    });
}
