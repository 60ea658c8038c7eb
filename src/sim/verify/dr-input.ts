/**
 * Vector inputs written in DestinationRule terms (istio/api field names, durations as strings) →
 * the model's DestinationRule types.
 */
import type { LocalityDistribute, LocalityFailover, LocalityLbSetting, OutlierDetection } from '../../model/destination-rule.js';
import { parseDurationUs } from '../../model/duration.js';
import { parseLocality, type Locality } from '../../model/locality.js';
import type { Fields } from './fields.js';
import { ShapeError } from './fields.js';

/** A DR `outlierDetection` object (true = `{}`, false/absent = none). */
export function readOutlierDetection(parent: Fields, key: string): OutlierDetection | undefined {
  if (!parent.has(key)) return undefined;
  const v = parent.raw(key);
  if (v === false || v === null) return undefined;
  if (v === true) return {};
  const f = parent.child(v, `${parent.path}.${key}`);
  const od: OutlierDetection = {};
  const ints: Array<keyof OutlierDetection> = [
    'consecutiveErrors',
    'consecutive5xxErrors',
    'consecutiveGatewayErrors',
    'consecutiveLocalOriginFailures',
    'maxEjectionPercent',
    'minHealthPercent',
  ];
  for (const k of ints) {
    const n = f.num(k);
    if (n !== undefined) (od as Record<string, unknown>)[k] = n;
  }
  const split = f.bool('splitExternalLocalOriginErrors');
  if (split !== undefined) od.splitExternalLocalOriginErrors = split;
  const interval = readDuration(f, 'interval');
  if (interval !== undefined) od.intervalUs = interval;
  const base = readDuration(f, 'baseEjectionTime');
  if (base !== undefined) od.baseEjectionTimeUs = base;
  return od;
}

/** A duration field: an Istio duration string, or a number with the unit in the key (`interval_ms`). */
export function readDuration(f: Fields, key: string): number | undefined {
  const v = f.raw(key);
  if (v === undefined || v === null) return undefined;
  const parsed = parseDurationUs(v);
  if (!parsed.ok) throw new ShapeError(`${f.path}.${key}: ${parsed.message}`);
  return parsed.value;
}

/** A locality given as `{region, zone, subzone}` or `region/zone/subzone` (null = unset). */
export function readLocality(value: unknown, path: string): Locality {
  if (value === null || value === undefined) return { region: '', zone: '', subzone: '' };
  if (typeof value === 'string') return parseLocality(value);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const part = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : '');
    for (const k of Object.keys(o)) {
      if (!['region', 'zone', 'subzone', 'sub_zone'].includes(k)) throw new ShapeError(`${path}.${k} not interpreted`);
    }
    return { region: part('region'), zone: part('zone'), subzone: part('subzone') || part('sub_zone') };
  }
  throw new ShapeError(`${path} is not a locality`);
}

/** `failover: [{from, to}]`. */
export function readFailover(parent: Fields, key: string): LocalityFailover[] | undefined {
  const list = parent.list(key);
  if (list === undefined) return undefined;
  return list.map((e, i) => {
    const f = parent.child(e, `${parent.path}.${key}[${i}]`);
    return { from: f.str('from') ?? '', to: f.str('to') ?? '' };
  });
}

/** `distribute: [{from, to: {pattern: weight} | [{locality, weight}]}]` (map order kept). */
export function readDistribute(parent: Fields, key: string): LocalityDistribute[] | undefined {
  const list = parent.list(key);
  if (list === undefined) return undefined;
  return list.map((e, i) => {
    const f = parent.child(e, `${parent.path}.${key}[${i}]`);
    const toRaw = f.raw('to');
    let to: Array<{ locality: string; weight: number }>;
    if (Array.isArray(toRaw)) {
      to = toRaw.map((t, j) => {
        const tf = f.child(t, `${f.path}.to[${j}]`);
        return { locality: tf.str('locality') ?? '', weight: tf.reqNum('weight') };
      });
    } else if (toRaw !== null && typeof toRaw === 'object') {
      to = Object.entries(toRaw as Record<string, unknown>).map(([locality, weight]) => {
        if (typeof weight !== 'number') throw new ShapeError(`${f.path}.to.${locality} is not a number`);
        return { locality, weight };
      });
    } else {
      throw new ShapeError(`${f.path}.to is not a map`);
    }
    return { from: f.str('from') ?? '', to };
  });
}

/** A list of strings. */
export function readStrings(parent: Fields, key: string): string[] | undefined {
  const list = parent.list(key);
  if (list === undefined) return undefined;
  return list.map((s, i) => {
    if (typeof s !== 'string') throw new ShapeError(`${parent.path}.${key}[${i}] is not a string`);
    return s;
  });
}

/** A string → string map. */
export function readLabels(value: unknown, path: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ShapeError(`${path} is not a label map`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new ShapeError(`${path}.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

/** A `localityLbSetting` object (`enabled`, `distribute`, `failover`, `failoverPriority`). */
export function readLocalityLbSetting(parent: Fields, key: string): LocalityLbSetting | undefined {
  const f = parent.obj(key);
  if (f === undefined) return undefined;
  const s: LocalityLbSetting = {};
  const enabled = f.bool('enabled');
  if (enabled !== undefined) s.enabled = enabled;
  const distribute = readDistribute(f, 'distribute');
  if (distribute !== undefined) s.distribute = distribute;
  const failover = readFailover(f, 'failover');
  if (failover !== undefined) s.failover = failover;
  const keys = readStrings(f, f.has('failoverPriority') ? 'failoverPriority' : 'failover_priority');
  if (keys !== undefined) s.failoverPriority = keys;
  return s;
}

/** Keys under which vectors may give the MeshConfig and the DestinationRule locality settings. */
export const MESH_SETTING_KEYS = ['mesh_locality_lb_setting', 'mesh_config_locality_lb_setting'] as const;
export const DR_SETTING_KEYS = ['locality_lb_setting', 'dr_locality_lb_setting', 'destination_rule_locality_lb_setting'] as const;

/** The first of `keys` present, read as a locality setting. */
export function readFirstSetting(parent: Fields, keys: readonly string[]): LocalityLbSetting | undefined {
  const key = keys.find((k) => parent.has(k));
  return key === undefined ? undefined : readLocalityLbSetting(parent, key);
}
