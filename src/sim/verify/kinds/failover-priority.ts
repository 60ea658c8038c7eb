/**
 * failover_priority: label-based priorities (and the failoverPriority + failover combination) on
 * the endpoint groups exactly as listed (order and duplicates kept, as in istiod's unit tests).
 */
import type { LocalityLbSetting } from '../../../model/destination-rule.js';
import { applyLocalityLoadBalancer, defaultMeshLocalityLbSetting, getEffectiveLbSetting } from '../../istiod/locality-lb.js';
import type { WorkingGroup } from '../../istiod/working-group.js';
import type { LbEndpoint } from '../../xds-types.js';
import type { AdapterContext } from '../context.js';
import { readFailover, readLabels, readLocality, readOutlierDetection, readStrings } from '../dr-input.js';
import { ShapeError } from '../fields.js';

export function failoverPriorityAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const keys = readStrings(input, 'failover_priority');
  if (keys === undefined) throw new ShapeError('input.failover_priority is missing');
  const proxyLabels = readLabels(input.raw('proxy_labels'), 'input.proxy_labels');
  const proxyLocality = readLocality(input.raw('proxy_locality'), 'input.proxy_locality');
  const od = readOutlierDetection(input, 'outlier_detection');
  const failover = readFailover(input, 'failover');
  const enabled = input.bool('locality_lb_enabled');
  const list = input.list('endpoint_groups');
  if (list === undefined) throw new ShapeError('input.endpoint_groups is missing');

  const labelOf = new Map<WorkingGroup, string>();
  const order: string[] = [];
  const groups: WorkingGroup[] = list.map((g, gi) => {
    const gf = input.child(g, `input.endpoint_groups[${gi}]`);
    const label = gf.str('group') ?? gf.str('locality') ?? '';
    const eps = gf.list('endpoints') ?? [];
    const endpoints: LbEndpoint[] = [];
    const labels: Array<Record<string, string>> = [];
    eps.forEach((e, ei) => {
      const ef = gf.child(e, `${gf.path}.endpoints[${ei}]`);
      const ip = ef.str('ip') ?? `${gi}.${ei}`;
      endpoints.push({ id: ip, address: ip, port: 80, weight: ef.numOr('weight', 1), kind: 'direct', cluster: '', network: '', backends: [] });
      labels.push(readLabels(ef.raw('labels'), `${ef.path}.labels`));
      order.push(ip);
    });
    const group: WorkingGroup = {
      locality: readLocality(label, `${gf.path}.group`),
      priority: 0,
      weight: endpoints.reduce((a, e) => a + e.weight, 0),
      endpoints,
      labels,
    };
    labelOf.set(group, label);
    return group;
  });

  const drSetting: LocalityLbSetting = { failoverPriority: keys };
  if (failover !== undefined) drSetting.failover = failover;
  if (enabled !== undefined) drSetting.enabled = enabled;
  const setting = getEffectiveLbSetting(defaultMeshLocalityLbSetting(ctx.profile), drSetting);
  const proxy = { locality: proxyLocality, labels: proxyLabels };
  const out = applyLocalityLoadBalancer(groups, proxy, setting, od !== undefined, ctx.profile);

  if (expected.has('output_groups')) {
    // A split group keeps its source locality label; find it through any of its endpoints.
    const sourceLabel = (g: WorkingGroup): string => {
      const first = g.endpoints[0];
      for (const [src, label] of labelOf) if (first !== undefined && src.endpoints.includes(first)) return label;
      return labelOf.get(g) ?? '';
    };
    const got = out.map((g) => ({ group: sourceLabel(g), ips: g.endpoints.map((e) => e.address), weight: g.weight ?? 0, priority: g.priority }));
    ctx.check('output_groups', expected.raw('output_groups'), got);
  }
  if (expected.has('priorities')) {
    const byIp = new Map<string, number>();
    for (const g of out) for (const e of g.endpoints) byIp.set(e.id, g.priority);
    const want = expected.raw('priorities');
    if (Array.isArray(want) && want.length !== order.length && want.length === groups.length) {
      // One value per input group: defined when all of the group's endpoints share a priority.
      const perGroup = groups.map((g) => {
        const ps = [...new Set(g.endpoints.map((e) => byIp.get(e.id) ?? null))];
        return ps.length === 1 ? (ps[0] ?? null) : null;
      });
      ctx.check('priorities', want, perGroup);
    } else {
      ctx.check('priorities', want, order.map((ip) => byIp.get(ip) ?? null));
    }
  }
}
