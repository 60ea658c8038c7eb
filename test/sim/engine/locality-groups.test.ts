import { describe, expect, it } from 'vitest';
import { formatLocality, parseLocality } from '../../../src/model/locality.js';
import { discoveryOrder, LocalityGroups } from '../../../src/sim/engine/locality-groups.js';
import type { SimPod } from '../../../src/sim/engine/world.js';
import { groupByLocality } from '../../../src/sim/istiod/endpoint-builder.js';
import { endpoint } from '../model/helpers.js';

/** The fields of a pod the grouping reads. */
function pod(id: string, cluster: number, ordinal: number, locality: string): SimPod {
  const l = parseLocality(locality);
  return { id, endpoint: endpoint(id, { locality: l }), deployment: { cluster: { index: cluster }, workloadIndex: 0 }, ordinal, localityLabel: formatLocality(l) } as unknown as SimPod;
}

/** What the endpoint builder would group from the pods in discovery order (the reference). */
function reference(pods: readonly SimPod[]) {
  return groupByLocality(pods.slice().sort(discoveryOrder).map((p) => p.endpoint));
}

describe('LocalityGroups', () => {
  const start = [pod('c', 1, 0, 'r2/z1/s1'), pod('a', 0, 1, 'r1/z1/s1'), pod('b', 0, 0, 'r1/z1/s1'), pod('d', 2, 0, 'r1/z2/s1')];

  it('groups as groupByLocality does, through additions, replacements and removals', () => {
    const groups = LocalityGroups.ofReady(start);
    expect(groups.grouping((p) => p.endpoint).grouped).toEqual(reference(start));
    const known = new Map(start.map((p) => [p.id, p]));
    const steps: Array<['add' | 'remove', SimPod]> = [
      ['add', pod('e', 1, 1, 'r2/z1/s1')],
      ['remove', known.get('a')!],
      ['add', pod('f', 3, 0, 'r0/z1/s1')],
      ['remove', known.get('d')!],
    ];
    for (const [op, p] of steps) {
      if (op === 'add') {
        groups.add(p);
        known.set(p.id, p);
      } else {
        groups.remove(p);
        known.delete(p.id);
      }
      expect(groups.grouping((q) => q.endpoint).grouped).toEqual(reference([...known.values()]));
    }
  });

  it('shares the starting groups between istiods until one changes them', () => {
    const one = LocalityGroups.ofReady(start);
    const two = LocalityGroups.ofReady(start);
    const before = two.grouping((p) => p.endpoint).grouped;
    expect(one.grouping((p) => p.endpoint).grouped).toBe(before);
    one.remove(start[0]!);
    const after = one.grouping((p) => p.endpoint).grouped;
    expect(after).toHaveLength(before.length - 1);
    // The other istiod still sees every pod, and unchanged groups keep their list objects.
    expect(two.grouping((p) => p.endpoint).grouped).toBe(before);
    expect(after[0]!.endpoints).toBe(before[0]!.endpoints);
  });
});
