/**
 * Vector field names for Envoy outlier detection settings (`consecutive_5xx`, `interval_ms`,
 * `base_ejection_time`, `enforcing_success_rate_envoy_default`) → the model's resolved fields.
 */
import { parseDurationUs } from '../../model/duration.js';
import { ENVOY_OUTLIER_DEFAULTS, type ResolvedEnvoyOutlierDetection } from '../envoy/outlier-config.js';
import { snakeToCamel, splitUnit, unitToUs } from './compare.js';
import { ShapeError } from './fields.js';

const DURATION_FIELDS = new Set(['interval', 'baseEjectionTime', 'maxEjectionTime', 'maxEjectionTimeJitter']);

/** A vector key resolved to a model field. */
export interface EnvoyFieldRef {
  field: keyof ResolvedEnvoyOutlierDetection;
  /** Divide the model's µs by this to get the vector's unit (durations only). */
  usPerUnit?: number;
  /** The key asks for Envoy's built-in default, not the configured value. */
  envoyDefault: boolean;
}

/** Resolve a vector key; undefined when it names no outlier detection field. */
export function envoyOutlierField(key: string): EnvoyFieldRef | undefined {
  const envoyDefault = key.endsWith('_envoy_default');
  const bare = envoyDefault ? key.slice(0, -'_envoy_default'.length) : key;
  const [base, unit] = splitUnit(bare);
  const camel = snakeToCamel(base);
  if (DURATION_FIELDS.has(camel)) {
    return { field: `${camel}Us` as keyof ResolvedEnvoyOutlierDetection, usPerUnit: unit === undefined ? 1 : unitToUs(unit), envoyDefault };
  }
  if (unit !== undefined) return undefined;
  if (!(camel in ENVOY_OUTLIER_DEFAULTS)) return undefined;
  return { field: camel as keyof ResolvedEnvoyOutlierDetection, envoyDefault };
}

/**
 * A vector value for a field in model units: durations given as strings (`1s`) are parsed, numbers
 * scaled by the key's unit (a duration key without a unit is taken as µs only if the value is a string).
 */
export function toModelValue(ref: EnvoyFieldRef, value: unknown, path: string): unknown {
  if (ref.usPerUnit === undefined || value === null) return value;
  if (typeof value === 'string') {
    const parsed = parseDurationUs(value);
    if (!parsed.ok) throw new ShapeError(`${path}: ${parsed.message}`);
    return parsed.value;
  }
  if (typeof value === 'number') {
    if (ref.usPerUnit === 1) throw new ShapeError(`${path}: a duration number needs a unit in the key (e.g. _ms)`);
    return value * ref.usPerUnit;
  }
  throw new ShapeError(`${path} is not a duration`);
}

/** The model value of a field from a resolved config (or Envoy's built-in default). */
export function modelValue(ref: EnvoyFieldRef, resolved: ResolvedEnvoyOutlierDetection): unknown {
  if (ref.envoyDefault) {
    if (ref.field === 'maxEjectionTimeUs') return 300_000_000;
    return ENVOY_OUTLIER_DEFAULTS[ref.field as keyof typeof ENVOY_OUTLIER_DEFAULTS];
  }
  return resolved[ref.field];
}
