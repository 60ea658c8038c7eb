/**
 * A client-side Envoy for one upstream cluster (the scenario's service): the hosts EDS gave it,
 * their priorities and localities, outlier detection, and the pick of a host for each attempt.
 * The maths is the model's (src/sim/envoy/*); this class keeps the runtime state and rebuilds the
 * derived structures (health, priority loads, selectors) whenever EDS, CDS or host health changes.
 */
import type { Locality } from '../../model/locality.js';
import { dedupeAssignment, hostAddressKey } from '../envoy/eds-dedupe.js';
import { createHostSelector, isStatelessSelector, type HostSelector } from '../envoy/host-selector.js';
import { createLocalityPicker, type LocalityPicker } from '../envoy/locality-wrr.js';
import { HostMonitor, OutlierDetector, type LocalOriginResult } from '../envoy/outlier-detector.js';
import { choosePriority, computePriorityLoads } from '../envoy/priority-load.js';
import { chooseHostWithRetryPredicate } from '../envoy/retry.js';
import type { Rng } from '../rng.js';
import type { ClusterConfig, ClusterLoadAssignment, LbEndpoint, PriorityLoads, ProxyView } from '../xds-types.js';

/**
 * A host as this Envoy holds it. An address listed in several groups is one host, in the first group
 * that lists it, with that copy's weight (dedupeAssignment, envoy eds.cc).
 */
export class RtHost {
  readonly key: string;
  readonly kind: LbEndpoint['kind'];
  /** Pod id (direct) or gateway id. */
  readonly target: string;
  readonly cluster: string;
  readonly locality: Locality;
  weight: number;
  activeRequests = 0;
  /** EDS `health_status: UNHEALTHY` (a not-ready pod istiod sends from 1.31): never picked unless in panic. */
  edsUnhealthy = false;
  monitor: HostMonitor | undefined;
  /** Stamp of the last EDS that listed the host. */
  seenInAssignment = 0;
  /**
   * Data-path cache filled by the engine on first use: the pod or gateway object behind the host
   * and the one-way delay from the client to it (the client never moves).
   */
  targetRef: unknown = undefined;
  hopUs = -1;
  /** The client's idle upstream connections to this host, per worker thread (connections.ts). */
  connPools: unknown = undefined;
  /** `connPools[0]` and `connPools[1]`, one load closer on every attempt. */
  pool0: unknown = undefined;
  pool1: unknown = undefined;

  constructor(ep: LbEndpoint, locality: Locality) {
    this.key = `${ep.address}:${ep.port}`;
    this.kind = ep.kind;
    this.target = ep.id;
    this.cluster = ep.cluster;
    this.locality = locality;
    this.weight = ep.weight;
  }

  get ejected(): boolean {
    return this.monitor !== undefined && this.monitor.ejected;
  }

  /** Healthy for Envoy's load maths and picks: listed healthy and not ejected. */
  get healthy(): boolean {
    return !this.edsUnhealthy && !this.ejected;
  }
}

interface LocalityState {
  weight: number;
  hosts: RtHost[];
  healthy: RtHost[];
  healthySelector: HostSelector;
}

interface PriorityState {
  hosts: RtHost[];
  healthy: RtHost[];
  localities: LocalityState[];
  healthySelector: HostSelector;
  allSelector: HostSelector;
  localityPickerHealthy: LocalityPicker | undefined;
}

/** What happened to one attempt, as the outlier detector is told. */
export type AttemptReport =
  | { kind: 'http'; status: number }
  | { kind: 'local'; result: LocalOriginResult };

