/**
 * Option parsers shared by commands. Pure; they throw commander's InvalidArgumentError, which
 * commander turns into a usage error (exit 2) naming the option.
 */
import { InvalidArgumentError } from 'commander';
import { istioProfile, supportedIstioVersions } from '../sim/istio-profile.js';

/** A repeatable `--label key=value`, collected into a record (the last value of a key wins). */
export function parseLabel(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  const key = eq < 0 ? '' : value.slice(0, eq).trim();
  if (eq < 0 || key === '') throw new InvalidArgumentError(`expected key=value, got '${value}'`);
  return { ...previous, [key]: value.slice(eq + 1) };
}

/** An integer ≥ 1 (`--repeat`, `--workers`). */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'`);
  return n;
}

/** An RNG seed: an integer in [0, 2^31). */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 31) throw new InvalidArgumentError(`expected an integer from 0 to 2147483647, got '${value}'`);
  return n;
}

/** An Istio version with a behaviour profile (`1.24`, `1.24.2`), normalised to `major.minor`. */
export function parseIstioVersion(value: string): string {
  const p = istioProfile(value);
  if (p === undefined) {
    const all = supportedIstioVersions();
    throw new InvalidArgumentError(`no behaviour profile for Istio '${value}' (supported: ${all[0]} … ${all[all.length - 1]})`);
  }
  return p.version;
}

/** Repeatable string option (`--context a --context b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Six hex digits for a result id from the edge's random source. */
export function hex6(random: number): string {
  return ((random >>> 0) & 0xffffff).toString(16).padStart(6, '0');
}
