import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { EnvironmentError, InvalidInputError, UsageError } from '../errors.js';
import type { ResultStore } from '../app/ports.js';
import type { Result } from '../model/result.js';
import { displayPath } from './document-files.js';
import { parseResultText, serializeResult } from './result-file.js';
import { nodeResultStoreFs, type ResultStoreFs } from './result-store-fs.js';
import { AtomicWriteFailure, writeAtomically } from './write-text-atomic.js';

/** The injectable filesystem operations (tests fail them on purpose). */
export type { ResultStoreFs, WritableFile } from './result-store-fs.js';

/** Options of `createFileResultStore`. */
export interface FileResultStoreOptions {
  /** Directory that relative result paths (and a relative `dir`) resolve from (default: the process cwd). */
  cwd?: string;
  /** Filesystem operations; tests inject failures here. */
  fs?: ResultStoreFs;
  /** Suffix of temp file names (default: pid and random hex), so concurrent writers never share one. */
  tempSuffix?: () => string;
}

/** Largest result file read (a 1,000-trial failover result is under 1 MB). */
export const RESULT_MAX_BYTES = 64 * 1024 * 1024;

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** True when a reference names a file rather than an id: a directory part or a `.json` ending. */
function looksLikePath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || ref.endsWith('.json');
}

/**
 * The result store of product.md §3.3: one `<id>.json` per result in `dir`.
 *
 * - `save`: `mkdir -p`, write `.<id>.json.tmp-<pid>-<random>`, fsync, rename to `<id>.json`, fsync
 *   the directory where the platform allows it. Any failure before the rename removes the temp file,
 *   so a result is complete or absent. Filesystem failures are EnvironmentError (exit 4).
 * - `load`: a path (relative to `cwd`), an id, or an unambiguous id prefix looked up in `dir`.
 *   A missing file or a bad document is InvalidInputError (exit 3); an ambiguous prefix is a
 *   UsageError (exit 2).
 * - `list`: every `*.json` in `dir`, newest first (`startedAt`, then id); unreadable files are
 *   returned separately with the reason. A missing directory lists nothing.
 */
