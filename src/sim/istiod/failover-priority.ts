import type { IstioProfile } from '../istio-profile.js';
import { LABEL_NETWORK } from './labels.js';
import { compactPriorities, type WorkingGroup } from './working-group.js';

/** A parsed `failoverPriority` key: `name` compares with the proxy's label, `name=value` with the literal. */
interface PriorityKey {
  label: string;
  literal?: string;
}

/**
 * Split keys on `=`; only the two-part form carries a literal (a third part is ignored, as in Go).
 * Mirrors istio loadbalancer.go priorityLabelOverrides.
 */
function parseKeys(keys: readonly string[]): PriorityKey[] {
  return keys.map((k) => {
    const parts = k.split('=');
    const label = parts[0] ?? '';
    return parts.length === 2 ? { label, literal: parts[1] ?? '' } : { label };
  });
}

/**
 * Raw label priority of one endpoint: `N - j` for the first mismatching key j, 0 when all match.
 * From Istio 1.31 (commit b6787c1) a mismatching first key that is exactly
 * `topology.istio.io/network` does not stop evaluation: the remaining keys decide and N is added.
 */
export function labelPriority(
  keys: readonly string[],
  proxyLabels: Readonly<Record<string, string>>,
  endpointLabels: Readonly<Record<string, string>>,
  profile: IstioProfile,
): number {
  const parsed = parseKeys(keys);
  const n = keys.length;
  const networkRule = profile.networkFailoverPriorityRule && n > 0 && keys[0] === LABEL_NETWORK;
  let priority = 0;
  let adjust = 0;
  for (let j = 0; j < parsed.length; j++) {
    const key = parsed[j] as PriorityKey;
    const want = key.literal ?? proxyLabels[key.label] ?? '';
    if (want !== (endpointLabels[key.label] ?? '')) {
      if (j === 0 && networkRule) {
        adjust = n;
        continue;
      }
      priority = n - j;
      break;
    }
  }
  return priority + adjust;
}

/**
 * Assign priorities by `failoverPriority` labels: every locality group is split into one group per
 * distinct raw priority (ascending, weight = sum of its endpoints' weights), then priorities across
 * all groups are compacted. A client without labels leaves the groups untouched.
 * Mirrors istio loadbalancer.go applyFailoverPriorities / applyFailoverPriorityPerLocality.
 */
export function applyFailoverPriorities(
  groups: readonly WorkingGroup[],
  proxyLabels: Readonly<Record<string, string>>,
  keys: readonly string[],
  profile: IstioProfile,
): WorkingGroup[] {
  if (Object.keys(proxyLabels).length === 0 || groups.length === 0) return [...groups];
  const out: WorkingGroup[] = [];
  for (const g of groups) {
    const byPriority = new Map<number, number[]>();
    g.labels.forEach((labels, i) => {
      const p = labelPriority(keys, proxyLabels, labels, profile);
      const list = byPriority.get(p);
      if (list) list.push(i);
      else byPriority.set(p, [i]);
    });
    for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
      const idx = byPriority.get(p) ?? [];
      const endpoints = idx.map((i) => g.endpoints[i]).filter((e) => e !== undefined);
      const labels = idx.map((i) => g.labels[i]).filter((l) => l !== undefined);
      let weight = 0;
      for (const e of endpoints) weight += e.weight;
      out.push({ locality: g.locality, priority: p, weight, endpoints, labels });
    }
  }
  compactPriorities(out);
  return out;
}
