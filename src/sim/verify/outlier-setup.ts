/**
 * Building an outlier detector from a vector: Envoy settings given as top-level input fields (or
 * in a `config` object), with Envoy defaults for the rest.
 */
import { OutlierDetector } from '../envoy/outlier-detector.js';
import { resolveEnvoyOutlierDetection, toEnvoyOutlierConfig, type EnvoyOutlierDetectionProto, type ResolvedEnvoyOutlierDetection } from '../envoy/outlier-config.js';
import type { IstioProfile } from '../istio-profile.js';
import { envoyOutlierField, toModelValue } from './envoy-fields.js';
import type { Fields } from './fields.js';

/** Every field of `f` naming an Envoy outlier setting, as an explicit proto (reads those fields). */
export function readEnvoyOutlierProto(f: Fields): EnvoyOutlierDetectionProto {
  const proto: Record<string, unknown> = {};
  for (const k of f.keys()) {
    const ref = envoyOutlierField(k);
    if (ref === undefined || ref.envoyDefault) continue;
    const v = toModelValue(ref, f.raw(k), `${f.path}.${k}`);
    if (v !== null && v !== undefined) proto[ref.field] = v;
  }
  return proto as EnvoyOutlierDetectionProto;
}

/** A detector with `hosts` monitors, the profile's max-ejection-percent rule and the vector's settings. */
export function detectorFor(input: Fields, profile: IstioProfile): { detector: OutlierDetector; resolved: ResolvedEnvoyOutlierDetection; hosts: ReturnType<OutlierDetector['addHost']>[] } {
  input.consume('config_defaults');
  const proto = readEnvoyOutlierProto(input);
  const nested = input.obj('config');
  if (nested !== undefined) Object.assign(proto, readEnvoyOutlierProto(nested));
  const resolved = resolveEnvoyOutlierDetection(proto);
  const detector = new OutlierDetector(toEnvoyOutlierConfig(resolved), {
    strictMaxEjectionPercent: profile.strictMaxEjectionPercent,
    alwaysEjectOneHost: resolved.alwaysEjectOneHost,
  });
  const count = input.numOr('hosts', 1);
  const hosts = Array.from({ length: count }, (_, i) => detector.addHost(`host${i}`));
  return { detector, resolved, hosts };
}
