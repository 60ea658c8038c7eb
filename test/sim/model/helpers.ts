import { parseLocality } from '../../../src/model/locality.js';
import { augmentLabels } from '../../../src/sim/istiod/labels.js';
import type { WorkingGroup } from '../../../src/sim/istiod/working-group.js';
import type { IstioEndpoint } from '../../../src/sim/xds-types.js';

/** One group per locality label, each with one endpoint `e<i>` of weight 1. */
export function groups(...localities: string[]): WorkingGroup[] {
  return localities.map((l, i) => {
    const locality = parseLocality(l);
    return {
      locality,
      priority: 0,
      weight: 1,
      endpoints: [{ id: `e${i}`, address: `10.0.0.${i + 1}`, port: 5000, weight: 1, kind: 'direct', cluster: 'c', network: 'n', backends: [] }],
      labels: [augmentLabels({}, { cluster: 'c', locality, network: 'n' })],
    };
  });
}

export function endpoint(id: string, over: Partial<IstioEndpoint> = {}): IstioEndpoint {
  return {
    id,
    address: id,
    port: 5000,
    cluster: 'cluster1',
    network: 'network1',
    locality: parseLocality('r1/z1/s1'),
    labels: { app: 'helloworld' },
    weight: 1,
    mtls: true,
    ...over,
  };
}
