import { describe, expect, it } from 'vitest';
import { EdfScheduler } from '../../../src/sim/envoy/edf-scheduler.js';
import { createHostSelector } from '../../../src/sim/envoy/host-selector.js';
import { createLocalityPicker, effectiveLocalityWeight } from '../../../src/sim/envoy/locality-wrr.js';
import { createRng, indexBelow } from '../../../src/sim/rng.js';

function count(pick: () => number, n: number, size: number): number[] {
  const c = new Array<number>(size).fill(0);
  for (let i = 0; i < n; i++) c[pick()]!++;
  return c;
}

describe('indexBelow (the pick\'s u32 % n without an integer division)', () => {
  it('equals u % n for every 32-bit draw, including the extremes', () => {
    const rng = createRng(7);
    const us = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1, ...Array.from({ length: 2000 }, () => rng.u32())];
    for (const n of [1, 2, 3, 7, 40, 80, 1000, 65_537, 2 ** 31 - 1, 2 ** 32 - 1]) {
      for (const u of us) expect(indexBelow(u, n)).toBe(u % n);
      // Multiples of n and their neighbours: where a rounded quotient would go wrong first.
      for (const k of [1, 2, Math.floor((2 ** 32 - 1) / n)]) {
        for (const u of [k * n - 1, k * n, k * n + 1]) if (u >= 0 && u < 2 ** 32) expect(indexBelow(u, n)).toBe(u % n);
      }
    }
  });
});

describe('EdfScheduler (edf_scheduler.h)', () => {
  it('picks by deadline, ties by insertion order', () => {
    const w = [1, 2];
    const s = EdfScheduler.create(2, (i) => w[i]!);
    // deadlines 1 and 0.5: B, then B(1.0) ties A(1.0): A added first wins.
    expect(Array.from({ length: 6 }, () => s.pick((i) => w[i]!))).toEqual([1, 0, 1, 1, 0, 1]);
  });
  it('skips non-positive weights', () => {
    const s = EdfScheduler.create(3, (i) => [0, 1, 0][i]!);
    expect(count(() => s.pick(() => 1), 10, 3)).toEqual([0, 10, 0]);
  });
  it('emulated pre-picks equal picking one by one', () => {
    const w = [1.3, 2.7, 0.9];
    for (const pre of [0, 1, 5, 17, 100]) {
      const fast = EdfScheduler.create(3, (i) => w[i]!, pre);
      const slow = EdfScheduler.create(3, (i) => w[i]!);
      for (let i = 0; i < pre; i++) slow.pick((k) => w[k]!);
      const a = Array.from({ length: 20 }, () => fast.pick((k) => w[k]!));
      const b = Array.from({ length: 20 }, () => slow.pick((k) => w[k]!));
      expect(a).toEqual(b);
    }
  });
});

describe('locality weighted picking (locality_wrr.cc)', () => {
  it('effective weight = weight x min(1, OPF x healthy/hosts)', () => {
    expect(effectiveLocalityWeight(2, 5, 5, 140)).toBe(2);
    expect(effectiveLocalityWeight(1, 1, 5, 140)).toBeCloseTo(0.28, 12);
    expect(effectiveLocalityWeight(3, 1, 0, 140)).toBe(0);
  });
  it('picks localities in proportion to effective weight', () => {
    const p = createLocalityPicker([{ weight: 1, eligibleHosts: 4, hostCount: 4 }, { weight: 3, eligibleHosts: 2, hostCount: 2 }, { weight: 5, eligibleHosts: 0, hostCount: 3 }], 140);
    expect(count(() => p.pick(), 100, 3)).toEqual([25, 75, 0]);
  });
  it('has nothing to pick when no host is eligible', () => {
    expect(createLocalityPicker([{ weight: 1, eligibleHosts: 0, hostCount: 2 }], 140).pick()).toBe(-1);
  });
});

