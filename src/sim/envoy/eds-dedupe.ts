/**
 * How Envoy's EDS cluster reads a ClusterLoadAssignment that lists one address more than once:
 * only the first copy (in assignment order, across localities and priorities) becomes a host, with
 * that copy's weight and in that copy's locality and priority; later copies are dropped. istiod
 * produces such assignments for multi-network meshes, one east-west gateway entry per remote
 * locality group (known Istio bug istio#56355; envoy#23445, envoy#22417).
 */
import type { ClusterLoadAssignment, LbEndpoint } from '../xds-types.js';

/**
 * `address:port`, the key Envoy compares (`address->asString()`). Formatted once per endpoint
 * object: an LbEndpoint is never changed once built, and istiod's cached groups hand the same
 * objects to every proxy on every push.
 */
const keyOf = new WeakMap<Pick<LbEndpoint, 'address' | 'port'>, string>();
export function hostAddressKey(ep: Pick<LbEndpoint, 'address' | 'port'>): string {
  let key = keyOf.get(ep);
  if (key === undefined) {
    key = `${ep.address}:${ep.port}`;
    keyOf.set(ep, key);
  }
  return key;
}

/**
 * The assignment as Envoy keeps it: later copies of an address removed from their groups (a group
 * left empty stays, with its locality weight, and gets no traffic). Returns the input itself when
 * nothing is duplicated.
 * Mirrors envoy source/extensions/clusters/eds/eds.cc BatchUpdateHelper::updateLocalityEndpoints
 * ("When the configuration contains duplicate hosts, only the first one will be retained.").
 */
export function dedupeAssignment(cla: ClusterLoadAssignment): ClusterLoadAssignment {
  if (!hasDuplicateAddress(cla)) return cla;
  const seen = new Set<string>();
  return {
    groups: cla.groups.map((g) => ({
      ...g,
      endpoints: g.endpoints.filter((ep) => {
        const key = hostAddressKey(ep);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
    })),
  };
}

/** Addresses listed more than once, each with every copy's group index, priority and weight. */
export function duplicateAddresses(cla: ClusterLoadAssignment): Array<{ key: string; id: string; copies: Array<{ group: number; priority: number; weight: number }> }> {
  const byKey = new Map<string, { key: string; id: string; copies: Array<{ group: number; priority: number; weight: number }> }>();
  cla.groups.forEach((g, gi) => {
    for (const ep of g.endpoints) {
      const key = hostAddressKey(ep);
      const entry = byKey.get(key) ?? { key, id: ep.id, copies: [] };
      entry.copies.push({ group: gi, priority: g.priority, weight: ep.weight });
      byKey.set(key, entry);
    }
  });
  return [...byKey.values()].filter((e) => e.copies.length > 1);
}

/** Whether any address is listed twice (the details only when so). */
function hasDuplicateAddress(cla: ClusterLoadAssignment): boolean {
  // A client proxy finds duplicates as it places hosts (client-proxy.ts placeGroups) and comes
  // here only when there is one; this is the check for the other callers.
  const seen = new Set<string>();
  for (const g of cla.groups) {
    for (const ep of g.endpoints) {
      const key = hostAddressKey(ep);
      if (seen.has(key)) return true;
      seen.add(key);
    }
  }
  return false;
}