export class ClientProxy {
  readonly view: ProxyView;
  config: ClusterConfig;
  private detector: OutlierDetector | undefined;
  private readonly strictMaxEjection: boolean;
  private readonly rng: Rng;
  private hosts = new Map<string, RtHost>();
  /**
   * One load balancer per Envoy worker thread: each worker builds its own LB over the shared host
   * set (envoy source/common/upstream/cluster_manager_impl.cc ThreadLocalClusterManagerImpl::
   * ClusterEntry creates `lb_` per worker from the thread-local priority set), so ROUND_ROBIN
   * positions, EDF schedules and the locality picker advance per worker. Host stats (rq_active,
   * which LEAST_REQUEST reads) and outlier state are per host, shared by every worker.
   */
  private readonly workers: number;
  private byWorker: PriorityState[][] = [];
  private priorities: PriorityState[] = [];
  private loads: PriorityLoads = emptyLoads();
  /**
   * The priority that takes 100% of the healthy load, or −1 when the load is split: then every
   * hash picks it, so the pick skips the hash draw (the choice is the same, the RNG stream shorter).
   */
  private wholePriority = -1;
  /**
   * Per worker, the priority every pick goes to when the pick needs no draw but the host's: one
   * priority takes the whole load, it is not in panic and no locality weighting applies. Then
   * `pick` goes straight to its healthy hosts' selector (what `pickOnce` would do, minus its
   * branches on the per-request path). Undefined otherwise.
   */
  private direct: Array<PriorityState | undefined> = [];
  /**
   * The assignment's non-empty groups by priority, as hosts (what `rebuild` starts from): set by
   * each EDS update, so the rebuilds that health changes cause (ejections, un-ejections, CDS) do not
   * look every endpoint up again.
   */
  private groupsByPriority: HostGroup[][] = [];
  private assignmentStamp = 0;
  /**
   * The last assignment's groups, in its order: each group's endpoint list and the hosts built from
   * it. istiod hands a locality group that did not change over as the same list object (its
   * locality-groups and network-view caches), so the next update reuses those hosts instead of
   * building a new list per group per push: with 50 clients the lists, kept until the next push,
   * were a quarter of what survived the young generation.
   */
  private lastLists: Array<readonly LbEndpoint[]> = [];
  private lastGroups: HostGroup[] = [];
  /** The buffers the next update fills (swapped with `lastLists`/`lastGroups` after it). */
  private nextLists: Array<readonly LbEndpoint[]> = [];
  private nextGroups: HostGroup[] = [];
  /** Whether the pass `placeGroups` broke off at a duplicated address had added or changed a host. */
  private changedBeforeDuplicate = false;
  /**
   * Per priority, its hosts and healthy hosts as the last rebuild made them, with the group lists
   * they were made from: a rebuild whose groups and health did not change there (most of them,
   * since a push usually changes one locality) keeps the same lists.
   */
  private sets: PrioritySet[] = [];
  /**
   * The last selector built per worker, priority and kind ('healthy' or 'all'), with the list it was
   * built over: a stateless one (isStatelessSelector) over the same list is kept by the next rebuild.
   */
  private selectors: Array<{ hosts: readonly RtHost[]; policy: ClusterConfig['lbPolicy']; selector: HostSelector } | undefined> = [];
  /**
   * Round-robin positions per host source (priority, healthy/all, locality), kept across rebuilds:
   * Envoy's RoundRobinLoadBalancer keeps `rr_indexes_` when the host set changes (round_robin_lb.h).
   */
  private readonly rrCursors = new Map<string, { next: number }>();
  /** Hosts already tried by the request being picked for (previous_hosts predicate). */
  private tried: readonly RtHost[] = [];
  private picked: RtHost | undefined;
  /** Whether the priority of the last pick was in panic (for invariant checks). */
  lastPickInPanic = false;
  private readonly pickOnceFn = (): number => {
    this.picked = this.pickOnce();
    return this.picked === undefined ? -1 : 0;
  };
  private readonly rejectFn = (): boolean => this.picked !== undefined && this.tried.includes(this.picked);

  constructor(view: ProxyView, config: ClusterConfig, opts: { strictMaxEjectionPercent: boolean; rng: Rng; workers?: number }) {
    this.view = view;
    this.workers = opts.workers ?? 1;
    this.config = config;
    this.strictMaxEjection = opts.strictMaxEjectionPercent;
    this.rng = opts.rng;
    this.detector = this.newDetector();
  }

  /** True when outlier detection is configured (the engine then runs the interval timer). */
  get outlierIntervalUs(): number | undefined {
    return this.detector?.intervalUs;
  }

  /** Hosts currently known (for observations and tests). */
  get hostList(): readonly RtHost[] {
    return [...this.hosts.values()];
  }

  get priorityLoads(): PriorityLoads {
    return this.loads;
  }

  /**
   * CDS update (a DestinationRule change): Envoy builds a new cluster, so outlier state starts
   * afresh; hosts and their in-flight counts carry over.
   */
  applyConfig(config: ClusterConfig): void {
    this.config = config;
    this.detector = this.newDetector();
    for (const h of this.hosts.values()) h.monitor = this.detector?.addHost(h.key);
    this.rebuild();
  }

