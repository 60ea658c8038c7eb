/**
 * locality_priority / zone_aware_priority: istiod's priority assignment for one endpoint group per
 * listed locality, relative to the proxy's locality.
 */
import type { LocalityLbSetting, TrafficPolicy } from '../../../model/destination-rule.js';
import type { Locality } from '../../../model/locality.js';
import { buildClusterConfig } from '../../istiod/cluster-config.js';
import { augmentLabels } from '../../istiod/labels.js';
import { applyLocalityLoadBalancer, defaultMeshLocalityLbSetting, getEffectiveLbSetting } from '../../istiod/locality-lb.js';
import type { WorkingGroup } from '../../istiod/working-group.js';
import { applyZoneAwareLoadBalancer, type ZoneAwareLbSetting } from '../../istiod/zone-aware.js';
import type { AdapterContext } from '../context.js';
import { DR_SETTING_KEYS, MESH_SETTING_KEYS, readDistribute, readFailover, readFirstSetting, readLabels, readLocality, readOutlierDetection, readStrings } from '../dr-input.js';
import { ShapeError, type Fields } from '../fields.js';

/** One group per entry of `endpoint_localities`, each holding one endpoint `e<i>` of weight 1. */
function groupsFor(input: Fields): WorkingGroup[] {
  const list = input.list('endpoint_localities');
  if (list === undefined) throw new ShapeError('input.endpoint_localities is missing');
  return list.map((l, i) => {
    const locality: Locality = readLocality(l, `input.endpoint_localities[${i}]`);
    return {
      locality,
      priority: 0,
      weight: 1,
      endpoints: [{ id: `e${i}`, address: `10.0.0.${i + 1}`, port: 5000, weight: 1, kind: 'direct', cluster: '', network: '', backends: [] }],
      labels: [augmentLabels({}, { cluster: '', locality, network: '' })],
    };
  });
}

/** Priority of each input entry, found by its endpoint id in the output groups. */
function prioritiesOf(groups: readonly WorkingGroup[], count: number): Array<number | null> {
  const out: Array<number | null> = new Array<number | null>(count).fill(null);
  groups.forEach((g, gi) => {
    if (g.endpoints.length === 0 && groups.length === count) out[gi] = g.priority;
    for (const e of g.endpoints) out[Number(e.id.slice(1))] = g.priority;
  });
  return out;
}

function proxyOf(input: Fields): { locality: Locality; labels: Record<string, string> } {
  const key = input.has('proxy_locality') ? 'proxy_locality' : 'client_locality';
  return { locality: readLocality(input.raw(key), `input.${key}`), labels: readLabels(input.raw('proxy_labels'), 'input.proxy_labels') };
}

export function localityPriorityAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const proxy = proxyOf(input);
  const od = readOutlierDetection(input, 'outlier_detection');
  const enabled = input.bool('locality_lb_enabled');
  const failover = readFailover(input, 'failover');
  const failoverPriority = readStrings(input, 'failover_priority');
  const distribute = readDistribute(input, 'distribute');
  const drSetting: LocalityLbSetting = readFirstSetting(input, DR_SETTING_KEYS) ?? {};
  const meshSetting = readFirstSetting(input, MESH_SETTING_KEYS);
  if (enabled !== undefined) drSetting.enabled = enabled;
  if (failover !== undefined) drSetting.failover = failover;
  if (failoverPriority !== undefined) drSetting.failoverPriority = failoverPriority;
  if (distribute !== undefined) drSetting.distribute = distribute;
  const hasDrSetting = Object.keys(drSetting).length > 0;
  const trafficPolicy: TrafficPolicy = {};
  if (od !== undefined) trafficPolicy.outlierDetection = od;
  if (hasDrSetting) trafficPolicy.loadBalancer = { localityLbSetting: drSetting };

  const groups = groupsFor(input);
  const setting = getEffectiveLbSetting(meshSetting ?? defaultMeshLocalityLbSetting(ctx.profile), hasDrSetting ? drSetting : undefined);
  const out = applyLocalityLoadBalancer(groups, proxy, setting, od !== undefined, ctx.profile);
  expected.consume('doc_table_value');
  if (expected.has('priorities')) ctx.check('priorities', expected.raw('priorities'), prioritiesOf(out, groups.length));
  const cluster = buildClusterConfig(trafficPolicy, ctx.profile, meshSetting);
  if (expected.has('healthy_panic_threshold')) ctx.check('healthy_panic_threshold', expected.raw('healthy_panic_threshold'), cluster.healthyPanicThresholdPct);
  if (expected.has('locality_weighted_lb_config')) {
    ctx.check('locality_weighted_lb_config', expected.raw('locality_weighted_lb_config'), cluster.localityWeighted);
  }
}

export function zoneAwarePriorityAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const proxy = proxyOf(input);
  const f = input.obj('zone_aware_lb_setting');
  if (f === undefined) throw new ShapeError('input.zone_aware_lb_setting is missing');
  const setting: ZoneAwareLbSetting = {};
  const enabled = f.bool('enabled');
  if (enabled !== undefined) setting.enabled = enabled;
  const failover = readFailover(f, 'failover');
  if (failover !== undefined) setting.failover = failover;
  const keys = readStrings(f, f.has('failoverPriority') ? 'failoverPriority' : 'failover_priority');
  if (keys !== undefined) setting.failoverPriority = keys;
  const groups = groupsFor(input);
  const out = applyZoneAwareLoadBalancer(groups, proxy, setting, ctx.profile);
  if (expected.has('priorities')) ctx.check('priorities', expected.raw('priorities'), prioritiesOf(out, groups.length));
}
