import type { Clock } from '../app/ports.js';
import type { ProcessSpawner } from '../kube/istioctl.js';

/** A text sink (stdout or stderr). */
export interface Writer {
  write(s: string): void;
  /** True when the sink is an interactive terminal (live progress lines, colour by default). */
  isTTY: boolean;
  /** Terminal width when known. */
  columns?: number;
}

/** Everything the CLI touches in the outside world, injected so tests can run `main()` in-process. */
export interface CliDeps {
  stdout: Writer;
  stderr: Writer;
  env: Record<string, string | undefined>;
  /** Directory relative paths (scenario files, --out) resolve from. */
  cwd: string;
  clock: Clock;
  /** A fresh random seed when `--seed` is omitted (crypto at the edge). */
  randomSeed(): number;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Called on a second interrupt while restoring; the kube driver sets a handler. */
  onSecondInterrupt?: (handler: () => void) => void;
  /**
   * Runs external programs (istioctl) with an argv array, no shell. Default: node's spawn;
   * tests inject a fake istioctl here.
   */
  spawnProcess?: ProcessSpawner;
}

/** Global options every command can read with `command.optsWithGlobals()`. */
export interface GlobalOptions {
  verbose?: boolean;
  color?: boolean;
}

/** What a command factory receives: the injected world plus a way to set the exit code without throwing. */
export interface CliRuntime extends CliDeps {
  /** E.g. 10 when the run finished but a threshold failed (the result is saved first). */
  setExitCode(code: number): void;
}
