/**
 * The simulated Kubernetes side: clusters, Deployments and their pods with a lifecycle, the
 * east-west gateways. It knows nothing about Envoy; it tells the control plane (through
 * `onEndpointChange`) when a pod's readiness as seen by the EndpointSlice controller changes.
 */
import type { Mesh, MeshCluster, MeshWorkload } from '../../model/mesh.js';
import { formatLocality, type Locality } from '../../model/locality.js';
import type { Rng } from '../rng.js';
import { endpointForPod, gatewayId, gatewaysOf } from '../topology.js';
import type { IstioEndpoint, NetworkGateway } from '../xds-types.js';
import { PodServer, ServerSpec } from './pod-server.js';
import { shutdownPod, type ShutdownOptions } from './pod-shutdown.js';
import { LogNormalServiceTime } from './service-time.js';

export type PodPhase = 'starting' | 'ready' | 'terminating' | 'gone';

export interface SimPod {
  readonly id: string;
  readonly endpoint: IstioEndpoint;
  readonly deployment: SimDeployment;
  readonly ordinal: number;
  /** `region/zone/subzone`, precomputed for samples. */
  readonly localityLabel: string;
  /** Version label and cluster name, precomputed for samples. */
  readonly version: string | undefined;
  readonly clusterName: string;
  /** One-way delay between this pod and its cluster's east-west gateway (−1 = not computed yet). */
  gatewayHopUs: number;
  phase: PodPhase;
  /** The app accepts requests (false once it closed its listener after SIGTERM, or exited). */
  appAccepting: boolean;
  /** When the app closed its listener after SIGTERM (Infinity while open). */
  listenerClosedUs: number;
  /** When the app was killed with requests still in it (graceful timeout or grace period; Infinity = not). */
  appKilledUs: number;
  /** The server sidecar accepts connections (false after its drain ends, or before start). */
  sidecarUp: boolean;
  /** When the sidecar exited (Infinity while up); in-flight requests past it are reset. */
  sidecarExitUs: number;
  /** Requests at the pod (on the wire to it, queued or in service). */
  inflight: number;
  /** The app server's workers and accept queue; undefined for a light app (no capacity limit). */
  readonly server: PodServer | undefined;
  /** `fail` action: answer this status to this fraction of requests (0 = healthy). */
  failStatus: number;
  failFraction: number;
}

export interface SimDeployment {
  readonly cluster: SimCluster;
  readonly workload: MeshWorkload;
  readonly workloadIndex: number;
  readonly serviceTime: LogNormalServiceTime | undefined;
  /** Finite-capacity server model (Mesh `server`); undefined = light app. */
  readonly serverSpec: ServerSpec | undefined;
  readonly serviceRng: Rng;
  /** Per-pod shutdown draws (the phase of the app's signal-check loop). */
  readonly lifecycleRng: Rng;
  readonly failRng: Rng;
  desiredReplicas: number;
  pods: SimPod[];
  nextOrdinal: number;
  extraDelayUs: number;
}

export interface SimGateway {
  readonly gateway: NetworkGateway;
  readonly locality: Locality;
  up: boolean;
  /** The pods it forwards new connections to, as its istiod last pushed them (Istiod.gatewayView). */
  view: SimPod[];
  readonly rng: Rng;
}

export interface SimCluster {
  readonly index: number;
  readonly spec: MeshCluster;
  readonly deployments: Map<string, SimDeployment>;
  readonly gateway: SimGateway | undefined;
}

/**
 * How the EndpointSlice lists a pod's endpoint: `ready`; `not-ready` (a new pod that has its IP
 * but is not Ready yet: istiod's UnHealthy, sent to Envoy as UNHEALTHY from 1.31); `removed`
 * (terminating or gone: istiod drops Terminating endpoints always).
 */
export type EndpointState = 'ready' | 'not-ready' | 'removed';