describe('createHostSelector', () => {
  it('LEAST_REQUEST, equal weights: two random choices, fewer active requests wins', () => {
    const hosts = [
      { weight: 1, activeRequests: 0 },
      { weight: 1, activeRequests: 5 },
      { weight: 1, activeRequests: 5 },
    ];
    const s = createHostSelector('LEAST_REQUEST', hosts, createRng('p2c'));
    const c = count(() => s.pick(), 9000, 3);
    // Host 0 loses only when both samples miss it: P = 1 - (2/3)^2 = 5/9.
    expect(c[0]! / 9000).toBeCloseTo(5 / 9, 1);
    expect(c[1]! + c[2]!).toBeGreaterThan(0);
  });
  it('LEAST_REQUEST, unequal weights: EDF on weight / (active + 1), read live', () => {
    const hosts = [
      { weight: 1, activeRequests: 0 },
      { weight: 2, activeRequests: 0 },
    ];
    const s = createHostSelector('LEAST_REQUEST', hosts, createRng('lr'), { seed: 0 });
    expect(count(() => s.pick(), 300, 2)).toEqual([100, 200]);
    hosts[1]!.activeRequests = 3; // 2/4 = 0.5 vs 1: host 0 now gets two thirds
    const c = count(() => s.pick(), 300, 2);
    expect(c[0]).toBeGreaterThan(190);
  });
  it('LEAST_REQUEST, unequal weights: the schedule is the one of the weights when built, even when first picked later', () => {
    // Made on the first pick (most selectors of an idle priority are never picked from), it must
    // start from the weights as they were at build time, as Envoy's refresh makes it then.
    for (const seed of [0, 1, 7, 12345, 4_000_000_000]) {
      const hosts = [3, 1, 2, 5, 1].map((weight, i) => ({ weight, activeRequests: i % 3 }));
      const eagerWeights = (i: number) => hosts[i]!.weight / (hosts[i]!.activeRequests + 1);
      const eager = EdfScheduler.create(hosts.length, eagerWeights, seed);
      const lazy = createHostSelector('LEAST_REQUEST', hosts, createRng('unused'), { seed });
      // Load changes between the build and the first pick; later picks read it live on both sides.
      hosts[0]!.activeRequests = 7;
      hosts[3]!.activeRequests = 0;
      const a = Array.from({ length: 40 }, () => lazy.pick());
      const b = Array.from({ length: 40 }, () => eager.pick(eagerWeights));
      expect(a, `seed ${seed}`).toEqual(b);
    }
  });
  it('ROUND_ROBIN rotates with equal weights and follows static weights otherwise', () => {
    const cursor = { next: 0 };
    const rr = createHostSelector('ROUND_ROBIN', [{ weight: 1, activeRequests: 0 }, { weight: 1, activeRequests: 9 }, { weight: 1, activeRequests: 0 }], createRng(1), { roundRobinCursor: cursor });
    expect(Array.from({ length: 5 }, () => rr.pick())).toEqual([0, 1, 2, 0, 1]);
    expect(cursor.next).toBe(5);
    const wrr = createHostSelector('ROUND_ROBIN', [{ weight: 1, activeRequests: 0 }, { weight: 3, activeRequests: 50 }], createRng(1), { seed: 0 });
    expect(count(() => wrr.pick(), 400, 2)).toEqual([100, 300]);
  });
  it('RANDOM ignores weights', () => {
    const s = createHostSelector('RANDOM', [{ weight: 1, activeRequests: 0 }, { weight: 99, activeRequests: 0 }], createRng('r'));
    const c = count(() => s.pick(), 4000, 2);
    expect(c[0]! / 4000).toBeCloseTo(0.5, 1);
  });
  it('handles empty and single-host sets and is deterministic per seed', () => {
    expect(createHostSelector('LEAST_REQUEST', [], createRng(1)).pick()).toBe(-1);
    expect(createHostSelector('ROUND_ROBIN', [{ weight: 3, activeRequests: 0 }], createRng(1)).pick()).toBe(0);
    const hosts = [1, 1, 1, 1].map((weight) => ({ weight, activeRequests: 0 }));
    const a = createHostSelector('LEAST_REQUEST', hosts, createRng(7));
    const b = createHostSelector('LEAST_REQUEST', hosts, createRng(7));
    expect(Array.from({ length: 50 }, () => a.pick())).toEqual(Array.from({ length: 50 }, () => b.pick()));
  });
});
