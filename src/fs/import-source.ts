import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EnvironmentError, InvalidInputError } from '../errors.js';
import type { ImportSource } from '../app/import-source.js';
import { forEachLine, readHead, readWholeText } from './ndjson-stream.js';

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Turns read failures into our errors: bad gzip or missing file → exit 3, permissions → exit 4. */
function translate(err: unknown, name: string): unknown {
  if (err instanceof InvalidInputError || err instanceof EnvironmentError) return err;
  const code = errnoCode(err);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new InvalidInputError([{ file: name, path: '', message: 'file not found' }], { cause: err });
  if (code === 'EISDIR') return new InvalidInputError([{ file: name, path: '', message: 'is a directory, not a file' }], { cause: err });
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_INVALID_ARG_VALUE') {
    return new InvalidInputError([{ file: name, path: '', message: `damaged gzip data (${code})` }], { cause: err, hint: 'check the file with `gzip -t`' });
  }
  if (code !== undefined && /^E[A-Z]+$/.test(code)) return new EnvironmentError(`cannot read ${name} (${code})`, { cause: err, code: 'IMPORT_READ' });
  return err;
}

/**
 * An `ImportSource` over a file on disk (relative paths resolve from `cwd`; `name` stays as the
 * user wrote it).
 * @throws InvalidInputError when the file does not exist or is not a regular file.
 */
export async function openImportSource(name: string, cwd: string): Promise<ImportSource> {
  const path = resolve(cwd, name);
  let sizeBytes: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    sizeBytes = st.size;
  } catch (err) {
    throw translate(err, name);
  }
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw translate(err, name);
    }
  };
  return {
    name,
    sizeBytes,
    head: (maxChars) => guard(() => readHead(path, maxChars)),
    forEachLine: (onLine, onBytes) => guard(async () => void (await forEachLine(path, onLine, onBytes === undefined ? {} : { onBytes }))),
    text: (maxBytes) =>
      guard(async () => {
        const text = await readWholeText(path, maxBytes);
        if (text === null) {
          throw new InvalidInputError([{ file: name, path: '', message: `larger than ${Math.round(maxBytes / 1024 / 1024)} MiB, too large for a fortio JSON result` }]);
        }
        return text;
      }),
  };
}
