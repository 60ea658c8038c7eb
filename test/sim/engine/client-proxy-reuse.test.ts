/**
 * A client proxy keeps what an EDS update did not change: a locality group istiod hands over as the
 * same endpoint list keeps its hosts, a priority whose groups and health are unchanged keeps its
 * lists, and a stateless selector over an unchanged list is kept (its seed draw still made). None
 * of it may change a pick: a proxy fed the same lists must pick exactly as one fed fresh copies.
 */
import { describe, expect, it } from 'vitest';
import { parseLocality } from '../../../src/model/locality.js';
import { ClientProxy } from '../../../src/sim/engine/client-proxy.js';
import { dedupeAssignment } from '../../../src/sim/envoy/eds-dedupe.js';
import { createRng } from '../../../src/sim/rng.js';
import type { ClusterConfig, ClusterLoadAssignment, EnvoyOutlierConfig, LbEndpoint } from '../../../src/sim/xds-types.js';

const ep = (id: string, weight = 1): LbEndpoint => ({ id, address: id, port: 5000, weight, kind: 'direct', cluster: 'c1', network: 'n1', backends: [] });

/** Endpoint lists by locality, built once: the same objects are handed to the shared proxy on every push. */
const lists = {
  z1: [ep('a'), ep('b'), ep('c')],
  z2: [ep('d'), ep('e')],
  z3: [ep('f'), ep('g'), ep('h')],
  z3heavy: [ep('f', 3), ep('g'), ep('h')],
  r2: [ep('i'), ep('j')],
};

type Group = { zone: keyof typeof lists; priority: number; weight: number };
const assignment = (groups: readonly Group[], copy: boolean): ClusterLoadAssignment => ({
  groups: groups.map((g) => ({
    locality: parseLocality(g.zone === 'r2' ? 'r2/z9' : `r1/${g.zone.slice(0, 2)}`),
    priority: g.priority,
    weight: g.weight,
    // A fresh copy of every endpoint: nothing can be recognised as unchanged.
    endpoints: copy ? lists[g.zone].map((e) => ({ ...e })) : lists[g.zone],
  })),
});

/** Pushes in order: unchanged, a group gone (indices shift), back, a weight change, a reordering of priorities. */
const pushes: Group[][] = [
  [{ zone: 'z1', priority: 0, weight: 3 }, { zone: 'z2', priority: 1, weight: 2 }, { zone: 'z3', priority: 1, weight: 3 }, { zone: 'r2', priority: 2, weight: 2 }],
  [{ zone: 'z1', priority: 0, weight: 3 }, { zone: 'z2', priority: 1, weight: 2 }, { zone: 'z3', priority: 1, weight: 3 }, { zone: 'r2', priority: 2, weight: 2 }],
  [{ zone: 'z2', priority: 1, weight: 2 }, { zone: 'z3', priority: 1, weight: 3 }, { zone: 'r2', priority: 2, weight: 2 }],
  [{ zone: 'z1', priority: 0, weight: 3 }, { zone: 'z2', priority: 1, weight: 5 }, { zone: 'z3', priority: 1, weight: 3 }, { zone: 'r2', priority: 2, weight: 2 }],
  [{ zone: 'z1', priority: 0, weight: 3 }, { zone: 'z2', priority: 1, weight: 5 }, { zone: 'z3heavy', priority: 1, weight: 3 }, { zone: 'r2', priority: 2, weight: 2 }],
  [{ zone: 'z1', priority: 0, weight: 3 }, { zone: 'z2', priority: 1, weight: 5 }, { zone: 'z3', priority: 1, weight: 3 }, { zone: 'r2', priority: 2, weight: 2 }],
  [{ zone: 'r2', priority: 0, weight: 2 }, { zone: 'z1', priority: 1, weight: 3 }],
  [{ zone: 'z1', priority: 0, weight: 3 }, { zone: 'z2', priority: 1, weight: 2 }],
];

function trace(config: ClusterConfig, copy: boolean): string[] {
  const proxy = new ClientProxy(
    { id: 'sleep', cluster: 'c1', network: 'n1', locality: parseLocality('r1/z1'), labels: {} },
    config,
    { strictMaxEjectionPercent: true, rng: createRng(11), workers: 2 },
  );
  const out: string[] = [];
  let t = 0;
  for (const groups of pushes) {
    out.push(`changed ${proxy.applyAssignment(assignment(groups, copy))}`);
    for (let i = 0; i < 40; i++) {
      const h = proxy.pick([], 5, i % 2);
      out.push(h?.target ?? '-');
      // Outside panic an ejected host is never picked: a kept healthy list must follow health changes.
      if (h !== undefined && !h.healthy && !proxy.lastPickInPanic) out.push('UNHEALTHY PICK');
      // Uneven load, so LEAST_REQUEST's choices depend on which list a selector reads.
      if (h !== undefined) h.activeRequests = (h.activeRequests + 1) % 3;
      // A 503 now and then: ejections rebuild with a host unhealthy (a new healthy list).
      if (h !== undefined && i % 13 === 5) out.push(`ejected ${proxy.report(h, { kind: 'http', status: 503 }, (t += 1_000_000))}`);
    }
    out.push(`back ${proxy.tick((t += 20_000_000)).join(',')}`);
  }
  return out;
}

