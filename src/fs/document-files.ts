import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { EnvironmentError, type Problem } from '../errors.js';
import { packageRoot } from './package-root.js';

/**
 * Finding and reading input documents: file paths, built-in names (`failover`,
 * `builtin:two-cluster`) resolved through the package root, and read errors turned into problems
 * (a missing file is an input problem, exit 3) or environment errors (permissions, exit 4).
 */

/** A document file read from disk. */
export interface SourceFile {
  absPath: string;
  /** Name used in messages: as the user named it, relative to cwd for files named inside documents, or `builtin:<name>`. */
  display: string;
  text: string;
  sha256: string;
  /** True when it was reached through a built-in name. */
  builtin: boolean;
}

/** A file read, or the problem that prevented it (missing file, directory). */
export type ReadResult = { ok: true; file: SourceFile } | { ok: false; problem: Problem };

/** Where built-in meshes and scenarios live inside the package. */
export function builtinDir(kind: 'mesh' | 'scenario'): string {
  return kind === 'mesh' ? join(packageRoot(), 'scenarios', 'meshes') : join(packageRoot(), 'scenarios');
}

/** Names of the built-in meshes or scenarios (file names without `.yaml`), sorted. */
export async function listBuiltins(kind: 'mesh' | 'scenario'): Promise<string[]> {
  try {
    const names = await readdir(builtinDir(kind));
    return names.filter((n) => n.endsWith('.yaml')).map((n) => n.slice(0, -'.yaml'.length)).sort();
  } catch {
    return [];
  }
}

/** True when a reference looks like a name rather than a path (no directory part, no extension). */
export function looksLikeName(ref: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(ref);
}

/** Display form of a path: relative to cwd when inside it, else absolute. */
export function displayPath(absPath: string, cwd: string): string {
  const rel = relative(cwd, absPath);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? absPath : rel;
}

async function readAt(absPath: string, display: string, builtin: boolean, missingHint: string | undefined): Promise<ReadResult> {
  try {
    const bytes = await readFile(absPath);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { ok: true, file: { absPath, display, text: bytes.toString('utf8'), sha256, builtin } };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { ok: false, problem: { file: display, path: '', message: `file not found: ${absPath}`, ...(missingHint !== undefined ? { hint: missingHint } : {}) } };
    }
    if (code === 'EISDIR') {
      return { ok: false, problem: { file: display, path: '', message: `${absPath} is a directory, not a document file`, hint: 'name a .yaml or .json file' } };
    }
    throw new EnvironmentError(`cannot read ${absPath}: ${(err as Error).message}`, {
      cause: err,
      hint: code === 'EACCES' || code === 'EPERM' ? 'check the file permissions' : undefined,
      code: 'FS_READ',
    });
  }
}

/**
 * Reads a Mesh or Scenario reference: `builtin:<name>`, a bare name of a built-in, or a path
 * relative to `cwd`. Missing → a problem naming the absolute path (and the built-in names when the
 * reference looked like a name).
 */
export async function readDocumentRef(ref: string, cwd: string, kind: 'mesh' | 'scenario'): Promise<ReadResult> {
  const builtins = await listBuiltins(kind);
  const label = kind === 'mesh' ? 'meshes' : 'scenarios';
  const prefixed = ref.startsWith('builtin:');
  const name = prefixed ? ref.slice('builtin:'.length) : ref;
  if (prefixed || (looksLikeName(ref) && builtins.includes(ref))) {
    const abs = join(builtinDir(kind), `${name}.yaml`);
    return readAt(abs, `builtin:${name}`, true, `built-in ${label}: ${builtins.join(', ') || '(none)'}`);
  }
  const abs = resolve(cwd, ref);
  const hint = looksLikeName(ref) ? `no such file, and no built-in ${kind} by that name; built-in ${label}: ${builtins.join(', ') || '(none)'}` : `the path is relative to ${cwd}`;
  return readAt(abs, ref, false, hint);
}

/** Prefix of a bundled manifest named inside a document (`destinationRule: builtin:locality-lb`). */
export const BUILTIN_PREFIX = 'builtin:';

/**
 * Bundled manifests by the names documents use: `manifests/08-locality-lb.yaml` is
 * `locality-lb` (the order number dropped), so a scenario names it without a path and still
 * validates after it is copied out of the package.
 */
export async function listBuiltinManifests(): Promise<Map<string, string>> {
  const dir = join(packageRoot(), 'manifests');
  const out = new Map<string, string>();
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    const m = /^(?:\d+-)?([a-z0-9][a-z0-9-]*)\.yaml$/.exec(n);
    if (m?.[1] !== undefined) out.set(m[1], join(dir, n));
  }
  return out;
}

async function readBuiltinManifest(name: string): Promise<ReadResult> {
  const known = await listBuiltinManifests();
  const abs = known.get(name);
  const display = `${BUILTIN_PREFIX}${name}`;
  if (abs === undefined) {
    return { ok: false, problem: { file: display, path: '', message: `no bundled manifest '${name}'`, hint: `bundled manifests: ${[...known.keys()].map((k) => BUILTIN_PREFIX + k).join(', ') || '(none)'}` } };
  }
  // Shown as the package-relative path, as the built-in scenarios' relative references were, so
  // results and messages name the same file either way.
  return readAt(abs, `${BUILTIN_PREFIX}${relative(packageRoot(), abs).split(sep).join('/')}`, true, undefined);
}

/**
 * Reads a file named inside another document (`destinationRule: ../manifests/x.yaml`): relative
 * paths resolve from the directory of the naming file; `builtin:<name>` names a bundled manifest.
 */
export async function readRelativeRef(ref: string, from: SourceFile, cwd: string): Promise<ReadResult> {
  if (ref.startsWith(BUILTIN_PREFIX)) return readBuiltinManifest(ref.slice(BUILTIN_PREFIX.length));
  const base = dirname(from.absPath);
  const abs = resolve(base, ref);
  const root = packageRoot();
  const insidePackage = abs.startsWith(root + sep);
  const display = from.builtin && insidePackage ? `builtin:${relative(root, abs).split(sep).join('/')}` : displayPath(abs, cwd);
  return readAt(abs, display, from.builtin && insidePackage, `relative paths in ${from.display} resolve from its directory ${base}`);
}

/** Reads a file the user named directly (a manifest on the command line), relative to cwd. */
export async function readPathRef(ref: string, cwd: string): Promise<ReadResult> {
  const abs = resolve(cwd, ref);
  return readAt(abs, ref, false, `the path is relative to ${cwd}`);
}
