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

/**
 * Addresses as small integers (interned on first sight), and the check number at which each was
 * last seen: the duplicate check every EDS update makes (50 per push with 50 clients) compares
 * numbers in one table instead of filling a new set of strings.
 */
const addressIds = new Map<string, number>();
const idOf = new WeakMap<Pick<LbEndpoint, 'address' | 'port'>, number>();
let seenAt = new Float64Array(1024);
let check = 0;

function addressId(ep: Pick<LbEndpoint, 'address' | 'port'>): number {
  let id = idOf.get(ep);
  if (id === undefined) {
    const key = hostAddressKey(ep);
    id = addressIds.get(key);
    if (id === undefined) {
      id = addressIds.size;
      addressIds.set(key, id);
      if (id >= seenAt.length) {
        const bigger = new Float64Array(seenAt.length * 2);
        bigger.set(seenAt);
        seenAt = bigger;
      }
    }
    idOf.set(ep, id);
  }
  return id;
}

/** Whether any address is listed twice (the check every EDS update makes; the details only when so). */
function hasDuplicateAddress(cla: ClusterLoadAssignment): boolean {
  const now = ++check;
  for (const g of cla.groups) {
    for (const ep of g.endpoints) {
      const id = addressId(ep);
      if (seenAt[id] === now) return true;
      seenAt[id] = now;
    }
  }
  return false;
}