describe('a client proxy reusing what an EDS update left unchanged', () => {
  const outlier: EnvoyOutlierConfig = {
    consecutive5xx: 1,
    enforcingConsecutive5xx: 100,
    consecutiveGatewayFailure: 0,
    enforcingConsecutiveGatewayFailure: 0,
    splitExternalLocalOriginErrors: false,
    consecutiveLocalOriginFailure: 5,
    enforcingConsecutiveLocalOriginFailure: 100,
    enforcingSuccessRate: 0,
    intervalUs: 10_000_000,
    baseEjectionTimeUs: 10_000_000,
    maxEjectionTimeUs: 300_000_000,
    maxEjectionPercent: 50,
  };
  const configs: Array<[string, ClusterConfig]> = [
    ['LEAST_REQUEST', { lbPolicy: 'LEAST_REQUEST', localityWeighted: false, healthyPanicThresholdPct: 50, overprovisioningFactor: 140 }],
    ['LEAST_REQUEST with outlier detection', { lbPolicy: 'LEAST_REQUEST', localityWeighted: false, healthyPanicThresholdPct: 50, overprovisioningFactor: 140, outlier }],
    ['LEAST_REQUEST, locality-weighted', { lbPolicy: 'LEAST_REQUEST', localityWeighted: true, healthyPanicThresholdPct: 50, overprovisioningFactor: 140, outlier }],
    ['ROUND_ROBIN', { lbPolicy: 'ROUND_ROBIN', localityWeighted: false, healthyPanicThresholdPct: 50, overprovisioningFactor: 140, outlier }],
    ['RANDOM', { lbPolicy: 'RANDOM', localityWeighted: false, healthyPanicThresholdPct: 50, overprovisioningFactor: 140, outlier }],
  ];
  for (const [name, config] of configs) {
    it(`${name}: the same lists pick exactly as fresh copies`, () => {
      const shared = trace(config, false);
      expect(shared).toEqual(trace(config, true));
      // The trace exercises what it claims to: ejections happen when outlier detection is on.
      if (config.outlier !== undefined) expect(shared).toContain('ejected true');
      expect(shared).not.toContain('UNHEALTHY PICK');
    });
  }
});

describe('a client proxy given an address twice (envoy eds.cc: only the first copy is kept)', () => {
  const gw = (weight: number): LbEndpoint => ({ id: 'gw2', address: '172.18.0.2', port: 15443, weight, kind: 'gateway', cluster: 'c2', network: 'n2', backends: [] });
  const config: ClusterConfig = { lbPolicy: 'LEAST_REQUEST', localityWeighted: true, healthyPanicThresholdPct: 50, overprovisioningFactor: 140 };
  const proxy = () =>
    new ClientProxy({ id: 'sleep', cluster: 'c1', network: 'n1', locality: parseLocality('r1/z1'), labels: {} }, config, { strictMaxEjectionPercent: true, rng: createRng(5) });
  const state = (p: ClientProxy, changed: boolean) => [
    changed,
    p.hostList.map((h) => `${h.target} w${h.weight} ${h.locality.zone} ${h.edsUnhealthy}`).sort(),
    p.priorityLoads,
    Array.from({ length: 60 }, () => p.pick([], 5)?.target ?? '-'),
  ];
  const local = [ep('a'), ep('b')];
  // A sequence in which the duplicate comes in a group kept from the last update (after hosts the
  // same update adds), in a new group, and not at all. (After an update with a duplicate nothing
  // is kept: the kept assignment is made of new lists.)
  const updates = (): ClusterLoadAssignment[] => {
    const za = [gw(1)];
    const plain: ClusterLoadAssignment = { groups: [{ locality: parseLocality('r1/z1'), priority: 0, weight: 2, endpoints: local }, { locality: parseLocality('r2/za'), priority: 1, weight: 1, endpoints: za }] };
    const dupInKept: ClusterLoadAssignment = {
      groups: [{ locality: parseLocality('r1/z1'), priority: 0, weight: 3, endpoints: [ep('c'), ...local] }, { locality: parseLocality('r2/zb'), priority: 0, weight: 3, endpoints: [gw(3)] }, { locality: parseLocality('r2/za'), priority: 1, weight: 1, endpoints: za }],
    };
    const dupInNew: ClusterLoadAssignment = { groups: [...plain.groups, { locality: parseLocality('r2/zb'), priority: 1, weight: 3, endpoints: [gw(3)] }] };
    return [plain, dupInKept, plain, plain, dupInNew, plain];
  };

  it('ends as if given the assignment without the later copies, update after update', () => {
    const direct = proxy();
    const deduped = proxy();
    for (const [i, u] of updates().entries()) {
      const a = state(direct, direct.applyAssignment(u));
      const b = state(deduped, deduped.applyAssignment(dedupeAssignment(u)));
      expect(a, `update ${i}`).toEqual(b);
    }
  });
});
