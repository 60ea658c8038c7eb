/**
 * locality_distribute: `distribute` weights on explicit groups (istiod unit-test shape) or, for
 * end-to-end shapes, the split a client sees over named endpoints.
 */
import type { LocalityLbSetting, TrafficPolicy } from '../../../model/destination-rule.js';
import { formatLocality } from '../../../model/locality.js';
import { predictEndpointShares } from '../../explain/predict.js';
import { buildClusterConfig } from '../../istiod/cluster-config.js';
import { buildClusterLoadAssignment } from '../../istiod/endpoint-builder.js';
import { applyLocalityLoadBalancer, defaultMeshLocalityLbSetting, getEffectiveLbSetting } from '../../istiod/locality-lb.js';
import type { WorkingGroup } from '../../istiod/working-group.js';
import { createRng } from '../../rng.js';
import type { IstioEndpoint } from '../../xds-types.js';
import type { AdapterContext } from '../context.js';
import { DR_SETTING_KEYS, MESH_SETTING_KEYS, readDistribute, readFirstSetting, readLocality, readOutlierDetection } from '../dr-input.js';
import { ShapeError } from '../fields.js';
import { simulatePicks } from '../simulate-picks.js';

/** DR and mesh settings: a top-level `distribute` is the DestinationRule's. */
interface Settings {
  dr: LocalityLbSetting | undefined;
  mesh: LocalityLbSetting | undefined;
}

export function distributeAdapter(ctx: AdapterContext): void {
  const { input } = ctx;
  const distribute = readDistribute(input, 'distribute');
  const settings: Settings = {
    dr: distribute !== undefined ? { distribute } : readFirstSetting(input, DR_SETTING_KEYS),
    mesh: readFirstSetting(input, MESH_SETTING_KEYS),
  };
  if (settings.dr === undefined && settings.mesh === undefined) throw new ShapeError('input has no distribute setting');
  if (input.has('groups')) groupsShape(ctx, settings);
  else if (input.has('endpoints')) endpointsShape(ctx, settings);
  else throw new ShapeError('input has neither groups nor endpoints');
}

function groupsShape(ctx: AdapterContext, settings: Settings): void {
  const { input, expected } = ctx;
  const proxy = readLocality(input.raw(input.has('proxy_locality') ? 'proxy_locality' : 'client_locality'), 'input.proxy_locality');
  const list = input.list('groups') ?? [];
  const groups: WorkingGroup[] = list.map((g, i) => {
    const f = input.child(g, `input.groups[${i}]`);
    const locality = readLocality(f.raw('locality'), `${f.path}.locality`);
    const w = f.num('weight');
    // One endpoint per group carrying the group's weight, to check endpoint weights stay unchanged.
    return {
      locality,
      priority: 0,
      weight: w,
      endpoints: [{ id: `g${i}`, address: `10.0.0.${i + 1}`, port: 5000, weight: w ?? 1, kind: 'direct', cluster: '', network: '', backends: [] }],
      labels: [{}],
    };
  });
  const od = readOutlierDetection(input, 'outlier_detection');
  const setting = getEffectiveLbSetting(settings.mesh ?? defaultMeshLocalityLbSetting(ctx.profile), settings.dr);
  const out = applyLocalityLoadBalancer(groups, { locality: proxy, labels: {} }, setting, od !== undefined, ctx.profile);
  if (expected.has('locality_lb_weights')) ctx.check('locality_lb_weights', expected.raw('locality_lb_weights'), out.map((g) => g.weight ?? 0));
  if (expected.has('endpoint_lb_weights_unchanged')) {
    const got = groups.map((g, i) => {
      const after = out[i]?.endpoints[0] ?? g.endpoints[0];
      return after?.weight ?? null;
    });
    ctx.check('endpoint_lb_weights_unchanged', expected.raw('endpoint_lb_weights_unchanged'), got);
  }
  if (expected.has('emptied_groups')) {
    ctx.check('emptied_groups', expected.raw('emptied_groups'), out.map((g, i) => (g.endpoints.length === 0 ? i : -1)).filter((i) => i >= 0));
  }
}