  /**
   * EDS update: hosts added keep fresh outlier state, hosts kept keep theirs, hosts gone are dropped.
   * A duplicated address is kept once, as its first copy (dedupeAssignment). Returns true when the
   * host set or a host's EDS health changed (what the engine observes as an EDS update).
   */
  applyAssignment(assignment: ClusterLoadAssignment): boolean {
    // An address listed twice shows as a host this update placed already: the update then starts
    // over from the assignment as Envoy keeps it (dedupeAssignment), keeping what the first pass
    // changed (the hosts it added are first copies, which the kept assignment lists too). So the
    // usual update, without duplicates, checks for them at no cost.
    let placed = this.placeGroups(assignment, ++this.assignmentStamp);
    let changed = false;
    if (placed === PLACED_DUPLICATE) {
      changed = this.changedBeforeDuplicate;
      placed = this.placeGroups(dedupeAssignment(assignment), ++this.assignmentStamp);
    }
    if (placed === PLACED_CHANGED) changed = true;
    const stamp = this.assignmentStamp;
    // Values, not entries: an entry iterator allocates a pair per host on every EDS update.
    for (const h of this.hosts.values()) {
      if (h.seenInAssignment === stamp) continue;
      if (h.monitor !== undefined) this.detector?.removeHost(h.monitor);
      h.monitor = undefined;
      this.hosts.delete(h.key);
      changed = true;
    }
    this.rebuild();
    return changed;
  }

  /**
   * Places the assignment's groups as hosts (by priority, for `rebuild`), marking each host with
   * `stamp`. Returns PLACED_DUPLICATE as soon as an address comes a second time (what the pass
   * changed until then is in `changedBeforeDuplicate`), else whether a host was added or changed
   * its EDS health.
   */
  private placeGroups(cla: ClusterLoadAssignment, stamp: number): number {
    let changed = false;
    // Each priority's list is refilled in place: nothing but `rebuild` reads it.
    const byPriority = this.groupsByPriority;
    for (const list of byPriority) if (list !== undefined) list.length = 0;
    const lastLists = this.lastLists;
    const lastGroups = this.lastGroups;
    const nextLists = this.nextLists;
    const nextGroups = this.nextGroups;
    // Groups come in a stable order, so the last assignment is walked alongside this one: a group
    // gone or added skips ahead or misses, without a lookup table per update.
    let from = 0;
    let priorities = 0;
    for (let gi = 0; gi < cla.groups.length; gi++) {
      const g = cla.groups[gi]!;
      let group: HostGroup | undefined;
      for (let j = from; j < lastLists.length; j++) {
        if (lastLists[j] !== g.endpoints) continue;
        // The same endpoint objects as last time (an LbEndpoint is never changed once built): the
        // same hosts, with the same weights and EDS health; every one of them is still held, since
        // only hosts missing from an assignment are dropped.
        const last = lastGroups[j]!;
        for (const h of last.hosts) {
          if (h.seenInAssignment === stamp) return this.duplicateAfter(changed);
          h.seenInAssignment = stamp;
        }
        group = last.weight === g.weight ? last : { weight: g.weight, hosts: last.hosts };
        from = j + 1;
        break;
      }
      if (group === undefined) {
        const hosts: RtHost[] = [];
        for (const ep of g.endpoints) {
          const key = hostAddressKey(ep);
          let h = this.hosts.get(key);
          if (h === undefined) {
            h = new RtHost(ep, g.locality);
            h.monitor = this.detector?.addHost(key);
            this.hosts.set(key, h);
            changed = true;
          } else {
            if (h.seenInAssignment === stamp) return this.duplicateAfter(changed);
            h.weight = ep.weight;
          }
          const unhealthy = ep.unhealthy === true;
          if (h.edsUnhealthy !== unhealthy) changed = true;
          h.edsUnhealthy = unhealthy;
          h.seenInAssignment = stamp;
          hosts.push(h);
        }
        group = { weight: g.weight, hosts };
      }
      nextLists[gi] = g.endpoints;
      nextGroups[gi] = group;
      if (group.hosts.length > 0) {
        (byPriority[g.priority] ??= []).push(group);
        if (g.priority >= priorities) priorities = g.priority + 1;
      }
    }
    // Priorities above the last one with hosts are dropped, as they were never listed.
    byPriority.length = priorities;
    nextLists.length = cla.groups.length;
    nextGroups.length = cla.groups.length;
    this.lastLists = nextLists;
    this.lastGroups = nextGroups;
    this.nextLists = lastLists;
    this.nextGroups = lastGroups;
    return changed ? PLACED_CHANGED : PLACED_UNCHANGED;
  }

