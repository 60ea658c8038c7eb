/**
 * The emulator's "controllers", run after every write and on every request (a tick): Deployments
 * become Pods (named `<deploy>-<template hash>-<5 chars>`, scheduled round-robin on nodes with
 * topology labels, injected with an `istio-proxy` container when the namespace asks for it and an
 * istiod exists), Pods become Ready a few ticks later, Deployment status follows kubectl's
 * fields, service-account token Secrets are filled, LoadBalancer Services get an address, and a
 * deleted Namespace takes its contents with it.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { matchesLabels } from './labels.js';
import { RESOURCES, findByKind, type ResourceDef } from './resources.js';
import { ServiceControllers } from './service-controllers.js';
import type { ObjectStore } from './store.js';

export interface EmulatedNode {
  name: string;
  region: string;
  zone: string;
  subzone?: string;
}

export interface ControllerOptions {
  nodes: EmulatedNode[];
  /** e.g. `10.1.` → pods get 10.1.0.10, 10.1.0.11, ... */
  podIpPrefix: string;
  /** e.g. `172.18.1.` → LoadBalancer addresses 172.18.1.10, ... */
  lbIpPrefix: string;
  /** Pods become Ready this many ticks after creation (≥ 0). */
  podStartTicks: number;
  /** Terminating pods disappear this many ticks after deletion (0 = at once). */
  podStopTicks: number;
  /** Whether LoadBalancer Services get an address. */
  loadBalancer: boolean;
  /** Pods whose image matches never become Ready; their Deployment times out after `progressDeadlineTicks`. */
  failingImages?: RegExp;
  progressDeadlineTicks: number;
  /** CA certificate (PEM) put into service-account token secrets as ca.crt. */
  caPem: string;
  /** Registers a token the API server then accepts. */
  issueToken: (token: string) => void;
}

