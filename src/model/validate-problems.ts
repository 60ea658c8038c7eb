/**
 * The shape every pure validator in model/ reports problems in. A `DocProblem` knows the field path
 * inside one document but not the file or the line: the loader in fs/ adds those (it owns the YAML
 * source positions), so checking stays pure and testable on plain objects.
 */

/** One step of a field path: an object key or an array index. */
export type PathSeg = string | number;

/** A problem inside one document, before the loader knows its file and position. */
export interface DocProblem {
  path: PathSeg[];
  message: string;
  hint?: string;
  /** `key`: point at the field's key (unknown fields); default: at its value, or at the parent key when the field is missing. */
  at?: 'key' | 'value';
}

/** Result of a pure parser: a value, or a message (and hint) that says what is wrong and how to fix it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; hint?: string };

/** Successful parse. */
export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

/** Failed parse with a user-facing message and an optional fix. */
export function fail<T = never>(message: string, hint?: string): Parsed<T> {
  return hint === undefined ? { ok: false, message } : { ok: false, message, hint };
}

/** A problem at `path` from a failed parse. */
export function problemAt(path: PathSeg[], failure: { message: string; hint?: string }, at?: 'key' | 'value'): DocProblem {
  const p: DocProblem = { path, message: failure.message };
  if (failure.hint !== undefined) p.hint = failure.hint;
  if (at !== undefined) p.at = at;
  return p;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * Dotted form of a field path, as users see it in messages: `spec.timeline[1].at`;
 * keys that are not plain identifiers are quoted: `spec.labels["topology.istio.io/zone"]`.
 */
export function formatPath(path: readonly PathSeg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Plain-object test for untyped document data (YAML mappings become plain objects). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v[key]` when `v` is a mapping, else undefined: lets cross-checks walk data that failed the schema. */
export function field(v: unknown, key: string): unknown {
  return isRecord(v) ? v[key] : undefined;
}

/** The string at `v[key]`, or undefined when absent or not a string. */
export function stringField(v: unknown, key: string): string | undefined {
  const f = field(v, key);
  return typeof f === 'string' ? f : undefined;
}

/** The array at `v[key]`, or an empty list when absent or not an array. */
export function arrayField(v: unknown, key: string): unknown[] {
  const f = field(v, key);
  return Array.isArray(f) ? f : [];
}

/** Reports the second and later occurrences of a name in a list of (name, path) pairs. */
export function duplicateNames(entries: ReadonlyArray<{ name: string | undefined; path: PathSeg[] }>, what: string): DocProblem[] {
  const seen = new Map<string, PathSeg[]>();
  const problems: DocProblem[] = [];
  for (const { name, path } of entries) {
    if (name === undefined) continue;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, path);
    else problems.push({ path, message: `duplicate ${what} "${name}"`, hint: `names must be unique; "${name}" is already used at ${formatPath(first)}` });
  }
  return problems;
}
