/**
 * Host choice inside the hosts Envoy picked from (a priority's healthy hosts, a locality's, or all
 * hosts of a priority in panic).
 */
import { indexBelow, type Rng } from '../rng.js';
import type { ClusterConfig } from '../xds-types.js';
import { EdfScheduler } from './edf-scheduler.js';

/** A host as the selector reads it; `activeRequests` is read live at every pick. */
export interface SelectableHost {
  /** Envoy LB weight (≥ 1). */
  readonly weight: number;
  /** Requests in flight to this host (Envoy `rq_active`). */
  readonly activeRequests: number;
}

/** Picks an index into the hosts it was built over; -1 when there are none. Allocation-free. */
export interface HostSelector {
  pick(): number;
}

/** Optional state that survives selector rebuilds. */
export interface HostSelectorOptions {
  /**
   * Envoy's per-LB `seed_`: pre-picks of a weighted EDF schedule and the round-robin start.
   * Default: one draw from `rng` at build time.
   */
  seed?: number;
  /** Round-robin position kept across rebuilds (Envoy keeps rr_indexes_ per host source). */
  roundRobinCursor?: { next: number };
}

/**
 * A selector for one host set. Rebuild it whenever the set or its health changes.
 * - LEAST_REQUEST, equal weights: two uniform samples with replacement, the one with fewer active
 *   requests wins, ties keep the first (choice_count 2);
 * - LEAST_REQUEST, unequal weights: EDF on `weight / (active + 1)` (active_request_bias 1.0), the
 *   weight recomputed when the picked host is re-added;
 * - ROUND_ROBIN: equal weights rotate through the list; unequal: EDF on the static weights;
 * - RANDOM: uniform, weights ignored.
 * Mirrors envoy load_balancer_impl.cc EdfLoadBalancerBase (refresh, chooseHostOnce),
 * least_request_lb.cc (unweightedHostPick, hostWeight), round_robin_lb.h, random_lb.cc.
 */
export function createHostSelector(
  policy: ClusterConfig['lbPolicy'],
  hosts: readonly SelectableHost[],
  rng: Rng,
  opts: HostSelectorOptions = {},
): HostSelector {
  const n = hosts.length;
  if (n === 0) return { pick: () => -1 };
  if (n === 1) return { pick: () => 0 };
  if (policy === 'RANDOM') return { pick: () => indexBelow(rng.u32(), n) };
  const seed = opts.seed ?? rng.u32();
  if (weightsEqual(hosts)) {
    if (policy === 'ROUND_ROBIN') {
      const cursor = opts.roundRobinCursor ?? { next: seed };
      return {
        pick: () => {
          const i = cursor.next % n;
          cursor.next = (cursor.next + 1) % 4294967296;
          return i;
        },
      };
    }
    return {
      pick: () => {
        let candidate = indexBelow(rng.u32(), n);
        const sampled = indexBelow(rng.u32(), n);
        if ((hosts[sampled] as SelectableHost).activeRequests < (hosts[candidate] as SelectableHost).activeRequests) {
          candidate = sampled;
        }
        return candidate;
      },
    };
  }
  const weightOf =
    policy === 'LEAST_REQUEST'
      ? (i: number) => {
          const h = hosts[i] as SelectableHost;
          return h.weight / (h.activeRequests + 1);
        }
      : (i: number) => (hosts[i] as SelectableHost).weight;
  // The schedule is made on the first pick, from the weights as they were when the selector was
  // built: the schedule a build would have made then. A selector is rebuilt on every EDS update and
  // health change, and those of a priority that takes no load are never picked from (with 50
  // clients, their EDF schedules were most of what an EDS update allocated).
  const built = new Float64Array(n);
  for (let i = 0; i < n; i++) built[i] = weightOf(i);
  let scheduler: EdfScheduler | undefined;
  return {
    pick: () => {
      scheduler ??= EdfScheduler.create(n, (i) => built[i]!, seed);
      return scheduler.pick(weightOf);
    },
  };
}

/**
 * Whether the selector createHostSelector builds over `hosts` keeps no state of its own between
 * picks: LEAST_REQUEST over equal weights (two samples, rq_active read live) and RANDOM. Such a
 * selector built over the same list picks as a new one would (given the same RNG draws).
 */
export function isStatelessSelector(policy: ClusterConfig['lbPolicy'], hosts: readonly SelectableHost[]): boolean {
  if (hosts.length < 2) return true;
  return policy === 'RANDOM' || (policy === 'LEAST_REQUEST' && weightsEqual(hosts));
}

/** Envoy hostWeightsAreEqual (static weights). */
function weightsEqual(hosts: readonly SelectableHost[]): boolean {
  const w = (hosts[0] as SelectableHost).weight;
  for (let i = 1; i < hosts.length; i++) if ((hosts[i] as SelectableHost).weight !== w) return false;
  return true;
}