  /** What `placeGroups` returns on a duplicated address, keeping whether it had changed a host. */
  private duplicateAfter(changed: boolean): number {
    this.changedBeforeDuplicate = changed;
    return PLACED_DUPLICATE;
  }

  /**
   * Pick a host for an attempt, avoiding hosts this request already tried (previous_hosts, up to
   * `maxSelectionAttempts + 1` picks, the last used anyway). Undefined: no host (local 503).
   */
  pick(tried: readonly RtHost[], maxSelectionAttempts: number, worker = 0): RtHost | undefined {
    if (tried.length === 0) {
      const p = this.direct[worker];
      if (p !== undefined) {
        this.lastPickInPanic = false;
        const i = p.healthySelector.pick();
        return i < 0 ? undefined : p.healthy[i];
      }
    }
    this.priorities = this.byWorker[worker] ?? [];
    this.tried = tried;
    this.picked = undefined;
    if (tried.length === 0) return this.pickOnce();
    chooseHostWithRetryPredicate(this.pickOnceFn, this.rejectFn, maxSelectionAttempts);
    return this.picked;
  }

  /** Report an attempt's outcome to outlier detection; true when a host's health changed. */
  report(host: RtHost, r: AttemptReport, nowUs: number): boolean {
    const m = host.monitor;
    if (m === undefined || this.detector === undefined || m.removed) return false;
    const ejected =
      r.kind === 'http' ? this.detector.reportHttpStatus(m, r.status, nowUs) : this.detector.reportLocalOrigin(m, r.result, nowUs);
    if (ejected) this.rebuild();
    return ejected;
  }

  /** Outlier detection interval timer; returns the hosts un-ejected now. */
  tick(nowUs: number): string[] {
    if (this.detector === undefined) return [];
    const back = this.detector.tick(nowUs);
    if (back.length === 0) return [];
    const keys = back.map((m) => m.key);
    this.rebuild();
    return keys;
  }

  private newDetector(): OutlierDetector | undefined {
    return this.config.outlier === undefined
      ? undefined
      : new OutlierDetector(this.config.outlier, { strictMaxEjectionPercent: this.strictMaxEjection, rng: this.rng });
  }

  private pickOnce(): RtHost | undefined {
    const n = this.priorities.length;
    if (n === 0) return undefined;
    const priority = this.wholePriority >= 0 ? this.wholePriority : choosePriority(this.loads, (this.rng.u32() % 100) + 1).priority;
    const p = this.priorities[priority];
    if (p === undefined) return undefined;
    const panic = this.loads.inPanic[priority] === true;
    this.lastPickInPanic = panic;
    if (panic) {
      // A priority in panic picks from all its hosts before any locality pick: locality weights do
      // not apply (envoy load_balancer_impl.cc ZoneAwareLoadBalancerBase::hostSourceToUse, AllHosts).
      const i = p.allSelector.pick();
      return i < 0 ? undefined : p.hosts[i];
    }
    if (this.config.localityWeighted && p.localities.length > 1) {
      const picker = p.localityPickerHealthy;
      const li = picker === undefined ? -1 : picker.pick();
      const loc = li >= 0 ? p.localities[li] : undefined;
      if (loc !== undefined) {
        const i = loc.healthySelector.pick();
        return i < 0 ? undefined : loc.healthy[i];
      }
    }
    const i = p.healthySelector.pick();
    return i < 0 ? undefined : p.healthy[i];
  }

  /**
   * A host selector for one host source of one worker; ROUND_ROBIN keeps that source's position
   * across rebuilds. `source` names the source (`sourceKey`); it is formatted only for ROUND_ROBIN.
   */
  private selector(hosts: readonly RtHost[], worker: number, priority: number, kind: string, locality = -1): HostSelector {
    if (this.config.lbPolicy !== 'ROUND_ROBIN') {
      // What createHostSelector gives for no host or one (no draw): one shared object instead of a closure per rebuild.
      if (hosts.length === 0) return NO_HOST;
      if (hosts.length === 1) return ONLY_HOST;
      return createHostSelector(this.config.lbPolicy, hosts, this.rng);
    }
    const source = sourceKey(worker, priority, kind, locality);
    let cursor = this.rrCursors.get(source);
    if (cursor === undefined) {
      cursor = { next: this.rng.u32() };
      this.rrCursors.set(source, cursor);
    }
    return createHostSelector('ROUND_ROBIN', hosts, this.rng, { roundRobinCursor: cursor });
  }