export function createFileResultStore(dir: string, opts: FileResultStoreOptions = {}): ResultStore {
  const fs = opts.fs ?? nodeResultStoreFs;
  const cwd = opts.cwd ?? process.cwd();
  const storeDir = resolve(cwd, dir);
  const tempSuffix = opts.tempSuffix ?? (() => `${process.pid}-${randomBytes(4).toString('hex')}`);
  const shown = (abs: string) => displayPath(abs, cwd);

  async function save(result: Result): Promise<string> {
    const text = serializeResult(result);
    const finalPath = join(storeDir, `${result.id}.json`);
    try {
      await writeAtomically(finalPath, text, { fs, tempSuffix });
    } catch (err) {
      if (!(err instanceof AtomicWriteFailure)) throw err;
      const step = err.step === 'mkdir' ? 'create the results directory' : err.step;
      throw new EnvironmentError(`cannot save result ${shown(finalPath)}: ${step} failed (${err.reason})`, {
        cause: err.cause,
        code: 'RESULT_WRITE',
        hint: 'check that the results directory is writable and the disk is not full (--out <dir> writes elsewhere)',
      });
    }
    return finalPath;
  }

  async function readResult(absPath: string): Promise<Result> {
    let text: string;
    try {
      text = await fs.readFile(absPath, RESULT_MAX_BYTES);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound(shown(absPath), [absPath]);
      if (code === 'ENOTREG') throw new InvalidInputError([{ file: shown(absPath), path: '', message: 'not a regular file (results are read from regular files only)' }]);
      if (code === 'EFBIG') {
        const size = (err as { size?: number }).size ?? 0;
        throw new InvalidInputError([{ file: shown(absPath), path: '', message: `${size} bytes, past the limit of ${RESULT_MAX_BYTES / 1024 / 1024} MiB for a result file` }]);
      }
      throw new EnvironmentError(`cannot read result ${shown(absPath)} (${code ?? String(err)})`, { cause: err, code: 'RESULT_READ' });
    }
    return parseResultText(text, shown(absPath));
  }

  function notFound(ref: string, tried: string[]): InvalidInputError {
    return new InvalidInputError(
      [{ file: ref, path: '', message: `result not found (looked for ${tried.map(shown).join(', ')})` }],
      { hint: `\`meshbench list${storeDir === resolve(cwd, 'results') ? '' : ` --out ${shown(storeDir)}`}\` shows the stored results; pass a file path or an id` },
    );
  }

  async function storeFiles(): Promise<string[]> {
    try {
      return (await fs.readdir(storeDir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw new EnvironmentError(`cannot read the results directory ${shown(storeDir)} (${code ?? String(err)})`, { cause: err, code: 'RESULT_READ' });
    }
  }

  /** `load`, plus the file it read (shown relative to cwd), so reports name the real file, not the typed prefix. */
  async function open(pathOrId: string): Promise<{ result: Result; path: string }> {
    const path = await locate(pathOrId);
    return { result: await readResult(path), path: shown(path) };
  }

  async function load(pathOrId: string): Promise<Result> {
    return readResult(await locate(pathOrId));
  }

  /** The absolute path a reference names: a file, `<dir>/<id>.json`, or the one file an id prefix matches. */
  async function locate(pathOrId: string): Promise<string> {
    const asPath = isAbsolute(pathOrId) ? pathOrId : resolve(cwd, pathOrId);
    const isPath = looksLikePath(pathOrId);
    const hasDir = pathOrId.includes('/') || pathOrId.includes('\\');
    const candidates = [asPath];
    if (!isPath) candidates.push(join(storeDir, `${pathOrId}.json`));
    else if (!hasDir && !isAbsolute(pathOrId)) candidates.push(join(storeDir, pathOrId));
    for (const candidate of candidates) if (await fs.isFile(candidate)) return candidate;
    if (!isPath) {
      const matches = (await storeFiles()).filter((n) => n.startsWith(pathOrId));
      if (matches.length === 1) return join(storeDir, matches[0] as string);
      if (matches.length > 1) {
        throw new UsageError(`"${pathOrId}" matches ${matches.length} results in ${shown(storeDir)}: ${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''}`, {
          hint: 'give more of the id, or the file path',
        });
      }
      // A renamed file keeps its id inside: look the id (or a prefix of it) up in the documents.
      const byId = await findByStoredId(pathOrId);
      if (byId !== undefined) return byId;
    }
    throw notFound(pathOrId, candidates);
  }

  /** The path of the stored result whose id (or id prefix) is `ref`, read from inside the files. */
  async function findByStoredId(ref: string): Promise<string | undefined> {
    const { results } = await list();
    const exact = results.filter((r) => r.result.id === ref);
    const hits = exact.length > 0 ? exact : results.filter((r) => r.result.id.startsWith(ref));
    if (hits.length > 1) {
      const ids = [...new Set(hits.map((h) => h.result.id))];
      if (ids.length > 1) {
        throw new UsageError(`"${ref}" matches ${ids.length} result ids in ${shown(storeDir)}: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`, {
          hint: 'give more of the id, or the file path',
        });
      }
    }
    return hits[0]?.path;
  }

  async function list(): ReturnType<ResultStore['list']> {
    const results: Array<{ path: string; result: Result }> = [];
    const unreadable: Array<{ path: string; reason: string }> = [];
    for (const name of await storeFiles()) {
      const path = join(storeDir, name);
      try {
        results.push({ path, result: await readResult(path) });
      } catch (err) {
        unreadable.push({ path, reason: describeUnreadable(err) });
      }
    }
    results.sort((a, b) => compareDesc(a.result.startedAt, b.result.startedAt) || compareDesc(a.result.id, b.result.id));
    return { results, unreadable };
  }

  return { save, load, open, list };
}

function compareDesc(a: string, b: string): number {
  // ISO timestamps with offsets: compare instants, not text.
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return tb - ta;
  return a < b ? 1 : a > b ? -1 : 0;
}

/** One line saying why a stored file cannot be read (the first problem, and how many more). */
function describeUnreadable(err: unknown): string {
  if (err instanceof InvalidInputError) {
    const [first, ...rest] = err.problems;
    if (first === undefined) return err.message;
    const at = first.line !== undefined ? `${first.line}:${first.col ?? 1} ` : '';
    const path = first.path === '' ? '' : `${first.path}: `;
    return `${at}${path}${first.message}${rest.length > 0 ? ` (and ${rest.length} more)` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}