export interface ScaleEvent {
  namespace: string;
  name: string;
  from: number;
  to: number;
  tick: number;
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
const def = (apiVersion: string, kind: string): ResourceDef => findByKind(apiVersion, kind) as ResourceDef;
const DEPLOYMENTS = def('apps/v1', 'Deployment');
const PODS = def('v1', 'Pod');
const NAMESPACES = def('v1', 'Namespace');

function safeString(seed: string, n: number): string {
  const h = createHash('sha256').update(seed).digest();
  let s = '';
  for (let i = 0; i < n; i++) s += SAFE[(h[i] as number) % SAFE.length];
  return s;
}

type PodState = { readyAt: number; removeAt?: number; deployment: string };

export class Controller {
  tick = 0;
  readonly events = new EventEmitter();
  readonly scaleEvents: ScaleEvent[] = [];
  private readonly podState = new Map<string, PodState>();
  private readonly pendingSince = new Map<string, number>();
  private podSeq = 0;
  private podIpSeq = 10;
  private nodeSeq = 0;
  private busy = false;
  private readonly services: ServiceControllers;
  /** More controllers (Jobs, the k6-operator, ...) run at the end of every round, with the tick. */
  readonly extraControllers: Array<(tick: number) => void> = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly opts: ControllerOptions,
    private readonly now: () => string,
  ) {
    this.services = new ServiceControllers(store, opts, now);
    for (const n of opts.nodes) {
      const labels: Record<string, string> = { 'kubernetes.io/hostname': n.name, 'topology.kubernetes.io/region': n.region, 'topology.kubernetes.io/zone': n.zone };
      if (n.subzone !== undefined) labels['topology.istio.io/subzone'] = n.subzone;
      store.put(def('v1', 'Node'), { apiVersion: 'v1', kind: 'Node', metadata: { name: n.name, labels }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, now());
    }
  }

  /** Record a scale through the scale subresource. */
  noteScale(namespace: string, name: string, from: number, to: number): void {
    const e = { namespace, name, from, to, tick: this.tick };
    this.scaleEvents.push(e);
    this.events.emit('scale', e);
  }

  /** One controller round; `advance` moves time (a request arrived). */
  reconcile(advance = false): void {
    if (this.busy) return;
    this.busy = true;
    try {
      if (advance) this.tick++;
      this.reconcileNamespaces();
      for (const d of this.store.list(DEPLOYMENTS)) this.reconcileDeployment(d);
      this.reconcilePods();
      for (const d of this.store.list(DEPLOYMENTS)) this.updateDeploymentStatus(d);
      this.services.reconcile(this.tick);
      for (const c of this.extraControllers) c(this.tick);
    } finally {
      this.busy = false;
    }
  }

  private reconcileNamespaces(): void {
    for (const ns of this.store.list(NAMESPACES)) {
      if ((ns['status'] as { phase?: string } | undefined)?.phase !== 'Terminating') continue;
      this.store.removeNamespaceContents(ns.metadata.name, RESOURCES);
      this.store.remove(NAMESPACES, undefined, ns.metadata.name);
    }
  }

  private templateHash(d: KubeObject): string {
    const tpl = (d['spec'] as { template?: unknown } | undefined)?.template ?? {};
    return safeString(JSON.stringify(tpl), 10);
  }

  private podsOf(d: KubeObject): KubeObject[] {
    return this.store.list(PODS, d.metadata.namespace).filter((p) => this.podState.get(`${p.metadata.namespace}/${p.metadata.name}`)?.deployment === d.metadata.name);
  }

  /** The istio-proxy tag istiod's injector would add to a pod in `namespace` with these labels, if any. */
  injects(namespace: string | undefined, podLabels: Record<string, string>): string | undefined {
    const ns = this.store.get(NAMESPACES, undefined, namespace ?? '');
    if (ns?.metadata.labels?.['istio-injection'] !== 'enabled' || podLabels['sidecar.istio.io/inject'] === 'false') return undefined;
    const istiod = this.store.get(DEPLOYMENTS, 'istio-system', 'istiod');
    if (istiod === undefined) return undefined;
    const image = (istiod['spec'] as { template?: { spec?: { containers?: Array<{ image?: string }> } } }).template?.spec?.containers?.[0]?.image ?? '';
    return image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : 'latest';
  }

  private createPod(d: KubeObject, hash: string): void {
    const spec = (d['spec'] ?? {}) as { template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } };
    const labels = { ...(spec.template?.metadata?.labels ?? {}), 'pod-template-hash': hash };
    const name = `${d.metadata.name}-${hash}-${safeString(`${d.metadata.namespace}/${d.metadata.name}/${this.podSeq++}`, 5)}`;
    const podSpec = structuredClone(spec.template?.spec ?? {}) as { containers?: Array<Record<string, unknown>> } & Record<string, unknown>;
    const annotations = { ...(spec.template?.metadata?.annotations ?? {}) };
    const proxyTag = this.injects(d.metadata.namespace, labels);
    if (proxyTag !== undefined) {
      podSpec.containers = [...(podSpec.containers ?? []), { name: 'istio-proxy', image: `docker.io/istio/proxyv2:${proxyTag}`, args: ['proxy', 'sidecar'] }];
      annotations['sidecar.istio.io/status'] = JSON.stringify({ containers: ['istio-proxy'], initContainers: ['istio-init'] });
      annotations['prometheus.io/scrape'] = 'true';
    }
    const node = this.opts.nodes[this.nodeSeq++ % Math.max(1, this.opts.nodes.length)];
    podSpec['nodeName'] = node?.name;
    const ip = `${this.opts.podIpPrefix}${Math.floor(this.podIpSeq / 250)}.${this.podIpSeq % 250}`;
    this.podIpSeq++;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: d.metadata.namespace as string,
        labels,
        annotations,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${d.metadata.name}-${hash}` }],
      },
      spec: podSpec,
      status: { phase: 'Pending', podIP: ip, hostIP: '192.168.0.2', conditions: [{ type: 'Ready', status: 'False' }] },
    };
    this.podState.set(`${d.metadata.namespace}/${name}`, { readyAt: this.tick + this.opts.podStartTicks, deployment: d.metadata.name });
    this.store.put(PODS, pod, this.now());
    this.events.emit('pod-created', pod);
  }

  /** Marks a pod terminating (removed now or after podStopTicks). */
  terminatePod(pod: KubeObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const st = this.podState.get(key);
    if (this.opts.podStopTicks <= 0) {
      this.store.remove(PODS, pod.metadata.namespace, pod.metadata.name);
      this.podState.delete(key);
      this.events.emit('pod-deleted', pod);
      return;
    }
    if (st?.removeAt !== undefined) return;
    if (st !== undefined) st.removeAt = this.tick + this.opts.podStopTicks;
    const p = structuredClone(pod);
    p.metadata.deletionTimestamp = this.now();
    p['status'] = { ...(p['status'] as object), conditions: [{ type: 'Ready', status: 'False' }] };
    this.store.put(PODS, p, this.now());
  }

  private reconcileDeployment(d: KubeObject): void {
    const want = (d['spec'] as { replicas?: number }).replicas ?? 1;
    const hash = this.templateHash(d);
    const pods = this.podsOf(d).filter((p) => p.metadata.deletionTimestamp === undefined);
    const current = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    const old = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] !== hash);
    for (let i = current.length; i < want; i++) this.createPod(d, hash);
    for (const p of current.slice(want)) this.terminatePod(p);
    const readyCurrent = current.filter((p) => isReady(p)).length;
    if (readyCurrent >= want) for (const p of old) this.terminatePod(p);
  }

  private reconcilePods(): void {
    for (const [key, st] of [...this.podState]) {
      const [ns, name] = key.split('/') as [string, string];
      const pod = this.store.get(PODS, ns, name);
      if (pod === undefined) {
        this.podState.delete(key);
        continue;
      }
      // Background propagation: the pods of a deleted Deployment go too.
      if (st.removeAt === undefined && this.store.get(DEPLOYMENTS, ns, st.deployment) === undefined) {
        this.terminatePod(pod);
        continue;
      }
      if (st.removeAt !== undefined) {
        if (this.tick >= st.removeAt) {
          this.store.remove(PODS, ns, name);
          this.podState.delete(key);
          this.events.emit('pod-deleted', pod);
        }
        continue;
      }
      const images = ((pod['spec'] as { containers?: Array<{ image?: string }> }).containers ?? []).map((c) => c.image ?? '');
      const failing = this.opts.failingImages !== undefined && images.some((i) => this.opts.failingImages?.test(i));
      if (!isReady(pod) && !failing && this.tick >= st.readyAt) {
        const p = structuredClone(pod);
        const containers = (p['spec'] as { containers?: Array<{ name: string; image?: string }> }).containers ?? [];
        p['status'] = {
          ...(p['status'] as object),
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, ready: true, started: true, restartCount: 0 })),
        };
        this.store.put(PODS, p, this.now());
      }
    }
  }

  private updateDeploymentStatus(d: KubeObject): void {
    const want = (d['spec'] as { replicas?: number }).replicas ?? 1;
    const hash = this.templateHash(d);
    const pods = this.podsOf(d).filter((p) => p.metadata.deletionTimestamp === undefined);
    const updated = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    const ready = pods.filter(isReady).length;
    const key = `${d.metadata.namespace}/${d.metadata.name}`;
    const done = updated.length >= want && pods.length === updated.length && ready >= updated.length;
    if (done) this.pendingSince.delete(key);
    else if (!this.pendingSince.has(key)) this.pendingSince.set(key, this.tick);
    const since = this.pendingSince.get(key);
    const timedOut = since !== undefined && this.tick - since >= this.opts.progressDeadlineTicks && this.opts.failingImages !== undefined;
    const status = {
      observedGeneration: d.metadata.generation,
      replicas: pods.length,
      updatedReplicas: updated.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(pods.length - ready > 0 ? { unavailableReplicas: pods.length - ready } : {}),
      conditions: [
        { type: 'Available', status: ready >= want ? 'True' : 'False', reason: ready >= want ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' },
        {
          type: 'Progressing',
          status: timedOut ? 'False' : 'True',
          reason: timedOut ? 'ProgressDeadlineExceeded' : done ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        },
      ],
    };
    if (JSON.stringify(d['status']) !== JSON.stringify(status)) this.store.put(DEPLOYMENTS, { ...d, status }, this.now());
  }

  /** Ready pods selected by a Service's selector. */
  endpointsOf(svc: KubeObject): KubeObject[] {
    const selector = (svc['spec'] as { selector?: Record<string, string> } | undefined)?.selector;
    return this.store.list(PODS, svc.metadata.namespace).filter((p) => matchesLabels(selector, p.metadata.labels) && isReady(p) && p.metadata.deletionTimestamp === undefined);
  }
}

/** A Pod with condition Ready=True. */
export function isReady(pod: KubeObject): boolean {
  const conds = ((pod['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []);
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}
