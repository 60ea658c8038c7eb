import { isLabelValue } from './dns.js';
import type { Locality } from './locality.js';
import { fail, ok, type Parsed } from './validate-problems.js';

/**
 * Locality strings. A workload's locality is `region/zone[/subzone]` made of node label values
 * (any part may be empty, as in clusters without topology labels). DestinationRule patterns
 * (`distribute`) follow istio `pkg/config/validation` validateLocalities: no empty part, at most one
 * `*`, and only as the whole last part.
 */

/** Parses a workload locality; `""` means "no topology labels" (every part empty). */
export function parseWorkloadLocality(input: unknown): Parsed<Locality> {
  if (typeof input !== 'string') return fail('expected a locality string such as us-east1/us-east1-b');
  const parts = input.split('/');
  if (parts.length > 3) {
    return fail(`locality "${input}" has ${parts.length} parts`, 'write region/zone or region/zone/subzone, e.g. us-east1/us-east1-b');
  }
  if (input.includes('*')) {
    return fail(`locality "${input}" contains a wildcard`, 'a workload runs in one locality; wildcards belong in DestinationRule distribute patterns');
  }
  for (const part of parts) {
    if (!isLabelValue(part)) {
      return fail(
        `locality part "${part}" in "${input}" is not a valid node label value`,
        "use letters, digits, '-', '_' and '.', e.g. us-east1/us-east1-b",
      );
    }
  }
  const [region = '', zone = '', subzone = ''] = parts;
  if (region === '' && (zone !== '' || subzone !== '')) {
    return fail(`locality "${input}" has a zone but no region`, 'write region/zone, e.g. us-east1/us-east1-b');
  }
  return ok({ region, zone, subzone });
}

/** Checks one DestinationRule locality pattern (`region/zone/*`, `*`). */
export function checkLocalityPattern(pattern: string): Parsed<string[]> {
  const parts = pattern.split('/');
  const stars = (pattern.match(/\*/g) ?? []).length;
  if (stars > 1 || (stars === 1 && parts[parts.length - 1] !== '*')) {
    return fail(`locality "${pattern}": the wildcard '*' may appear once, as the whole last part`, 'e.g. us-east1/*');
  }
  if (parts.length > 3 || parts.some((p) => p === '')) {
    return fail(`locality "${pattern}" must not contain empty region/zone/subzone parts`, 'write region[/zone[/subzone]], e.g. us-east1/us-east1-b');
  }
  return ok(parts);
}

/** True when two valid patterns can match the same locality (istio rejects such lists as overlapping). */
export function patternsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === '*' || b[i] === '*') return true;
    if (a[i] !== b[i]) return false;
  }
  // A shorter pattern without a wildcard (e.g. "region1") still covers everything below it.
  return true;
}
