import type { Result } from '../model/result.js';

/** Wall/monotonic time for live code (kube poll loops, progress). The simulator never uses it. */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Current UTC time (for result ids and timestamps). */
  wallNow(): Date;
  /** Resolves after `ms` (rejects with the signal's reason when aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Where progress of long work goes (stderr in the CLI: a live TTY line or a plain line every few seconds). */
export interface Progress {
  /** Replace the current progress line. Cheap: the sink throttles. */
  update(line: string): void;
  /** A line that must stay visible (a step finished, a warning). */
  note(line: string): void;
  /** Clear the live line. */
  done(): void;
}

export const silentProgress: Progress = { update() {}, note() {}, done() {} };

/** Stores results; writes are atomic (complete or absent). */
export interface ResultStore {
  /** Writes the result as `<dir>/<id>.json` and returns the path. */
  save(result: Result): Promise<string>;
  /** Reads and validates one result file (exit 3 on a bad or foreign schema). */
  load(pathOrId: string): Promise<Result>;
  /** `load` plus the path of the file read (an id or prefix names a file the user never typed). */
  open?(pathOrId: string): Promise<{ result: Result; path: string }>;
  /** Every readable result in the store, newest first; unreadable files are reported, not fatal. */
  list(): Promise<{ results: Array<{ path: string; result: Result }>; unreadable: Array<{ path: string; reason: string }> }>;
}
