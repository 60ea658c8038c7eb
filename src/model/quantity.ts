import { fail, ok, type Parsed } from './validate-problems.js';

/**
 * Rates and percentages as scenario files and thresholds write them.
 * Rates: `100` or `100/s` (per second), `6000/m` (per minute), `36000/h`. Percentages: `1%`, `0.5%`.
 */

const DECIMAL = /^\d+(?:\.\d+)?$|^\.\d+$/;
const RATE_UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/**
 * Parses an open-model arrival rate into requests per second; the rate must be > 0.
 * @example parseRatePerS('6000/m') // { ok: true, value: 100 }
 */
export function parseRatePerS(input: unknown): Parsed<number> {
  const hint = 'write requests per second as a number (100) or with a unit: 100/s, 6000/m';
  let perS: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail(`rate ${input} is not a finite number`, hint);
    perS = input;
  } else if (typeof input === 'string') {
    const text = input.trim();
    const m = /^(-?[\d.]+)\s*(?:\/\s*([A-Za-z]+))?$/.exec(text);
    const num = m?.[1] ?? '';
    const unit = m?.[2];
    if (m === null || !DECIMAL.test(num.replace(/^-/, ''))) return fail(`"${input}" is not a rate`, hint);
    const per = unit === undefined ? 1 : RATE_UNIT_S[unit];
    if (per === undefined) return fail(`unknown rate unit "/${unit}" in "${input}"`, 'units: /s, /m, /h');
    perS = Number(num) / per;
  } else {
    return fail('expected a rate (a number of requests per second, or a string like 6000/m)', hint);
  }
  if (perS <= 0) return fail(`rate must be > 0 requests per second, got ${String(input)}`, 'for a pause in load use a closed model with thinkTime, or shorten the duration');
  return ok(perS);
}

/**
 * Parses a percentage into a fraction (`1%` → 0.01). Only the text form with `%` is accepted; callers
 * that also take plain fractions check for numbers first.
 */
export function parsePercent(input: unknown): Parsed<number> {
  if (typeof input !== 'string') return fail('expected a percentage such as 1% or 0.5%');
  const text = input.trim();
  if (!text.endsWith('%')) return fail(`"${input}" is not a percentage`, 'write a number followed by %, e.g. 1% or 0.5%');
  const num = text.slice(0, -1).trim();
  if (num.startsWith('-')) return fail(`negative percentage "${input}" is not allowed`);
  if (!DECIMAL.test(num)) return fail(`"${input}" is not a percentage`, 'write a number followed by %, e.g. 1% or 0.5%');
  return ok(Number(num) / 100);
}

/**
 * A fraction in [0, 1] given either as a number (`0.25`) or as a percentage string (`25%`).
 * Used for `fail.fraction`.
 */
export function parseFraction(input: unknown): Parsed<number> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail(`${input} is not a finite number`);
    return ok(input);
  }
  if (typeof input === 'string' && input.trim().endsWith('%')) return parsePercent(input);
  return fail('expected a fraction (0.25) or a percentage ("25%")');
}

/**
 * A Kubernetes CPU quantity (`resources.limits.cpu`): `500m`, `1`, `1.5` or a number → millicores
 * (apimachinery resource.Quantity; finer than 1m is rejected, as the API server rounds it away).
 */
export function parseCpu(input: unknown): Parsed<number> {
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : undefined;
  if (text === undefined) return fail('expected a CPU quantity such as "500m" or "1"');
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (m === null) return fail(`"${text}" is not a CPU quantity`, 'write cores ("1", "0.5") or millicores ("500m")');
  const millicores = m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
  if (!Number.isInteger(millicores) || millicores < 1) return fail(`CPU "${text}" is below 1m or finer than 1m`, 'the smallest CPU quantity is "1m"');
  return ok(millicores);
}