  /** Recompute per-priority health, loads and selectors (mirrors Envoy's priority set update callbacks). */
  private rebuild(): void {
    const byPriority = this.groupsByPriority;
    const sets = this.prioritySets(byPriority);
    const opf = this.config.overprovisioningFactor;
    this.byWorker = [];
    for (let w = 0; w < this.workers; w++) this.byWorker.push(this.buildWorker(byPriority, sets, w, opf));
    this.priorities = this.byWorker[0] ?? [];
    const shared = this.priorities;
    this.loads =
      shared.length === 0
        ? emptyLoads()
        : computePriorityLoads(
            shared.map((p) => ({ total: p.hosts.length, healthy: p.healthy.length })),
            opf,
            this.config.healthyPanicThresholdPct,
          );
    this.wholePriority = this.loads.healthy.indexOf(100);
    const whole = this.wholePriority;
    const weighted = this.config.localityWeighted;
    this.direct = this.byWorker.map((priorities) => {
      const p = whole >= 0 ? priorities[whole] : undefined;
      if (p === undefined || this.loads.inPanic[whole] === true || (weighted && p.localities.length > 1)) return undefined;
      return p;
    });
  }

  /**
   * Each priority's hosts (its groups' lists in order) and healthy hosts, shared by every worker.
   * Host lists are never changed once built, so a priority whose groups and health are as they were
   * keeps its lists, a list with every host healthy stands for its healthy list, and a priority of
   * one locality shares that locality's list.
   */
  private prioritySets(byPriority: readonly HostGroup[][]): PrioritySet[] {
    const sets = this.sets;
    for (let pi = 0; pi < byPriority.length; pi++) {
      const groups = byPriority[pi] ?? [];
      const s = sets[pi];
      if (s === undefined || !sameHostLists(s.lists, groups)) {
        const hosts = groups.length === 1 ? groups[0]!.hosts : concatHosts(groups);
        sets[pi] = { lists: groups.map((g) => g.hosts), hosts, healthy: healthyOf(hosts) };
      } else if (!healthyUnchanged(s.hosts, s.healthy)) {
        s.healthy = healthyOf(s.hosts);
      }
    }
    sets.length = byPriority.length;
    return sets;
  }

  /** One worker's LB state over the shared host set (its own selectors and locality picker). */
  private buildWorker(byPriority: readonly HostGroup[][], sets: readonly PrioritySet[], worker: number, opf: number): PriorityState[] {
    const out: PriorityState[] = [];
    for (let pi = 0; pi < byPriority.length; pi++) {
      const groups = byPriority[pi] ?? [];
      const weighted = this.config.localityWeighted && groups.length > 1;
      // Locality states are read only by a locality-weighted pick. Without one, each locality's
      // selector is only the RNG draw its build makes (keeping the stream as it was), not built.
      const keepLocalities = weighted || this.config.lbPolicy === 'ROUND_ROBIN';
      const localities: LocalityState[] = [];
      for (let li = 0; li < groups.length; li++) {
        const g = groups[li]!;
        if (keepLocalities) {
          const lh = healthyOf(g.hosts);
          localities.push({ weight: g.weight, hosts: g.hosts, healthy: lh, healthySelector: this.selector(lh, worker, pi, 'locality-healthy', li) });
        } else if (selectorDrawsSeed(this.config.lbPolicy, healthyCount(g.hosts))) this.rng.u32();
      }
      const { hosts, healthy } = sets[pi]!;
      out.push({
        hosts,
        healthy,
        localities,
        healthySelector: this.sourceSelector(healthy, worker, pi, 0),
        allSelector: this.sourceSelector(hosts, worker, pi, 1),
        localityPickerHealthy: weighted
          ? createLocalityPicker(
              localities.map((l) => ({ weight: l.weight, eligibleHosts: l.healthy.length, hostCount: l.hosts.length })),
              opf,
            )
          : undefined,
      });
    }
    return out;
  }

