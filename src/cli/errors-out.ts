import { CommanderError } from 'commander';
import { ExitCode, InvalidInputError, ToolError, formatProblem } from '../errors.js';
import type { Style } from '../render/style.js';

/**
 * Turn anything thrown by a command into text for stderr and an exit code (style.md §3):
 * expected errors print as `error: …` plus hints; anything else is a bug and prints its stack.
 */
export function describeFailure(err: unknown, style: Style, verbose: boolean): { text: string; exitCode: number } {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return { text: '', exitCode: ExitCode.Ok };
    // `meshbench` with no command: commander (lib/command.js, Command._parseCommand) calls
    // help({ error: true }), which prints the help to stderr and exits 1 (Command.help); we make
    // that a usage error. `meshbench help` and `--help` exit 0.
    if (err.code === 'commander.help') return { text: '', exitCode: err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage };
    // commander already printed its message through configureOutput.
    return { text: '', exitCode: ExitCode.Usage };
  }
  if (err instanceof ToolError) {
    const lines: string[] = [`${style.paint('error:', 'red')} ${err.message}`];
    if (err instanceof InvalidInputError) {
      for (const p of err.problems) lines.push(`  ${formatProblem(p)}`);
    }
    if (err.hint) lines.push(`${style.paint('hint:', 'yellow')} ${err.hint}`);
    if (verbose) lines.push(...causeChain(err));
    else if (err.cause !== undefined) lines.push(style.paint('(run with --verbose for the cause)', 'dim'));
    return { text: lines.join('\n') + '\n', exitCode: err.exitCode };
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return {
    text: `${style.paint('internal error (please report):', 'red')} ${stack}\n${verbose && err instanceof Error ? causeChain(err).join('\n') + '\n' : ''}`,
    exitCode: ExitCode.Internal,
  };
}

function causeChain(err: Error): string[] {
  const out: string[] = [];
  let cause: unknown = err.cause;
  let depth = 0;
  while (cause !== undefined && depth < 8) {
    out.push(`  caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
    depth++;
  }
  return out;
}
