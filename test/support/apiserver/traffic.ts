/**
 * What a request from the client pod gets, in emulated clusters, as a function of the time it is
 * sent. Every change of a cluster's helloworld pods, east-west gateway pods or DestinationRule is
 * recorded with the traffic clock's time, so an answer depends only on the recorded states — not on
 * when the emulator happens to compute it — and runs are reproducible.
 *
 * The client proxy acts on what it knew `propagationMs` ago (the EndpointSlice → istiod → EDS
 * chain); a request routed to a pod that is gone by then fails (503), which makes recovery
 * measurable. With an outlier-detecting DestinationRule the proxy prefers local endpoints and fails
 * over to the other clusters' east-west gateways; without one it alternates between them (and
 * retries a dead gateway on a local pod, as Istio's default retry on connect-failure does).
 */
import type { KubeObject } from '../../../src/kube/gateway.js';
import type { TrafficClock } from '../traffic-clock.js';
import { isReady } from './controller.js';
import type { ApiServer } from './server.js';

export interface TrafficModel {
  service: string;
  namespace: string;
  port: number;
  propagationMs: number;
  latencyMs: { local: number; remote: number; error: number };
}

export const DEFAULT_TRAFFIC: TrafficModel = {
  service: 'helloworld',
  namespace: 'sample',
  port: 5000,
  propagationMs: 300,
  latencyMs: { local: 2, remote: 62, error: 1 },
};

interface Endpoint {
  pod: string;
  ip: string;
  version: string;
}

interface ClusterState {
  atMs: number;
  endpoints: Endpoint[];
  gatewayUp: boolean;
  gatewayIp?: string;
  /** A DestinationRule with outlierDetection selects the service (locality failover on). */
  localityAware: boolean;
}

export interface Outcome {
  status: number;
  body: string;
  latencyMs: number;
  version?: string;
  instance?: string;
}

function podsOf(server: ApiServer, ns: string, label: string): KubeObject[] {
  return server.list('v1', 'Pod', ns, label).filter((p) => isReady(p) && p.metadata.deletionTimestamp === undefined);
}

export class MeshTraffic {
  private readonly history = new Map<ApiServer, ClusterState[]>();
  readonly model: TrafficModel;

  constructor(
    readonly client: ApiServer,
    readonly servers: readonly ApiServer[],
    readonly clock: TrafficClock,
    model: Partial<TrafficModel> = {},
  ) {
    this.model = { ...DEFAULT_TRAFFIC, ...model };
    for (const s of servers) {
      this.history.set(s, [this.read(s)]);
      const prev = s.store.onChange;
      s.store.onChange = (def, obj, deleted) => {
        prev(def, obj, deleted);
        if (obj.kind === 'Pod' || obj.kind === 'DestinationRule' || obj.kind === 'Service') this.note(s);
      };
    }
  }

  private read(s: ApiServer): ClusterState {
    const m = this.model;
    const endpoints = podsOf(s, m.namespace, `app=${m.service}`)
      .map((p) => ({ pod: p.metadata.name, ip: (p['status'] as { podIP: string }).podIP, version: p.metadata.labels?.['version'] ?? '' }))
      .sort((a, b) => (a.pod < b.pod ? -1 : 1));
    const gw = s.eastWestGateway();
    const fqdn = `${m.service}.${m.namespace}.svc.cluster.local`;
    const localityAware = s.list('networking.istio.io/v1', 'DestinationRule', m.namespace).some((dr) => {
      const spec = (dr['spec'] ?? {}) as { host?: string; trafficPolicy?: { outlierDetection?: unknown } };
      return (spec.host === fqdn || spec.host === m.service) && spec.trafficPolicy?.outlierDetection !== undefined;
    });
    return { atMs: this.clock.now(), endpoints, gatewayUp: gw?.ready ?? false, ...(gw !== undefined ? { gatewayIp: gw.ip } : {}), localityAware };
  }