  /**
   * The selector of a priority's healthy (`kind` 0) or all (1) hosts for one worker. A stateless
   * selector (isStatelessSelector) built by the last rebuild over this same list picks as a new one
   * would, so it is kept; only the seed draw a build makes is made, keeping the RNG stream as it was.
   */
  private sourceSelector(hosts: readonly RtHost[], worker: number, priority: number, kind: 0 | 1): HostSelector {
    const policy = this.config.lbPolicy;
    if (policy === 'ROUND_ROBIN' || hosts.length < 2) return this.selector(hosts, worker, priority, kind === 0 ? 'healthy' : 'all');
    const slot = (priority * this.workers + worker) * 2 + kind;
    const last = this.selectors[slot];
    if (last !== undefined && last.hosts === hosts && last.policy === policy && isStatelessSelector(policy, hosts)) {
      if (selectorDrawsSeed(policy, hosts.length)) this.rng.u32();
      return last.selector;
    }
    const selector = createHostSelector(policy, hosts, this.rng);
    this.selectors[slot] = { hosts, policy, selector };
    return selector;
  }
}

/**
 * Whether createHostSelector draws its seed from the RNG when built over `hosts` hosts (host-selector.ts:
 * one draw, except for no host, one host, or RANDOM). test/sim/engine/client-proxy-draws.test.ts
 * holds the two to the same count.
 */
export function selectorDrawsSeed(policy: ClusterConfig['lbPolicy'], hosts: number): boolean {
  return hosts >= 2 && policy !== 'RANDOM';
}

/** What `placeGroups` found. */
const PLACED_UNCHANGED = 0;
const PLACED_CHANGED = 1;
const PLACED_DUPLICATE = 2;

const NO_HOST: HostSelector = { pick: () => -1 };
const ONLY_HOST: HostSelector = { pick: () => 0 };

/** Every group's hosts in group order (a plain loop: Array.prototype.flatMap is a slow generic builtin in V8). */
function concatHosts(groups: readonly HostGroup[]): RtHost[] {
  const out: RtHost[] = [];
  for (const g of groups) for (const h of g.hosts) out.push(h);
  return out;
}

/** A priority's hosts and healthy hosts, and the group lists its hosts were made from. */
interface PrioritySet {
  lists: RtHost[][];
  hosts: RtHost[];
  healthy: RtHost[];
}

/** Whether a priority's groups list the same host lists, in the same order, as `lists`. */
function sameHostLists(lists: readonly RtHost[][], groups: readonly HostGroup[]): boolean {
  if (lists.length !== groups.length) return false;
  for (let i = 0; i < lists.length; i++) if (lists[i] !== groups[i]!.hosts) return false;
  return true;
}

/** Whether `healthy` is still exactly the healthy hosts of `hosts`, in order (no list built to check). */
function healthyUnchanged(hosts: readonly RtHost[], healthy: readonly RtHost[]): boolean {
  let j = 0;
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i]!;
    if (!h.healthy) continue;
    if (healthy[j] !== h) return false;
    j++;
  }
  return j === healthy.length;
}

/** How many hosts of a list are healthy. */
function healthyCount(hosts: readonly RtHost[]): number {
  let n = 0;
  for (let i = 0; i < hosts.length; i++) if (hosts[i]!.healthy) n++;
  return n;
}

/** The healthy hosts of a list: the list itself when every host is healthy. */
function healthyOf(hosts: RtHost[]): RtHost[] {
  for (let i = 0; i < hosts.length; i++) if (!hosts[i]!.healthy) return hosts.filter((h) => h.healthy);
  return hosts;
}

/** One locality group of the assignment as hosts. */
interface HostGroup {
  weight: number;
  hosts: RtHost[];
}

/** Name of a host source, the key of its round-robin position: `[w<worker>/]<priority>/<kind>[/<locality>]`. */
function sourceKey(worker: number, priority: number, kind: string, locality: number): string {
  const prefix = worker === 0 ? '' : `w${worker}/`;
  return locality < 0 ? `${prefix}${priority}/${kind}` : `${prefix}${priority}/${kind}/${locality}`;
}

function emptyLoads(): PriorityLoads {
  return { healthy: [], degraded: [], inPanic: [], totalPanic: false, normalizedTotalHealth: 0 };
}
