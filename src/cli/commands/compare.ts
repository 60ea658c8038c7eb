import { Command } from 'commander';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { DEFAULT_RESULTS_DIR, parseAlpha, parseWidth, withWidth } from '../result-options.js';

interface CompareOptions {
  out: string;
  by?: string;
  baseline?: string;
  alpha: number;
  width?: number;
  json?: boolean;
  html?: string;
}

/**
 * `meshbench compare <result...>`: key figures side by side with deltas against a baseline and a
 * significance verdict per delta; `--by <label>` merges results into groups first.
 */
export function compareCommand(rt: CliRuntime): Command {
  return new Command('compare')
    .description('compare results side by side, with a significance test per difference')
    .argument('<result...>', 'result files, ids or id prefixes (two or more, or several groups with --by)')
    .option('--by <label>', 'group results by a label value and merge each group (e.g. istio)')
    .option('--baseline <result>', 'what the others are compared with: a result, or with --by a label value (default: the first)')
    .option('--alpha <p>', 'significance level of each test', parseAlpha, 0.05)
    .option('--out <dir>', 'results directory that ids are looked up in', DEFAULT_RESULTS_DIR)
    .option('--width <n>', 'columns for tables and charts (default: the terminal width, or 100)', parseWidth)
    .option('--json', 'print the comparison as JSON on stdout')
    .option('--html <file>', 'write the comparison as one self-contained HTML page (SVG overlays, data tables, no network) instead of printing it')
    .addHelpText(
      'after',
      '\nTests: latency and failover figures over trials by Mann-Whitney U on the HDR histograms (failover\n' +
        'needs 2+ trials on both sides), error counts and the version split by chi-square. Each test runs at\n' +
        'level --alpha on its own; higher latency, error rate or failover time counts as worse.\n' +
        '\nExit codes: 0 ok, 2 fewer than two results or groups, 3 a result file is missing or unreadable,\n            4 the --html file cannot be written.',
    )
    .action(async (refs: string[], opts: CompareOptions, cmd: Command) => {
      const { createFileResultStore } = await import('../../fs/result-store.js');
      const { compareJson, compareResults } = await import('../../app/compare.js');
      const store = createFileResultStore(opts.out, { cwd: rt.cwd });
      const view = await compareResults(
        { refs, alpha: opts.alpha, ...(opts.by !== undefined ? { by: opts.by } : {}), ...(opts.baseline !== undefined ? { baseline: opts.baseline } : {}) },
        { store },
      );
      if (opts.html !== undefined) {
        const [{ writeHtmlPage }, { renderCompareHtml }] = await Promise.all([import('../html-out.js'), import('../../render/html/compare-page.js')]);
        await writeHtmlPage(rt, opts.html, (generator) => renderCompareHtml(view, generator));
        if (opts.json !== true) return;
      }
      if (opts.json === true) {
        rt.stdout.write(`${JSON.stringify(compareJson(view), null, 2)}\n`);
        return;
      }
      const { renderCompare } = await import('../../render/compare.js');
      rt.stdout.write(renderCompare(view, withWidth(styleFor(rt, cmd.optsWithGlobals()), opts.width)));
    });
}