function endpointsShape(ctx: AdapterContext, settings: Settings): void {
  const { input, expected } = ctx;
  const proxyKey = input.has('client_locality') ? 'client_locality' : 'proxy_locality';
  const proxyLocality = readLocality(input.raw(proxyKey), `input.${proxyKey}`);
  const raw = input.raw('endpoints');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ShapeError('input.endpoints is not a name → locality map');
  const endpoints: IstioEndpoint[] = Object.entries(raw as Record<string, unknown>).map(([name, loc], i) => ({
    id: name,
    address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    port: 5000,
    cluster: 'cluster1',
    network: '',
    locality: readLocality(loc, `input.endpoints.${name}`),
    labels: {},
    weight: 1,
    mtls: true,
  }));
  const lb = input.str('lb');
  const od = readOutlierDetection(input, 'outlier_detection');
  const trafficPolicy: TrafficPolicy = settings.dr === undefined ? { loadBalancer: {} } : { loadBalancer: { localityLbSetting: settings.dr } };
  if (lb !== undefined) {
    if (!['ROUND_ROBIN', 'LEAST_REQUEST', 'LEAST_CONN', 'RANDOM'].includes(lb)) throw new ShapeError(`input.lb "${lb}" is not modelled`);
    (trafficPolicy.loadBalancer as NonNullable<TrafficPolicy['loadBalancer']>).simple = lb as 'ROUND_ROBIN';
  }
  if (od !== undefined) trafficPolicy.outlierDetection = od;
  const proxy = { id: 'client', cluster: 'cluster1', network: '', locality: proxyLocality, labels: {} };
  const mesh = settings.mesh;
  const cla = buildClusterLoadAssignment({ proxy, endpoints, gateways: [], trafficPolicy, profile: ctx.profile, ...(mesh ? { meshLocalityLbSetting: mesh } : {}) });
  const config = buildClusterConfig(trafficPolicy, ctx.profile, mesh);
  // Expected keys name an endpoint (or the first word of its name), or a locality written with dots.
  const resolve = (key: string): IstioEndpoint[] => {
    const exact = endpoints.filter((e) => e.id === key || e.id.split(/\s+/)[0] === key);
    if (exact.length > 0) return exact;
    return endpoints.filter((e) => formatLocality(e.locality).replace(/\/+$/, '').replaceAll('/', '.') === key);
  };

  if (expected.has('requests_per_endpoint')) {
    const requests = input.reqNum('requests');
    const tolerance = expected.num('tolerance_requests') ?? 0;
    const counts = simulatePicks(cla, config, requests, createRng(`vector:${requests}`));
    const want = expected.obj('requests_per_endpoint');
    for (const key of want?.keys() ?? []) {
      const eps = resolve(key);
      if (eps.length === 0) throw new ShapeError(`expected.requests_per_endpoint.${key} names no endpoint`);
      ctx.check(`requests_per_endpoint.${key}`, want?.num(key), eps.reduce((a, e) => a + (counts.get(e.id) ?? 0), 0), tolerance);
    }
  }
  if (expected.has('traffic_pct')) {
    const shares = predictEndpointShares(cla, config);
    const want = expected.obj('traffic_pct');
    for (const key of want?.keys() ?? []) {
      const eps = resolve(key);
      if (eps.length === 0) throw new ShapeError(`expected.traffic_pct.${key} names no endpoint or locality`);
      const ids = new Set(eps.map((e) => e.id));
      const pct = 100 * shares.filter((s) => ids.has(s.endpoint.id)).reduce((a, s) => a + s.share, 0);
      ctx.check(`traffic_pct.${key}`, want?.num(key), pct, 0.5);
    }
  }
}
