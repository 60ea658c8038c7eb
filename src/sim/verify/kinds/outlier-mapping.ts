/**
 * outlier_mapping: DestinationRule outlierDetection → Envoy cluster settings (istiod applyOutlierDetection).
 */
import { resolveEnvoyOutlierDetection } from '../../envoy/outlier-config.js';
import { buildClusterConfig } from '../../istiod/cluster-config.js';
import { applyOutlierDetection } from '../../istiod/outlier-mapping.js';
import type { AdapterContext } from '../context.js';
import { readOutlierDetection } from '../dr-input.js';
import { envoyOutlierField, modelValue, toModelValue } from '../envoy-fields.js';
import { ShapeError } from '../fields.js';

export function outlierMappingAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const key = input.has('destination_rule_outlier_detection') ? 'destination_rule_outlier_detection' : 'outlier_detection';
  const od = readOutlierDetection(input, key);
  const mapping = applyOutlierDetection(od, ctx.profile);
  const cluster = buildClusterConfig(od === undefined ? undefined : { outlierDetection: od }, ctx.profile);
  if (expected.has('healthy_panic_threshold')) {
    ctx.check('healthy_panic_threshold', expected.raw('healthy_panic_threshold'), cluster.healthyPanicThresholdPct);
  }
  if (!expected.has('envoy_outlier_detection')) return;
  const want = expected.raw('envoy_outlier_detection');
  if (want === null) {
    ctx.check('envoy_outlier_detection', null, mapping === undefined ? null : mapping.proto);
    return;
  }
  const f = expected.obj('envoy_outlier_detection');
  if (f === undefined) return;
  if (mapping === undefined) {
    ctx.check('envoy_outlier_detection', want, null);
    return;
  }
  const resolved = resolveEnvoyOutlierDetection(mapping.proto);
  for (const k of f.keys()) {
    const path = `envoy_outlier_detection.${k}`;
    const value = f.raw(k);
    if (k === 'healthy_panic_threshold') {
      ctx.check(path, value, cluster.healthyPanicThresholdPct);
      continue;
    }
    const ref = envoyOutlierField(k);
    if (ref === undefined) throw new ShapeError(`expected.${path} names no Envoy outlier detection field`);
    const wantValue = toModelValue(ref, value, `expected.${path}`);
    const explicit = (mapping.proto as Record<string, unknown>)[ref.field];
    // null: Istio must leave the field unset; a value: the effective one (explicit, else Envoy's default).
    const got = wantValue === null ? (explicit ?? null) : ref.envoyDefault ? modelValue(ref, resolved) : (explicit ?? modelValue(ref, resolved));
    ctx.check(path, wantValue, got);
  }
}
