import { describe, expect, it } from 'vitest';
import { selectorDrawsSeed } from '../../../src/sim/engine/client-proxy.js';
import { createHostSelector } from '../../../src/sim/envoy/host-selector.js';
import { createRng, type Rng } from '../../../src/sim/rng.js';
import type { ClusterConfig } from '../../../src/sim/xds-types.js';

/** An Rng that counts the 32-bit draws made through it. */
function countingRng(): { rng: Rng; draws: () => number } {
  const inner = createRng('draws');
  let n = 0;
  const rng: Rng = Object.create(inner) as Rng;
  rng.u32 = () => {
    n++;
    return inner.u32();
  };
  return { rng, draws: () => n };
}

describe('selectorDrawsSeed', () => {
  // A proxy without locality-weighted picks skips building its locality selectors and makes only
  // their draws: the count must be what building them draws, or every later pick would shift.
  it('is the number of draws createHostSelector makes when built', () => {
    const policies: Array<ClusterConfig['lbPolicy']> = ['LEAST_REQUEST', 'ROUND_ROBIN', 'RANDOM'];
    for (const policy of policies) {
      for (let n = 0; n <= 4; n++) {
        for (const weights of ['equal', 'unequal']) {
          const hosts = Array.from({ length: n }, (_, i) => ({ weight: weights === 'equal' ? 1 : i + 1, activeRequests: i % 2 }));
          const { rng, draws } = countingRng();
          createHostSelector(policy, hosts, rng);
          expect(draws(), `${policy} ${n} ${weights}`).toBe(selectorDrawsSeed(policy, n) ? 1 : 0);
        }
      }
    }
  });
});
