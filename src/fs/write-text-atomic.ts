import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { nodeResultStoreFs, type ResultStoreFs } from './result-store-fs.js';

/** The step of an atomic write that failed (`mkdir`: creating the directory). */
export type AtomicWriteStep = 'mkdir' | 'write' | 'flush' | 'rename';

/** An atomic write failed at `step`; the temp file is already removed. */
export class AtomicWriteFailure extends Error {
  constructor(
    readonly step: AtomicWriteStep,
    override readonly cause: unknown,
  ) {
    super(`${step} failed`);
  }

  /** The errno code (ENOSPC, EACCES…) or the message of the cause. */
  get reason(): string {
    return (this.cause as NodeJS.ErrnoException | undefined)?.code ?? (this.cause instanceof Error ? this.cause.message : String(this.cause));
  }
}

export interface AtomicWriteOptions {
  fs?: ResultStoreFs;
  /** Suffix of the temp file name (default: pid and random hex), so concurrent writers never share one. */
  tempSuffix?: () => string;
}

/**
 * Writes a whole file or nothing: `mkdir -p`, a temp file `.<name>.tmp-<suffix>` beside the target,
 * fsync, rename over the target, then fsync of the directory where the platform allows it. Any
 * failure before the rename removes the temp file and throws AtomicWriteFailure naming the step.
 */
export async function writeAtomically(path: string, text: string, opts: AtomicWriteOptions = {}): Promise<void> {
  const fs = opts.fs ?? nodeResultStoreFs;
  const dir = dirname(path);
  const suffix = opts.tempSuffix?.() ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(dir, `.${basename(path)}.tmp-${suffix}`);
  let step: AtomicWriteStep = 'mkdir';
  try {
    await fs.mkdir(dir);
    step = 'write';
    const file = await fs.openForWrite(temp);
    try {
      await file.write(text);
      step = 'flush';
      await file.sync();
    } finally {
      await file.close();
    }
    step = 'rename';
    await fs.rename(temp, path);
  } catch (err) {
    await fs.remove(temp).catch(() => undefined);
    throw new AtomicWriteFailure(step, err);
  }
  // The rename is durable only once the directory entry is; some platforms cannot fsync a directory.
  await fs.syncDir(dir).catch(() => undefined);
}

/** `writeAtomically` for pages and sweep files: a failure is an EnvironmentError (exit 4) naming the file and the step. */
export async function writeTextAtomic(path: string, text: string, fs: ResultStoreFs = nodeResultStoreFs): Promise<void> {
  try {
    await writeAtomically(path, text, { fs });
  } catch (err) {
    if (!(err instanceof AtomicWriteFailure)) throw err;
    const step = err.step === 'mkdir' ? 'create the directory' : err.step;
    throw new EnvironmentError(`cannot write ${path}: ${step} failed (${err.reason})`, { cause: err.cause, code: 'FILE_WRITE', hint: 'check that the directory is writable and the disk is not full' });
  }
}