/** Callback when a pod's endpoint state changes. */
export type EndpointChange = (pod: SimPod, state: EndpointState, nowUs: number) => void;

/** Scheduling hooks the world needs from the engine. */
export interface WorldScheduler {
  /** Run `fn` at absolute time `atUs`. */
  at(atUs: number, fn: (nowUs: number) => void): void;
}

export class World {
  readonly mesh: Mesh;
  readonly clusters: SimCluster[];
  readonly podsById = new Map<string, SimPod>();
  readonly gatewaysById = new Map<string, SimGateway>();
  private readonly scheduler: WorldScheduler;
  private readonly onEndpointChange: EndpointChange;
  private readonly shutdown: ShutdownOptions;
  /**
   * One string object per locality label: samples carry the pod's label, and the measures compare
   * each sample's label with the previous one's; the same object compares by reference, a fresh
   * copy per pod by content, on every request.
   */
  private readonly localityLabels = new Map<string, string>();

  constructor(
    mesh: Mesh,
    rng: Rng,
    scheduler: WorldScheduler,
    onEndpointChange: EndpointChange,
    lifecycle: { nativeSidecars: boolean },
  ) {
    this.mesh = mesh;
    this.scheduler = scheduler;
    this.onEndpointChange = onEndpointChange;
    this.shutdown = {
      defaults: mesh.defaults,
      native: lifecycle.nativeSidecars,
      rng,
      hooks: { at: (atUs, fn) => scheduler.at(atUs, fn) },
    };
    const gateways = new Map(gatewaysOf(mesh).map((g) => [g.cluster, g]));
    this.clusters = mesh.clusters.map((spec, index) => {
      const gw = gateways.get(spec.name);
      const cluster: SimCluster = {
        index,
        spec,
        deployments: new Map(),
        gateway:
          gw === undefined || spec.eastWestGateway === undefined
            ? undefined
            : {
                gateway: gw,
                locality: spec.eastWestGateway.locality,
                up: spec.eastWestGateway.replicas > 0,
                view: [],
                rng: rng.fork(`gateway/${spec.name}`),
              },
      };
      if (cluster.gateway) this.gatewaysById.set(gatewayId(spec.name), cluster.gateway);
      spec.workloads.forEach((w, workloadIndex) => {
        if (w.client) return;
        const d: SimDeployment = {
          cluster,
          workload: w,
          workloadIndex,
          serviceTime: w.latency ? new LogNormalServiceTime(w.latency.p50Us, w.latency.p99Us) : undefined,
          serverSpec: w.server ? new ServerSpec(w.server) : undefined,
          serviceRng: rng.fork(`service/${spec.name}/${w.name}`),
          lifecycleRng: rng.fork(`lifecycle/${spec.name}/${w.name}`),
          failRng: rng.fork(`fail/${spec.name}/${w.name}`),
          desiredReplicas: w.replicas,
          pods: [],
          nextOrdinal: 0,
          extraDelayUs: 0,
        };
        cluster.deployments.set(w.name, d);
      });
      return cluster;
    });
    // The run starts converged: every declared replica is ready and known everywhere.
    for (const c of this.clusters) {
      for (const d of c.deployments.values()) {
        for (let i = 0; i < d.desiredReplicas; i++) {
          const pod = this.newPod(d);
          pod.phase = 'ready';
          pod.appAccepting = true;
          pod.sidecarUp = true;
        }
      }
    }
  }

  cluster(name: string): SimCluster {
    const c = this.clusters.find((x) => x.spec.name === name);
    if (c === undefined) throw new RangeError(`unknown cluster ${name}`);
    return c;
  }

  deployment(cluster: string, name: string): SimDeployment {
    const d = this.cluster(cluster).deployments.get(name);
    if (d === undefined) throw new RangeError(`unknown deployment ${cluster}/${name}`);
    return d;
  }

