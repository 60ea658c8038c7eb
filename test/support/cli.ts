import { main } from '../../src/cli/main.js';
import type { CliDeps } from '../../src/cli/deps.js';
import { FakeClock } from '../fakes/fake-clock.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `meshbench <argv>` in-process with captured output, a fake clock and a fixed seed. */
export async function runCli(argv: string[], overrides: Partial<CliDeps> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = {
    stdout: { write: (s) => void (stdout += s), isTTY: false, columns: 100 },
    stderr: { write: (s) => void (stderr += s), isTTY: false, columns: 100 },
    env: {},
    cwd: process.cwd(),
    clock: new FakeClock({ autoAdvance: true }),
    randomSeed: () => 42,
    signal: new AbortController().signal,
    ...overrides,
  };
  const code = await main(argv, deps);
  return { code, stdout, stderr };
}
