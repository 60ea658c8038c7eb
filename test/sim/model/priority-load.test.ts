import { describe, expect, it } from 'vitest';
import { choosePriority, computePriorityLoads } from '../../../src/sim/envoy/priority-load.js';

describe('computePriorityLoads (envoy load_balancer_impl.cc)', () => {
  it('7 local pods with 3 ejected + a healthy gateway in P1: 80/20', () => {
    const loads = computePriorityLoads([{ total: 7, healthy: 4 }, { total: 1, healthy: 1 }], 140, 0);
    expect(loads.healthy).toEqual([80, 20]);
    expect(loads.normalizedTotalHealth).toBe(100);
    expect(loads.inPanic).toEqual([false, false]);
  });

  it('caps health at 100 and gives the rest to later priorities', () => {
    // floor(140*6/10) = 84, P1 100 -> normalised 100.
    expect(computePriorityLoads([{ total: 10, healthy: 6 }, { total: 3, healthy: 3 }], 140, 50).healthy).toEqual([84, 16]);
    expect(computePriorityLoads([{ total: 10, healthy: 8 }, { total: 3, healthy: 3 }], 140, 50).healthy).toEqual([100, 0]);
  });

  it('normalises when the total is below 100 and gives the rounding leftover to the first healthy priority', () => {
    // healths 35, 35, 0 -> norm 70 -> 50/50.
    expect(computePriorityLoads([{ total: 4, healthy: 1 }, { total: 4, healthy: 1 }, { total: 3, healthy: 0 }], 140, 0).healthy).toEqual([50, 50, 0]);
    // healths 7 and 91 (norm 98): floor(700/98)=7, floor(9100/98)=92, leftover 1 to P0.
    expect(computePriorityLoads([{ total: 20, healthy: 1 }, { total: 20, healthy: 13 }], 140, 50).healthy).toEqual([8, 92]);
  });

  it('spills into degraded hosts after healthy availability, leftover to healthy P0', () => {
    const loads = computePriorityLoads([{ total: 10, healthy: 3, degraded: 4 }, { total: 2, healthy: 0 }], 140, 50);
    expect(loads.healthy).toEqual([43, 0]);
    expect(loads.degraded).toEqual([57, 0]);
    expect(loads.inPanic).toEqual([false, true]);
  });

  it('total panic distributes by host counts, excluded hosts included', () => {
    const loads = computePriorityLoads([{ total: 10, healthy: 2 }, { total: 10, healthy: 3 }], 140, 50);
    expect(loads.totalPanic).toBe(true);
    expect(loads.healthy).toEqual([50, 50]);
    const excluded = computePriorityLoads([{ total: 4, healthy: 0, excluded: 4 }, { total: 6, healthy: 1, excluded: 2 }], 140, 50);
    expect(excluded.healthy).toEqual([40, 60]);
  });

  it('panic threshold 0 with nothing available sends 100% to P0 (no panic)', () => {
    const loads = computePriorityLoads([{ total: 2, healthy: 0 }, { total: 1, healthy: 0 }], 140, 0);
    expect(loads.healthy).toEqual([100, 0]);
    expect(loads.inPanic).toEqual([false, false]);
    expect(loads.totalPanic).toBe(false);
  });

  it('never panics when the normalised total is 100', () => {
    const loads = computePriorityLoads([{ total: 10, healthy: 1 }, { total: 1, healthy: 1 }], 140, 50);
    expect(loads.inPanic).toEqual([false, false]);
    expect(loads.healthy).toEqual([14, 86]);
  });

  it('all levels empty: total panic with P0 100', () => {
    expect(computePriorityLoads([{ total: 0, healthy: 0 }], 140, 50).healthy).toEqual([100]);
  });
});

describe('choosePriority', () => {
  const loads = computePriorityLoads([{ total: 7, healthy: 4 }, { total: 1, healthy: 1 }], 140, 0);
  it('walks cumulative loads with a 1..100 hash', () => {
    expect(choosePriority(loads, 1).priority).toBe(0);
    expect(choosePriority(loads, 80).priority).toBe(0);
    expect(choosePriority(loads, 81).priority).toBe(1);
    expect(choosePriority(loads, 100)).toEqual({ priority: 1, degraded: false });
  });
  it('falls through to degraded loads', () => {
    const deg = computePriorityLoads([{ total: 10, healthy: 3, degraded: 4 }], 140, 50);
    expect(choosePriority(deg, 43)).toEqual({ priority: 0, degraded: false });
    expect(choosePriority(deg, 44)).toEqual({ priority: 0, degraded: true });
  });
});