  /** Pods that count towards the Deployment's replicas (not terminating or gone), oldest first. */
  livePods(d: SimDeployment): SimPod[] {
    return d.pods.filter((p) => p.phase === 'starting' || p.phase === 'ready');
  }

  /** `kubectl scale`: surplus pods terminate (newest first, as a ReplicaSet prefers), missing ones start. */
  scale(d: SimDeployment, replicas: number, nowUs: number): void {
    d.desiredReplicas = replicas;
    const live = this.livePods(d);
    if (live.length > replicas) {
      const victims = live
        .slice()
        .sort((a, b) => rank(a) - rank(b) || b.ordinal - a.ordinal)
        .slice(0, live.length - replicas);
      for (const p of victims) this.terminate(p, nowUs);
    } else {
      for (let i = live.length; i < replicas; i++) this.start(d, nowUs);
    }
  }

  /** `kubectl delete pod` of the oldest `count` pods; the ReplicaSet replaces them at once. */
  deletePods(d: SimDeployment, count: number, nowUs: number): void {
    const victims = this.livePods(d).slice(0, count);
    for (const p of victims) this.terminate(p, nowUs);
    const missing = d.desiredReplicas - this.livePods(d).length;
    for (let i = 0; i < missing; i++) this.start(d, nowUs);
  }

  /** Pod creation → Ready after the mesh's podStartup; then the endpoint becomes ready. */
  private start(d: SimDeployment, nowUs: number): void {
    const pod = this.newPod(d);
    // The EndpointSlice lists the new pod not-ready from its creation (an approximation: in a real
    // cluster once the pod has its IP, well before it is Ready).
    this.onEndpointChange(pod, 'not-ready', nowUs);
    this.scheduler.at(nowUs + this.mesh.defaults.podStartupUs, (t) => {
      if (pod.phase !== 'starting') return;
      pod.phase = 'ready';
      pod.appAccepting = true;
      pod.sidecarUp = true;
      this.onEndpointChange(pod, 'ready', t);
    });
  }

  /**
   * Pod deletion: SIGTERM; the endpoint turns not-ready/terminating at once, which istiod drops
   * from EDS (pilot endpointslice.go endpointHealthStatus, filterIstioEndpoint). What the app and
   * the sidecar do from then on is pod-shutdown.ts.
   */
  private terminate(pod: SimPod, nowUs: number): void {
    const wasListed = pod.phase === 'ready' || pod.phase === 'starting';
    pod.phase = 'terminating';
    if (wasListed) this.onEndpointChange(pod, 'removed', nowUs);
    shutdownPod(pod, nowUs, { ...this.shutdown, rng: pod.deployment.lifecycleRng });
  }

  private localityLabel(label: string): string {
    const shared = this.localityLabels.get(label);
    if (shared !== undefined) return shared;
    this.localityLabels.set(label, label);
    return label;
  }

  private newPod(d: SimDeployment): SimPod {
    const ordinal = d.nextOrdinal++;
    const endpoint = endpointForPod(this.mesh, d.cluster.spec.name, d.workload.name, ordinal);
    const pod: SimPod = {
      id: endpoint.id,
      endpoint,
      deployment: d,
      ordinal,
      localityLabel: this.localityLabel(formatLocality(endpoint.locality)),
      version: d.workload.version,
      clusterName: d.cluster.spec.name,
      gatewayHopUs: -1,
      phase: 'starting',
      appAccepting: false,
      listenerClosedUs: Infinity,
      appKilledUs: Infinity,
      sidecarUp: false,
      sidecarExitUs: Infinity,
      inflight: 0,
      server: d.serverSpec === undefined ? undefined : new PodServer(d.serverSpec),
      failStatus: 0,
      failFraction: 0,
    };
    d.pods.push(pod);
    this.podsById.set(pod.id, pod);
    return pod;
  }
}

/** ReplicaSet deletion preference: pods not yet ready go first. */
function rank(p: SimPod): number {
  return p.phase === 'starting' ? 0 : 1;
}
