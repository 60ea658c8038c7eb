/**
 * One istiod per cluster (multi-primary): it watches every cluster's EndpointSlices (its own after
 * `endpointUpdate`, remote ones after `endpointUpdate + remoteWatch`, through the remote secrets),
 * debounces the events (PILOT_DEBOUNCE_AFTER / _MAX) and pushes EDS/CDS to the proxies of its own
 * cluster: the scenario's client proxy and the cluster's east-west gateway. Each proxy therefore
 * changes only through this chain — pod change → EndpointSlice → istiod debounce → push.
 */
import type { DestinationRule } from '../../model/destination-rule.js';
import type { Mesh } from '../../model/mesh.js';
import type { IstioProfile } from '../istio-profile.js';
import { buildClusterConfig } from '../istiod/cluster-config.js';
import { Debouncer, type DebounceStep } from '../istiod/debounce.js';
import { buildClusterLoadAssignment, type GroupedEndpoints } from '../istiod/endpoint-builder.js';
import { gatewayForwardSet } from '../istiod/gateway-view.js';
import type { TrafficDistribution } from '../istiod/locality-lb.js';
import type { NetworkViewCache } from '../istiod/network-view-cache.js';
import type { ClusterConfig, ClusterLoadAssignment, IstioEndpoint, NetworkGateway } from '../xds-types.js';
import type { ClientProxy } from './client-proxy.js';
import type { ControlPlaneDelays } from './control-plane-delays.js';
import { discoveryOrder, LocalityGroups } from './locality-groups.js';
import type { EndpointState, SimCluster, SimGateway, SimPod, WorldScheduler } from './world.js';

/** What a push delivers to a client proxy. */
export interface ProxyUpdate {
  assignment: ClusterLoadAssignment;
  /** Present on full pushes (a DestinationRule change). */
  config?: ClusterConfig;
}

export interface IstiodHooks {
  /** The client proxy of this cluster received an update (the engine applies it and observes). */
  applyToClient(proxy: ClientProxy, update: ProxyUpdate, nowUs: number): void;
  /**
   * Push delay of a client proxy after this istiod's first: istiod sends each connected proxy its
   * own push (pilot/pkg/xds/pushqueue.go: one queue entry per connection), so each lands after its
   * own draw. The first proxy and the gateway share the push's own draw.
   */
  pushDelayUs?(proxy: ClientProxy): number;
}

export class Istiod {
  readonly cluster: SimCluster;
  private readonly mesh: Mesh;
  private readonly profile: IstioProfile;
  private readonly gateways: readonly NetworkGateway[];
  private readonly scheduler: WorldScheduler;
  private readonly hooks: IstiodHooks;
  private readonly debouncer: Debouncer;
  private readonly delays: ControlPlaneDelays;
  /** Listed endpoints of the scenario's service as this istiod currently knows them, by pod id. */
  private readonly known = new Map<string, SimPod>();
  /** Ids of known endpoints that are listed but not ready (istiod UnHealthy). */
  private readonly notReady = new Set<string>();
  private readonly trafficDistribution: TrafficDistribution | undefined;
  private destinationRule: DestinationRule | undefined;
  private configDirty = false;
  private readonly networkViews: NetworkViewCache | undefined;
  /** `known` in discovery order, until the set changes. */
  private sorted: SimPod[] | undefined;
  /**
   * Each not-ready endpoint's UNHEALTHY copy, one per endpoint object (a stable input for
   * networkViews): shared by every istiod when given, so two istiods listing the same pod not ready
   * list the same object, and the network view cache knows their groups as the same.
   */
  private readonly notReadyCopies: WeakMap<IstioEndpoint, IstioEndpoint>;
  /**
   * The known endpoints grouped by locality label (locality-groups.ts), built at the first EDS
   * build: an istiod without a client proxy never needs it.
   */
  private groups: LocalityGroups | undefined;
  /** The ready pods this istiod started from, while it has seen no change (they group alike in every istiod). */
  private start: readonly SimPod[] | undefined;
  /** Set by the engine: the scenario's client proxies that run in this cluster, in scenario order. */
  readonly clientProxies: ClientProxy[] = [];
  pushes = 0;

  constructor(opts: {
    cluster: SimCluster;
    mesh: Mesh;
    profile: IstioProfile;
    gateways: readonly NetworkGateway[];
    scheduler: WorldScheduler;
    hooks: IstiodHooks;
    delays: ControlPlaneDelays;
    destinationRule: DestinationRule | undefined;
    initialEndpoints: readonly SimPod[];
    trafficDistribution?: TrafficDistribution | undefined;
    /** Shared by every istiod of the simulation: builds of the same endpoint snapshot share their network view. */
    networkViews?: NetworkViewCache;
    /** Shared by every istiod of the simulation with `networkViews` (see `notReadyCopies`). */
    notReadyCopies?: WeakMap<IstioEndpoint, IstioEndpoint>;
  }) {
    this.networkViews = opts.networkViews;
    this.notReadyCopies = opts.notReadyCopies ?? new WeakMap();
    this.trafficDistribution = opts.trafficDistribution;
    this.cluster = opts.cluster;
    this.mesh = opts.mesh;
    this.profile = opts.profile;
    this.gateways = opts.gateways;
    this.scheduler = opts.scheduler;
    this.hooks = opts.hooks;
    this.delays = opts.delays;
    this.destinationRule = opts.destinationRule;
    this.debouncer = new Debouncer({
      debounceAfterUs: opts.mesh.controlPlane.debounceAfterUs,
      debounceMaxUs: opts.mesh.controlPlane.debounceMaxUs,
      enableEdsDebounce: true,
    });
    for (const p of opts.initialEndpoints) this.known.set(p.id, p);
    if (this.known.size === opts.initialEndpoints.length) this.start = opts.initialEndpoints;
  }

