import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { Result } from '../model/result.js';
import { displayPath } from './document-files.js';
import { serializeResult } from './result-file.js';

/**
 * Nothing lost (issue 17): the results folder is checked before a run spends minutes, and a result
 * that still cannot be saved at the end goes to a file in the system temp folder instead of away.
 */

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Checks that `dir` (relative to `cwd`) is, or can be made, a folder we can write in: `mkdir -p`,
 * then create and remove a probe file. EnvironmentError (exit 4) naming the path otherwise.
 */
export async function checkResultsDir(dir: string, cwd: string): Promise<void> {
  const abs = resolve(cwd, dir);
  const shown = displayPath(abs, cwd);
  let step = 'create';
  try {
    await mkdir(abs, { recursive: true });
    step = 'write in';
    const probe = join(abs, `.meshbench-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    const handle = await open(probe, 'wx', 0o644);
    await handle.close();
    await rm(probe, { force: true });
  } catch (err) {
    throw new EnvironmentError(`results folder ${shown} is not writable: cannot ${step} it (${errnoCode(err) ?? String(err)})`, {
      cause: err,
      code: 'RESULT_WRITE',
      hint: '--out <dir> names a folder to save results in; nothing was run',
    });
  }
}

/**
 * Writes the result to `<tmpDir>/meshbench-<id>.json` (no atomic rename: this is the last resort)
 * and returns the path, or undefined when even that fails.
 */
export async function saveFallback(result: Result, tmpDir: string): Promise<string | undefined> {
  const path = join(tmpDir, `meshbench-${result.id}.json`);
  try {
    await writeFile(path, serializeResult(result), { encoding: 'utf8', mode: 0o644, flag: 'wx' });
    return path;
  } catch {
    return undefined;
  }
}
