import { InvalidInputError } from '../errors.js';
import { parseDurationUs } from './duration.js';
import { parsePercent } from './quantity.js';
import type { Threshold, ThresholdOp, ThresholdValue } from './threshold.js';
import { fail, ok, type Parsed } from './validate-problems.js';

/**
 * Threshold expressions (product.md §5): `<metric path>[{client=<cluster>/<workload>}] <op> <value>
 * [during <event>..<event>]`,
 * ops `< <= > >= ==`, values `5s` / `250ms` (durations → ms), `1%` (→ fraction 0.01), `0.9`, `42`.
 * This module checks the syntax only; `validate-thresholds.ts` checks the path against the metric
 * registry, the mesh and the timeline.
 */

const OPS: readonly ThresholdOp[] = ['<=', '>=', '==', '<', '>'];
const FORM = 'write "<metric> <op> <value> [during <event>..<event>]", e.g. "failover.recovery.p99 < 5s"';
const METRIC_PATH = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const EVENT_NAME = /^[A-Za-z0-9][-A-Za-z0-9_]*$/;
/** `{client=cluster2/sleep}` after the metric path: a DNS-label cluster and workload. */
const CLIENT_SELECTOR = /\{\s*([A-Za-z0-9_-]+)\s*=\s*([^{}\s]*)\s*\}$/;
const CLIENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NUMBER = /^\d+(?:\.\d+)?$|^\.\d+$/;

/**
 * Parses a threshold value: a duration (`5s`, `250ms` → unit ms), a percentage (`1%` → fraction),
 * or a plain non-negative number (`0.9`, `42`).
 */
export function parseThresholdValue(token: string): Parsed<ThresholdValue> {
  const text = token.trim();
  if (text === '') return fail('missing value', FORM);
  if (text.endsWith('%')) {
    const p = parsePercent(text);
    return p.ok ? ok({ unit: 'fraction', value: p.value }) : p;
  }
  if (NUMBER.test(text)) return ok({ unit: 'number', value: Number(text) });
  if (text.startsWith('-')) return fail(`negative value "${text}"`, 'every metric is 0 or more');
  if (/^[\d.]/.test(text)) {
    const d = parseDurationUs(text);
    if (d.ok) return ok({ unit: 'ms', value: d.value / 1000 });
    return fail(`value "${text}" is not a number, a percentage or a duration: ${d.message}`, d.hint);
  }
  return fail(`value "${text}" is not a number, a percentage or a duration`, 'values look like 5s, 250ms, 1%, 0.9 or 42');
}

/** Parses a threshold expression; never throws. */
export function tryParseThreshold(expr: unknown): Parsed<Threshold> {
  if (typeof expr !== 'string') return fail('a threshold must be a string', FORM);
  const text = expr.trim();
  if (text === '') return fail('empty threshold', FORM);

  let main = text;
  let during: Threshold['during'];
  const d = /\s+during(?:\s+|$)/.exec(text);
  if (d !== null) {
    main = text.slice(0, d.index);
    const range = text.slice(d.index + d[0].length).trim();
    const m = /^(\S+?)\s*\.\.\s*(\S+)$/.exec(range);
    const from = m?.[1];
    const to = m?.[2];
    if (from === undefined || to === undefined) {
      return fail(`"during ${range}" is not an event range`, 'write "during <event>..<event>", e.g. "during fault..restore"');
    }
    for (const name of [from, to]) {
      if (!EVENT_NAME.test(name)) return fail(`"${name}" is not an event name`, 'event names are the `name` of timeline entries');
    }
    during = { from, to };
  }

  // The `=` inside a `{client=…}` selector is not the operator: search with the selector blanked.
  const open = main.indexOf('{');
  const close = open < 0 ? -1 : main.indexOf('}', open);
  const masked = close < 0 ? main : main.slice(0, open) + ' '.repeat(close - open + 1) + main.slice(close + 1);
  const opMatch = /(<=|>=|==|!=|=>|=<|<|>|=)/.exec(masked);
  if (opMatch === null) return fail(`no comparison operator in "${text}"`, `use one of < <= > >= ==; ${FORM}`);
  const rawOp = opMatch[1] ?? '';
  if (!(OPS as readonly string[]).includes(rawOp)) {
    const better = rawOp === '=' ? '==' : rawOp === '=>' ? '>=' : rawOp === '=<' ? '<=' : undefined;
    return fail(`operator "${rawOp}" is not supported`, better !== undefined ? `did you mean "${better}"?` : 'use one of < <= > >= ==');
  }
  let path = main.slice(0, opMatch.index).trim();
  let client: string | undefined;
  const sel = CLIENT_SELECTOR.exec(path);
  if (sel !== null) {
    const key = sel[1] ?? '';
    const value = sel[2] ?? '';
    if (key !== 'client') return fail(`"{${key}=…}" is not a selector`, 'the one selector is {client=<cluster>/<workload>}, e.g. distribution.v2.share{client=cluster2/sleep}');
    if (!CLIENT_NAME.test(value)) return fail(`"${value}" is not a client`, 'name a client as <cluster>/<workload>, e.g. {client=cluster2/sleep}');
    client = value;
    path = path.slice(0, sel.index).trim();
  } else if (path.includes('{') || path.includes('}')) {
    return fail(`"${path}" has a malformed selector`, 'write {client=<cluster>/<workload>} right after the metric, e.g. failover.recovery.p99{client=cluster1/sleep}');
  }
  const valueText = main.slice(opMatch.index + rawOp.length).trim();
  if (path === '') return fail(`missing metric path before "${rawOp}"`, FORM);
  if (!METRIC_PATH.test(path)) {
    return fail(`"${path}" is not a metric path`, 'metric paths are dot-separated names, e.g. errors.rate or distribution.v2.share');
  }
  if (valueText === '') return fail(`missing value after "${rawOp}"`, FORM);
  if (/\s/.test(valueText)) {
    return fail(`unexpected text after the value in "${text}"`, `only "during <event>..<event>" may follow the value; ${FORM}`);
  }
  const value = parseThresholdValue(valueText);
  if (!value.ok) return value;
  const threshold: Threshold = { expr: text, metric: path.split('.'), op: rawOp as ThresholdOp, value: value.value };
  if (client !== undefined) threshold.client = client;
  if (during !== undefined) threshold.during = during;
  return ok(threshold);
}

/**
 * Parses a threshold expression (syntax only).
 * @throws InvalidInputError naming `where.file`/`where.path` when the expression is malformed.
 * @example parseThreshold('errors.rate < 1%') // { metric: ['errors','rate'], op: '<', value: {unit: 'fraction', value: 0.01} }
 */
export function parseThreshold(expr: string, where: { file: string; path: string } = { file: '(threshold)', path: '' }): Threshold {
  const r = tryParseThreshold(expr);
  if (r.ok) return r.value;
  throw new InvalidInputError([{ file: where.file, path: where.path, message: r.message, ...(r.hint !== undefined ? { hint: r.hint } : {}) }]);
}