  /** The CDS this istiod would push now (the DestinationRule in force here). */
  clusterConfig(): ClusterConfig {
    return buildClusterConfig(this.destinationRule?.trafficPolicy, this.profile, undefined, this.trafficDistribution);
  }

  /** EDS for `proxy` from what this istiod knows right now. */
  assignmentFor(proxy: ClientProxy): ClusterLoadAssignment {
    return buildClusterLoadAssignment({
      proxy: proxy.view,
      endpoints: this.localityGroups(),
      gateways: this.gateways,
      trafficPolicy: this.destinationRule?.trafficPolicy,
      profile: this.profile,
      ...(this.trafficDistribution === undefined ? {} : { trafficDistribution: this.trafficDistribution }),
      networkViews: this.networkViews,
    });
  }

  /** The pods this cluster's east-west gateway forwards new connections to (istiod/gateway-view.ts). */
  gatewayView(): SimPod[] {
    const gw = this.cluster.gateway;
    const ready = this.sortedKnown().filter((p) => !this.notReady.has(p.id));
    if (gw === undefined) return [];
    const forward = gatewayForwardSet({
      gateway: { id: gw.gateway.id, cluster: this.cluster.spec.name, network: this.cluster.spec.network, locality: gw.locality },
      endpoints: ready.map((p) => p.endpoint),
      trafficPolicy: this.destinationRule?.trafficPolicy,
      profile: this.profile,
      trafficDistribution: this.trafficDistribution,
    });
    const ids = new Set(forward.map((e) => e.id));
    return ready.filter((p) => ids.has(p.id));
  }

  /** The EndpointSlice watch delivered a change of one endpoint. */
  endpointSeen(pod: SimPod, state: EndpointState, nowUs: number): void {
    const before = this.known.get(pod.id);
    if (state === 'removed') {
      if (this.known.delete(pod.id)) this.sorted = undefined;
    } else if (before !== pod) {
      this.known.set(pod.id, pod);
      this.sorted = undefined;
    }
    if (state === 'not-ready') this.notReady.add(pod.id);
    else this.notReady.delete(pod.id);
    this.start = undefined;
    // The group of the pod (and of the object it replaced) changes: membership or readiness.
    if (this.groups !== undefined) {
      if (before !== undefined) this.groups.remove(before);
      if (state !== 'removed') this.groups.add(pod);
    }
    this.act(this.debouncer.onEvent(nowUs, 'eds'), nowUs);
  }

  /** A DestinationRule change reached this istiod's config watch (a full push). */
  configSeen(dr: DestinationRule | undefined, nowUs: number): void {
    this.destinationRule = dr;
    this.configDirty = true;
    this.act(this.debouncer.onEvent(nowUs, 'full'), nowUs);
  }

  private act(step: DebounceStep, nowUs: number): void {
    if (step.action === 'arm-timer') {
      this.scheduler.at(step.atUs, (t) => this.act(this.debouncer.onTimer(t), t));
    } else if (step.action === 'push') {
      this.startPush(step, nowUs);
    }
  }

  /**
   * A push snapshots the state at its start and lands on the proxies `push` later; pushes never
   * overlap (the debouncer waits for pushDone).
   */
  private startPush(step: Extract<DebounceStep, { action: 'push' }>, nowUs: number): void {
    this.pushes++;
    const full = step.full || this.configDirty;
    // Each proxy gets the EDS istiod builds for it: its own locality's priorities and its own
    // network's view of remote endpoints (endpoint_builder.go keys the build on the proxy).
    const updates = this.clientProxies.map((proxy): ProxyUpdate => ({ assignment: this.assignmentFor(proxy), ...(full ? { config: this.clusterConfig() } : {}) }));
    this.configDirty = false;
    const gw: SimGateway | undefined = this.cluster.gateway;
    const gwView = gw === undefined ? undefined : this.gatewayView();
    const first = this.clientProxies[0];
    this.scheduler.at(nowUs + this.delays.pushUs(), (t) => {
      if (first !== undefined) this.hooks.applyToClient(first, updates[0] as ProxyUpdate, t);
      if (gw !== undefined && gwView !== undefined) gw.view = gwView;
      if (step.exclusive) this.act(this.debouncer.pushDone(t), t);
    });
    for (let i = 1; i < this.clientProxies.length; i++) {
      const proxy = this.clientProxies[i] as ClientProxy;
      const update = updates[i] as ProxyUpdate;
      this.scheduler.at(nowUs + (this.hooks.pushDelayUs?.(proxy) ?? 0), (t) => this.hooks.applyToClient(proxy, update, t));
    }
  }

  /**
   * Known endpoints grouped by locality label as groupByLocality groups them (labels sorted, each
   * group in discovery order), not-ready ones marked (the builder decides whether to send them).
   */
  private localityGroups(): GroupedEndpoints {
    this.groups ??= this.start !== undefined ? LocalityGroups.ofReady(this.start) : LocalityGroups.of(this.known.values());
    return this.groups.grouping(this.listedEndpoint);
  }

  private readonly listedEndpoint = (p: SimPod): IstioEndpoint => (this.notReady.has(p.id) ? this.notReadyCopy(p.endpoint) : p.endpoint);

  private notReadyCopy(e: IstioEndpoint): IstioEndpoint {
    let copy = this.notReadyCopies.get(e);
    if (copy === undefined) {
      copy = { ...e, healthy: false };
      this.notReadyCopies.set(e, copy);
    }
    return copy;
  }

  /** Discovery order: clusters in mesh order, then workloads, then pod creation order (sorted again only when the set changed). */
  private sortedKnown(): readonly SimPod[] {
    this.sorted ??= [...this.known.values()].sort(discoveryOrder);
    return this.sorted;
  }
}
