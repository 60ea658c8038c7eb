/**
 * Result ids (product.md §3.3): `<UTC yyyymmdd-hhmmss>-<scenario>-<6 hex>`, also the file name of
 * the result without `.json`. Pure: the caller supplies the time and the random hex.
 */

/** Matches a well-formed result id; groups: timestamp, scenario, hex. */
export const RESULT_ID_PATTERN = /^(\d{8}-\d{6})-([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)-([0-9a-f]{6})$/;

const MAX_SCENARIO_CHARS = 40;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * The scenario part of an id: lower case, runs of characters outside `[a-z0-9]` become one `-`,
 * trimmed to 40 characters; `result` when nothing is left. Scenario names are DNS labels already,
 * so this only matters for imported runs named after files.
 */
export function resultIdScenario(scenario: string): string {
  const slug = scenario
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SCENARIO_CHARS)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'result' : slug;
}

/**
 * Builds a result id from the run's start time (formatted in UTC), the scenario name and six
 * random hex digits.
 * @throws RangeError when `hex6` is not six lower-case hex digits or `date` is invalid (caller bugs).
 * @example makeResultId(new Date('2026-11-23T21:45:00Z'), 'failover', '3fa2c1') // '20261123-214500-failover-3fa2c1'
 */
export function makeResultId(date: Date, scenario: string, hex6: string): string {
  if (!/^[0-9a-f]{6}$/.test(hex6)) throw new RangeError(`result id suffix must be 6 lower-case hex digits, got "${hex6}"`);
  if (Number.isNaN(date.getTime())) throw new RangeError('result id needs a valid date');
  const day = `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1, 2)}${pad(date.getUTCDate(), 2)}`;
  const time = `${pad(date.getUTCHours(), 2)}${pad(date.getUTCMinutes(), 2)}${pad(date.getUTCSeconds(), 2)}`;
  return `${day}-${time}-${resultIdScenario(scenario)}-${hex6}`;
}

/** The parts of a well-formed result id, or null. */
export function parseResultId(id: string): { timestamp: string; scenario: string; hex: string } | null {
  const m = RESULT_ID_PATTERN.exec(id);
  if (m === null) return null;
  return { timestamp: m[1] as string, scenario: m[2] as string, hex: m[3] as string };
}
