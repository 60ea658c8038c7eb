import { CommanderError, type Command } from 'commander';
import type { CliDeps, GlobalOptions } from './deps.js';
import { InterruptedError, ToolError } from '../errors.js';
import { describeFailure } from './errors-out.js';
import { styleFor } from './output.js';
import { buildProgram } from './program.js';
import { safeWriter } from './safe-output.js';

/**
 * Runs one command line and returns the exit code; never calls process.exit (bin.ts does),
 * so output is flushed and tests can call it in-process.
 */
export async function main(argv: readonly string[], rawDeps: CliDeps): Promise<number> {
  // Control characters from untrusted text are escaped once, here at the output edge.
  const deps: CliDeps = { ...rawDeps, stdout: safeWriter(rawDeps.stdout), stderr: safeWriter(rawDeps.stderr) };
  let exitCode = 0;
  const program = buildProgram({
    ...deps,
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  routeOutput(program, deps);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    const globals = program.opts<GlobalOptions>();
    const verbose = globals.verbose === true || argv.includes('--verbose') || argv.includes('-v');
    const color = globals.color ?? !argv.includes('--no-color');
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    // Whatever an interrupted operation threw on its way out (an aborted sleep or fetch, a stopped
    // worker) is the interrupt, not a bug: exit 130 without a stack.
    const failure = deps.signal.aborted && !(err instanceof ToolError) ? interrupted(deps.signal, err) : err;
    const { text, exitCode: code } = describeFailure(failure, styleFor(deps, { color }, deps.stderr), verbose);
    if (text) deps.stderr.write(text);
    return code;
  }
}

function interrupted(signal: AbortSignal, cause: unknown): InterruptedError {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'interrupted';
  return new InterruptedError(`${reason}; stopped before the work finished, nothing was saved`, { cause });
}

/** Send commander's own output (help, usage errors) to the injected writers and never exit. */
function routeOutput(cmd: Command, deps: CliDeps): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => deps.stdout.write(s),
    writeErr: (s) => deps.stderr.write(s),
    getOutHelpWidth: () => deps.stdout.columns ?? 100,
    getErrHelpWidth: () => deps.stderr.columns ?? 100,
  });
  for (const sub of cmd.commands) routeOutput(sub, deps);
}
