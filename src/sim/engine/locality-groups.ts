/**
 * An istiod's known endpoints grouped by locality label, as istiod's endpoint builder groups them
 * (endpoint-builder.ts groupByLocality: labels sorted, each group in discovery order), kept between
 * pushes: a pod change rebuilds its own label's group only, and an unchanged group keeps its list
 * object, by which the network view cache knows it (network-view-cache.ts). Every istiod of a
 * simulation starts from the same ready pods, so they start from one shared grouping and copy a
 * label's pods only when they change them.
 */
import type { GroupedEndpoints } from '../istiod/endpoint-builder.js';
import type { RawGroup } from '../istiod/network-filter.js';
import type { IstioEndpoint } from '../xds-types.js';
import type { SimPod } from './world.js';

/** One label's pods (shared with other istiods while `owned` is false) and its group (undefined: to build again). */
interface LabelEntry {
  pods: SimPod[];
  owned: boolean;
  group: RawGroup | undefined;
}

/** The grouping of a list of ready pods, shared by every istiod that starts from that list. */
interface SharedStart {
  entries: ReadonlyMap<string, { pods: SimPod[]; group: RawGroup }>;
  grouped: GroupedEndpoints;
}

const sharedStarts = new WeakMap<readonly SimPod[], SharedStart>();

export class LocalityGroups {
  private grouped: GroupedEndpoints | undefined;

  private constructor(
    private readonly byLabel: Map<string, LabelEntry>,
    grouped: GroupedEndpoints | undefined,
  ) {
    this.grouped = grouped;
  }

  /** Groups of `pods`, all ready (their endpoints as they are), shared with every istiod starting from the same list. */
  static ofReady(pods: readonly SimPod[]): LocalityGroups {
    let start = sharedStarts.get(pods);
    if (start === undefined) {
      start = shareStart(pods);
      sharedStarts.set(pods, start);
    }
    const byLabel = new Map<string, LabelEntry>();
    for (const [label, e] of start.entries) byLabel.set(label, { pods: e.pods, owned: false, group: e.group });
    return new LocalityGroups(byLabel, start.grouped);
  }

  /** Groups of `pods` (their endpoints are chosen at `grouping`). */
  static of(pods: Iterable<SimPod>): LocalityGroups {
    const groups = new LocalityGroups(new Map(), undefined);
    for (const p of pods) groups.add(p);
    return groups;
  }

  /** A pod was added, replaced or changed readiness (its group is rebuilt at the next `grouping`). */
  add(pod: SimPod): void {
    const entry = this.entryFor(pod.localityLabel);
    const i = entry.pods.findIndex((p) => p.id === pod.id);
    if (i >= 0) entry.pods[i] = pod;
    else entry.pods.push(pod);
  }

  /** A pod object left (removed, or replaced by another object with its id). */
  remove(pod: SimPod): void {
    const label = pod.localityLabel;
    const known = this.byLabel.get(label);
    if (known === undefined || !known.pods.includes(pod)) return;
    const entry = this.entryFor(label);
    entry.pods.splice(entry.pods.indexOf(pod), 1);
    if (entry.pods.length === 0) this.byLabel.delete(label);
  }

  /** The groups in label order; `endpointOf` gives a pod's endpoint as istiod lists it (not-ready ones marked). */
  grouping(endpointOf: (pod: SimPod) => IstioEndpoint): GroupedEndpoints {
    if (this.grouped !== undefined) return this.grouped;
    const grouped: RawGroup[] = [];
    for (const label of [...this.byLabel.keys()].sort(compareLabels)) {
      const entry = this.byLabel.get(label)!;
      entry.group ??= groupOf(entry.pods, endpointOf);
      grouped.push(entry.group);
    }
    this.grouped = { grouped };
    return this.grouped;
  }

  /** The entry of a label about to change: its own copy of the pods, its group and the grouping dropped. */
  private entryFor(label: string): LabelEntry {
    let entry = this.byLabel.get(label);
    if (entry === undefined) {
      entry = { pods: [], owned: true, group: undefined };
      this.byLabel.set(label, entry);
    } else if (!entry.owned) {
      entry.pods = entry.pods.slice();
      entry.owned = true;
    }
    entry.group = undefined;
    this.grouped = undefined;
    return entry;
  }
}

function shareStart(pods: readonly SimPod[]): SharedStart {
  const byLabel = new Map<string, SimPod[]>();
  for (const p of pods) {
    const list = byLabel.get(p.localityLabel);
    if (list === undefined) byLabel.set(p.localityLabel, [p]);
    else list.push(p);
  }
  const entries = new Map<string, { pods: SimPod[]; group: RawGroup }>();
  const grouped: RawGroup[] = [];
  for (const label of [...byLabel.keys()].sort(compareLabels)) {
    const sorted = byLabel.get(label)!.sort(discoveryOrder);
    const group = groupOf(sorted, (p) => p.endpoint);
    entries.set(label, { pods: sorted, group });
    grouped.push(group);
  }
  return { entries, grouped: { grouped } };
}

function groupOf(pods: readonly SimPod[], endpointOf: (pod: SimPod) => IstioEndpoint): RawGroup {
  const endpoints = pods.slice().sort(discoveryOrder).map(endpointOf);
  return { locality: (endpoints[0] as IstioEndpoint).locality, endpoints };
}

function compareLabels(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Discovery order: clusters in mesh order, then workloads, then pod creation order. */
export function discoveryOrder(a: SimPod, b: SimPod): number {
  return a.deployment.cluster.index - b.deployment.cluster.index || a.deployment.workloadIndex - b.deployment.workloadIndex || a.ordinal - b.ordinal;
}
