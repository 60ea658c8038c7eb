import { z } from 'zod';
import { checkDns1123Label, checkLabelValue } from '../dns.js';
import { formatDurationUs, parseDurationUs } from '../duration.js';
import { fail, type DocProblem, type Parsed, type PathSeg } from '../validate-problems.js';
import { suggest } from './suggest.js';

/**
 * zod building blocks shared by the Mesh, Scenario and DestinationRule schemas, and the conversion
 * of zod issues into user-facing problems ("did you mean" for unknown fields, plain-English types).
 * Leaf checks that need a parser (durations, names) are `checked()` fields: they parse and transform
 * in one step, so the schema output already holds µs.
 */

const MISSING = 'meshbench:missing';

/**
 * A field whose value is checked (and converted) by a pure parser. Missing → "missing required
 * field"; wrap in `.optional()` for optional fields (zod then never calls the parser with undefined).
 */
export function checked<T>(check: (v: unknown) => Parsed<T>) {
  return z.unknown().transform((v, ctx): T => {
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: MISSING });
      return z.NEVER;
    }
    const r = check(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.message, params: r.hint === undefined ? {} : { hint: r.hint } });
    return z.NEVER;
  });
}

/** A duration field → integer µs, at least `minUs` (0 by default). */
export function duration(opts: { minUs?: number } = {}) {
  const minUs = opts.minUs ?? 0;
  return checked((v) => {
    const r = parseDurationUs(v);
    if (!r.ok || r.value >= minUs) return r;
    return fail(`duration must be at least ${formatDurationUs(minUs)}, got "${String(v)}"`);
  });
}

/**
 * A duration as Istio validates it (`pkg/config/validation` ValidateDuration): at least 1ms and in
 * whole milliseconds. → integer µs.
 */
export function istioDuration() {
  return checked((v) => {
    const r = parseDurationUs(v);
    if (!r.ok) return r;
    if (r.value < 1000) return fail(`duration "${String(v)}" is shorter than 1ms`, 'Istio rejects durations under 1ms');
    if (r.value % 1000 !== 0) return fail(`duration "${String(v)}" is finer than 1ms`, 'Istio accepts durations in whole milliseconds only');
    return r;
  });
}

function stringCheck<T>(what: string, check: (s: string) => Parsed<T>) {
  return checked((v) => (typeof v === 'string' ? check(v) : fail(`expected ${what} (a string), got ${describeValue(v)}`)));
}

/** A DNS-1123 label such as a cluster, workload, namespace or scenario name. */
export function dnsLabel(what: string) {
  return stringCheck(what, (s) => checkDns1123Label(s, what));
}

/** A Kubernetes label value such as a version or a network name. */
export function labelValue(what: string) {
  return stringCheck(what, (s) => checkLabelValue(s, what));
}

/** An integer in [min, max]. */
export function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.number().int().min(min).max(max);
}

/** A mapping whose contents meshbench accepts but does not interpret. */
export const anyMapping = z.record(z.string(), z.unknown());

/** Human description of a YAML value for "expected X, got Y" messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'an empty value';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 37)}...` : v}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
}

function defOf(schema: unknown): SchemaDef | undefined {
  const zod = (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod;
  return zod?.def;
}

function unwrap(schema: unknown): SchemaDef | undefined {
  let def = defOf(schema);
  for (let i = 0; i < 10 && def !== undefined; i++) {
    if (def.innerType !== undefined) def = defOf(def.innerType);
    else if (def.type === 'pipe') def = defOf(defOf(def.in)?.type === 'unknown' ? def.out : def.in);
    else break;
  }
  return def;
}

/** Field names the schema allows for the object at `path` (for "did you mean" hints). */
export function knownKeysAt(schema: unknown, path: readonly PathSeg[]): string[] {
  let def = unwrap(schema);
  for (const seg of path) {
    if (def === undefined) return [];
    if (def.type === 'object' && typeof seg === 'string') def = unwrap(def.shape?.[seg]);
    else if (def.type === 'array') def = unwrap(def.element);
    else if (def.type === 'record') def = unwrap(def.valueType);
    else return [];
  }
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

type Issue = z.core.$ZodIssue;

function lastKey(path: readonly PathSeg[]): string {
  const k = path[path.length - 1];
  return typeof k === 'string' ? k : `item ${String(k)}`;
}

function rangeText(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const sign = issue.code === 'too_small' ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
  if (issue.origin === 'array') return issue.code === 'too_small' ? `needs at least ${String(bound)} item${bound === 1 ? '' : 's'}` : `allows at most ${String(bound)} items`;
  if (issue.origin === 'string') return issue.code === 'too_small' ? 'must not be empty' : `must be at most ${String(bound)} characters`;
  return `must be ${sign} ${String(bound)}`;
}

/** Converts zod issues into problems with field paths, plain-English messages and hints. */
export function issuesToProblems(issues: readonly Issue[], schema: unknown, prefix: readonly PathSeg[] = []): DocProblem[] {
  const out: DocProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.filter((s): s is PathSeg => typeof s !== 'symbol')];
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, issue.path.filter((s): s is PathSeg => typeof s !== 'symbol'));
        for (const key of issue.keys) {
          const close = suggest(key, known);
          const hint = close !== undefined ? `did you mean "${close}"?` : known.length > 0 ? `valid fields here: ${known.join(', ')}` : undefined;
          out.push({ path: [...path, key], message: `unknown field "${key}"`, at: 'key', ...(hint !== undefined ? { hint } : {}) });
        }
        break;
      }
      case 'invalid_type': {
        const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
        if (input === undefined) out.push({ path, message: `missing required field "${lastKey(path)}"`, hint: `add ${lastKey(path)} (${expected})` });
        else out.push({ path, message: `expected ${expected}, got ${describeValue(input)}` });
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => String(v));
        const close = typeof input === 'string' ? suggest(input, values) : undefined;
        out.push({
          path,
          message: `${describeValue(input)} is not one of ${values.join(', ')}`,
          ...(close !== undefined ? { hint: `did you mean "${close}"?` } : {}),
        });
        break;
      }
      case 'too_small':
      case 'too_big':
        out.push({ path, message: `${lastKey(path)} ${rangeText(issue)}${input !== undefined && issue.origin !== 'array' ? `, got ${describeValue(input)}` : ''}` });
        break;
      case 'custom': {
        if (issue.message === MISSING) {
          out.push({ path, message: `missing required field "${lastKey(path)}"` });
          break;
        }
        const hint = (issue.params as { hint?: unknown } | undefined)?.hint;
        out.push({ path, message: issue.message, ...(typeof hint === 'string' ? { hint } : {}) });
        break;
      }
      default:
        out.push({ path, message: issue.message });
    }
  }
  return dropMissingExplainedByTypos(out);
}

/**
 * `replica: 0` gives both "unknown field replica (did you mean replicas?)" and "missing required
 * field replicas"; the second only repeats the first, so it is dropped.
 */
function dropMissingExplainedByTypos(problems: DocProblem[]): DocProblem[] {
  const meant = new Set<string>();
  for (const p of problems) {
    const m = p.at === 'key' ? /^did you mean "(.+)"\?$/.exec(p.hint ?? '') : null;
    if (m !== null) meant.add(JSON.stringify([...p.path.slice(0, -1), m[1]]));
  }
  return problems.filter((p) => !(p.message.startsWith('missing required field') && meant.has(JSON.stringify(p.path))));
}

/** Runs a schema and returns its output or the problems (never throws). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): { data?: z.output<S>; problems: DocProblem[] } {
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return { data: r.data, problems: [] };
  return { problems: issuesToProblems(r.error.issues, schema) };
}
