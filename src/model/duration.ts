import { fail, ok, type Parsed } from './validate-problems.js';

/**
 * Istio-style durations (Go `time.ParseDuration`, which istio/api uses for every Duration field):
 * one or more `<decimal><unit>` parts, e.g. `250ms`, `1.5s`, `2h45m`, `100us`. meshbench keeps
 * time as integer microseconds, so a duration finer than 1 µs is refused rather than rounded.
 */

/** Unit → nanoseconds (exact integers, so fractions like `1.5s` are computed without float error). */
const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign, as Go accepts
  ['μs', 1_000n], // U+03BC Greek mu, as Go accepts
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** What people often write instead of a Go unit, and the unit they meant. */
const UNIT_ALIASES: Readonly<Record<string, string>> = {
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  msec: 'ms',
  millis: 'ms',
  usec: 'us',
  micros: 'us',
};

const UNITS_TEXT = 'us (or µs), ms, s, m, h';
const EXAMPLES = 'e.g. 250ms, 1s, 1.5s, 3m, 2h45m';
const PART = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

/**
 * Parses a duration into integer microseconds.
 * Errors: empty text, a bare number (no unit), an unknown unit, a negative duration, sub-µs precision.
 * @example parseDurationUs('1.5s') // { ok: true, value: 1_500_000 }
 */
export function parseDurationUs(input: unknown): Parsed<number> {
  if (typeof input === 'number') {
    return fail(`a duration needs a unit: ${input} has none`, `write "${input}s" or "${input}ms" (units: ${UNITS_TEXT})`);
  }
  if (typeof input !== 'string') return fail(`expected a duration string (${EXAMPLES})`);
  const text = input.trim();
  if (text === '') return fail('empty duration', `write a duration, ${EXAMPLES}`);
  if (text.startsWith('-')) return fail(`negative duration "${text}" is not allowed`, 'durations are 0 or more');
  if (/^\+?\d+(\.\d*)?$/.test(text) || /^\+?\.\d+$/.test(text)) {
    return fail(`a duration needs a unit: "${text}" has none`, `write "${text.replace(/^\+/, '')}s" or "${text.replace(/^\+/, '')}ms" (units: ${UNITS_TEXT})`);
  }
  let rest = text.startsWith('+') ? text.slice(1) : text;
  let totalNs = 0n;
  while (rest !== '') {
    const m = PART.exec(rest);
    const whole = m?.[1] ?? '';
    const frac = m?.[2] ?? '';
    if (m === null || (whole === '' && frac === '')) {
      return fail(`"${text}" is not a duration`, `write a number followed by a unit, ${EXAMPLES}`);
    }
    const rawUnit = m[3] ?? '';
    // The unit runs until the next digit; Go does the same, so "1s2" fails on the trailing "2".
    const unitNs = UNIT_NS.get(rawUnit);
    if (unitNs === undefined) {
      const lower = rawUnit.trim().toLowerCase();
      const meant = UNIT_ALIASES[lower] ?? (UNIT_NS.has(lower) ? lower : undefined);
      const hint =
        lower === 'd' || lower === 'day' || lower === 'days'
          ? 'days are not a Go duration unit: write 24h for a day'
          : meant !== undefined
            ? `did you mean "${whole}${frac === '' ? '' : `.${frac}`}${meant}"? (units: ${UNITS_TEXT})`
            : `units: ${UNITS_TEXT}; ${EXAMPLES}`;
      return fail(`unknown unit "${rawUnit}" in duration "${text}"`, hint);
    }
    const scale = 10n ** BigInt(frac.length);
    const numerator = BigInt(whole === '' ? '0' : whole) * scale + BigInt(frac === '' ? '0' : frac);
    const partNs = (numerator * unitNs) / scale;
    if ((numerator * unitNs) % scale !== 0n) {
      return fail(`duration "${text}" is finer than 1ns`, 'meshbench keeps time in whole microseconds');
    }
    totalNs += partNs;
    rest = rest.slice(m[0].length);
  }
  if (totalNs % 1000n !== 0n) {
    return fail(`duration "${text}" is finer than 1µs`, 'meshbench keeps time in whole microseconds: round to us, ms or s');
  }
  const us = totalNs / 1000n;
  if (us > BigInt(Number.MAX_SAFE_INTEGER)) return fail(`duration "${text}" is too long`);
  return ok(Number(us));
}

/** Like {@link parseDurationUs} but returns undefined instead of a failure (for cross-checks of data already reported). */
export function durationUsOrUndefined(input: unknown): number | undefined {
  const r = parseDurationUs(input);
  return r.ok ? r.value : undefined;
}

const FORMAT_UNITS: Array<[number, string]> = [
  [3_600_000_000, 'h'],
  [60_000_000, 'm'],
  [1_000_000, 's'],
  [1_000, 'ms'],
];

/**
 * Compact Istio-style text for integer µs, the inverse of {@link parseDurationUs} for messages and
 * reports: `1_500_000` → `1.5s`, `180_000_000` → `3m`, `100` → `100us`.
 */
export function formatDurationUs(us: number): string {
  if (us === 0) return '0s';
  if (us < 0) return `-${formatDurationUs(-us)}`;
  for (const [size, unit] of FORMAT_UNITS) {
    // 90s reads better than 1.5m, and 60s than 1m when the neighbour values are in seconds: minutes
    // and hours only from 2 of them.
    if (us % size === 0 && (size <= 1_000_000 || us >= 2 * size)) return `${us / size}${unit}`;
  }
  if (us >= 1_000_000) return `${trimDecimals(us / 1_000_000)}s`;
  if (us >= 1_000) return `${trimDecimals(us / 1_000)}ms`;
  return `${us}us`;
}

function trimDecimals(n: number): string {
  return String(Number(n.toFixed(6)));
}
