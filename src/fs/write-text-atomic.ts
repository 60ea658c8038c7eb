import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EnvironmentError } from '../errors.js';
import { nodeResultStoreFs, type ResultStoreFs } from './result-store-fs.js';

/**
 * Writes a whole file or nothing, the way results are saved: a temp file beside the target,
 * fsync, rename over the target, fsync of the directory where the platform allows it. A failure
 * removes the temp file and is an EnvironmentError (exit 4) naming the file and the step.
 */
export async function writeTextAtomic(path: string, text: string, fs: ResultStoreFs = nodeResultStoreFs): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let step = 'create the directory';
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
    const code = (err as NodeJS.ErrnoException).code;
    throw new EnvironmentError(`cannot write ${path}: ${step} failed (${code ?? (err instanceof Error ? err.message : String(err))})`, {
      cause: err,
      code: 'FILE_WRITE',
      hint: 'check that the directory is writable and the disk is not full',
    });
  }
  await fs.syncDir(dir).catch(() => undefined);
}