  private note(s: ApiServer): void {
    const list = this.history.get(s);
    if (list === undefined) return;
    const next = this.read(s);
    const last = list[list.length - 1] as ClusterState;
    const same = JSON.stringify({ ...last, atMs: 0 }) === JSON.stringify({ ...next, atMs: 0 });
    if (!same) list.push(next);
  }

  /** The state of `s` at time `tMs` (the last change at or before it). */
  stateAt(s: ApiServer, tMs: number): ClusterState {
    const list = this.history.get(s) as ClusterState[];
    let out = list[0] as ClusterState;
    for (const st of list) {
      if (st.atMs <= tMs) out = st;
      else break;
    }
    return out;
  }

  /** The answer to a request sent at `tMs`; `seq` spreads choices round-robin. */
  outcome(tMs: number, seq: number): Outcome {
    const lat = this.model.latencyMs;
    const viewAt = tMs - this.model.propagationMs;
    const local = this.stateAt(this.client, viewAt);
    const remotes = this.servers.filter((s) => s !== this.client).filter((s) => {
      const v = this.stateAt(s, viewAt);
      return v.gatewayUp && v.endpoints.length > 0;
    });
    type Choice = { kind: 'local'; ep: Endpoint } | { kind: 'remote'; server: ApiServer };
    const choices: Choice[] = [];
    if (local.localityAware && local.endpoints.length > 0) choices.push(...local.endpoints.map((ep) => ({ kind: 'local' as const, ep })));
    else if (local.localityAware) choices.push(...remotes.map((server) => ({ kind: 'remote' as const, server })));
    else choices.push(...local.endpoints.map((ep) => ({ kind: 'local' as const, ep })), ...remotes.map((server) => ({ kind: 'remote' as const, server })));
    if (choices.length === 0) return { status: 503, body: 'no healthy upstream', latencyMs: lat.error };
    const c = choices[seq % choices.length] as Choice;
    const hello = (ep: Endpoint, latencyMs: number): Outcome => ({ status: 200, body: `Hello version: ${ep.version}, instance: ${ep.pod}`, latencyMs, version: ep.version, instance: ep.pod });
    const liveLocal = this.stateAt(this.client, tMs).endpoints;
    if (c.kind === 'local') {
      return liveLocal.some((e) => e.pod === c.ep.pod)
        ? hello(c.ep, lat.local)
        : { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure', latencyMs: lat.error };
    }
    const now = this.stateAt(c.server, tMs);
    if (now.gatewayUp && now.endpoints.length > 0) return hello(now.endpoints[seq % now.endpoints.length] as Endpoint, lat.remote);
    const retry = liveLocal[seq % Math.max(1, liveLocal.length)];
    if (!local.localityAware && retry !== undefined) return hello(retry, lat.local + lat.error);
    return { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure', latencyMs: lat.error };
  }

  /** Envoy /clusters text of the client proxy for the service, as it knows it at `tMs`. */
  proxyClustersText(tMs: number): string {
    const m = this.model;
    const name = `outbound|${m.port}||${m.service}.${m.namespace}.svc.cluster.local`;
    const view = tMs - m.propagationMs;
    const lines = [`${name}::observability_name::${name}`];
    const local = this.stateAt(this.client, view);
    const hosts: Array<{ addr: string; priority: number }> = local.endpoints.map((e) => ({ addr: `${e.ip}:${m.port}`, priority: 0 }));
    for (const s of this.servers) {
      if (s === this.client) continue;
      const v = this.stateAt(s, view);
      if (v.gatewayUp && v.endpoints.length > 0 && v.gatewayIp !== undefined) hosts.push({ addr: `${v.gatewayIp}:15443`, priority: local.localityAware ? 1 : 0 });
    }
    for (const h of hosts) lines.push(`${name}::${h.addr}::health_flags::healthy`, `${name}::${h.addr}::priority::${h.priority}`, `${name}::${h.addr}::weight::1`);
    return `${lines.join('\n')}\n`;
  }
}
