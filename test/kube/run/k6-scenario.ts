/** The failover scenario's request against helloworld with a given load, for the k6 object tests. */
import type { Scenario } from '../../../src/model/scenario.js';

export function k6TestScenario(load: Scenario['load']): Scenario {
  return {
    name: 'failover',
    client: { cluster: 'cluster1', workload: 'sleep' },
    request: { service: 'helloworld', namespace: 'sample', port: 5000, path: '/hello', timeoutUs: 10_000_000 },
    load,
    timeline: [],
    measure: {},
    thresholds: [],
    source: 'test',
  };
}
