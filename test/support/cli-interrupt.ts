import type { CliDeps } from '../../src/cli/deps.js';
import { main } from '../../src/cli/main.js';
import { TickingClock } from '../fakes/ticking-clock.js';

/**
 * Runs `meshbench <argv>` in-process and aborts its signal (as the first SIGINT would) the first
 * time stderr contains `trigger`: an interrupt placed by the run's own progress output, not by time.
 * The clock ticks 5 s per reading, so plain progress lines (every 5 s) appear on every update.
 */
export async function runCliUntil(
  argv: string[],
  trigger: string,
  overrides: Partial<CliDeps> = {},
  opts: { stderrIsTTY?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string; aborted: boolean }> {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = {
    stdout: { write: (s) => void (stdout += s), isTTY: false, columns: 100 },
    stderr: {
      write: (s) => {
        stderr += s;
        if (!controller.signal.aborted && stderr.includes(trigger)) controller.abort(new Error('interrupted by SIGINT'));
      },
      isTTY: opts.stderrIsTTY === true,
      columns: 100,
    },
    env: {},
    cwd: process.cwd(),
    clock: new TickingClock(5_000),
    randomSeed: () => 42,
    signal: controller.signal,
    ...overrides,
  };
  const code = await main(argv, deps);
  return { code, stdout, stderr, aborted: controller.signal.aborted };
}
