import { Command } from 'commander';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { DEFAULT_RESULTS_DIR, parseAlpha, parseWidth, withWidth } from '../result-options.js';

interface ReportOptions {
  out: string;
  width?: number;
  alpha: number;
  json?: boolean;
  html?: string;
}

/**
 * `meshbench report <result...>`: summary, tables and charts of stored results (`--json`: the
 * summary and chart data for machines).
 */
export function reportCommand(rt: CliRuntime): Command {
  return new Command('report')
    .description('summary, tables and charts of stored results')
    .argument('<result...>', 'result files, ids or id prefixes (`meshbench list` shows them)')
    .option('--out <dir>', 'results directory that ids are looked up in', DEFAULT_RESULTS_DIR)
    .option('--width <n>', 'columns for tables and charts (default: the terminal width, or 100)', parseWidth)
    .option('--alpha <p>', 'significance level of the test against the predicted split', parseAlpha, 0.05)
    .option('--json', 'print the summaries and chart data as JSON on stdout')
    .option('--html <file>', 'write the report as one self-contained HTML page (SVG charts, data tables, no network) instead of printing it')
    .addHelpText('after', '\nExit codes: 0 ok, 3 a result file is missing, truncated or not a readable result, 4 the --html file cannot be written.')
    .action(async (refs: string[], opts: ReportOptions, cmd: Command) => {
      const { createFileResultStore } = await import('../../fs/result-store.js');
      const { reportJson, reportResults } = await import('../../app/report.js');
      const store = createFileResultStore(opts.out, { cwd: rt.cwd });
      const views = await reportResults({ refs, alpha: opts.alpha }, { store });
      if (opts.html !== undefined) {
        const [{ writeHtmlPage }, { renderReportsHtml }] = await Promise.all([import('../html-out.js'), import('../../render/html/report-page.js')]);
        await writeHtmlPage(rt, opts.html, (generator) => renderReportsHtml(views, generator));
        if (opts.json !== true) return;
      }
      if (opts.json === true) {
        rt.stdout.write(`${JSON.stringify({ reports: views.map(reportJson) }, null, 2)}\n`);
        return;
      }
      const { renderReports } = await import('../../render/report.js');
      rt.stdout.write(renderReports(views, withWidth(styleFor(rt, cmd.optsWithGlobals()), opts.width)));
    });
}
