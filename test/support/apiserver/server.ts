/**
 * A local Kubernetes API emulator for the kube driver's tests: real HTTPS on 127.0.0.1 (port 0),
 * bearer-token auth, discovery, a generic object store with server-side apply, merge patch, the
 * Deployment scale subresource, list with label selectors, delete (namespaces cascade), pod logs
 * (plain and follow), exec over WebSocket (`v5.channel.k8s.io`/`v4.channel.k8s.io`: stdout 1,
 * stderr 2, status 3) with pluggable handlers, a tiny controller, and failure injection.
 * Several emulators can be linked into one mesh (remote secrets then reach each other).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { Controller, type ControllerOptions, type EmulatedNode } from './controller.js';
import { handleExecUpgrade } from './exec-channel.js';
import { emulateIstiodRootCert } from './istiod-debug.js';
import { routeRequest } from './rest.js';
import { defaultExecRegistry, type ExecRegistry } from './handlers.js';
import { ExecCuts, FaultInjector, type RequestInfo } from './faults.js';
import { LogSource } from './logs.js';
import { apiVersionOf, findByKind, type ResourceDef } from './resources.js';
import { ObjectStore, StatusError } from './store.js';
import { serverTls } from './tls.js';

export interface ApiServerOptions extends Partial<Omit<ControllerOptions, 'caPem' | 'issueToken' | 'nodes'>> {
  /** For messages and pod IP ranges; e.g. `cluster1`. */
  name?: string;
  nodes?: EmulatedNode[];
  /** apiVersion/kind pairs (`networking.istio.io/v1`) the discovery leaves out. */
  unservedVersions?: string[];
  /** What `GET /version` reports as gitVersion (default v1.31.0). */
  kubernetesVersion?: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  contentType?: string;
}

/** Several emulators that can reach each other (a remote secret's server URL resolves to one). */
export class EmulatedMesh {
  readonly members: ApiServer[] = [];
}

/** Link emulators into one mesh. */
export function linkMesh(servers: ApiServer[]): EmulatedMesh {
  const mesh = new EmulatedMesh();
  for (const s of servers) {
    mesh.members.push(s);
    s.mesh = mesh;
  }
  return mesh;
}

function status(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export class ApiServer {
  readonly store = new ObjectStore();
  readonly controller: Controller;
  readonly exec: ExecRegistry = defaultExecRegistry();
  readonly logs = new LogSource();
  readonly faults = new FaultInjector();
  /** Exec streams to cut mid-run (the command runs on). */
  readonly execCuts = new ExecCuts();
  readonly requests: RequestRecord[] = [];
  /** Run by close() first (processes and loopback servers that exec handlers started). */
  readonly closers: Array<() => void | Promise<void>> = [];
  /** Envoy health flags per `ip:port` reported by `pilot-agent request GET clusters` (default healthy). */
  readonly hostHealth = new Map<string, string>();
  /** The admin bearer token of this emulator (tests grep output for it). */
  readonly token = `emu-admin-${randomBytes(16).toString('hex')}`;
  readonly name: string;
  /** `GET /version`'s gitVersion. */
  readonly kubernetesVersion: string;
  mesh: EmulatedMesh | undefined;
  url = '';
  private readonly tokens = new Set<string>();
  private readonly sockets = new Set<Socket | WebSocket>();
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((p) => protocols.has(p)) ?? false,
  });
  private readonly unserved: Set<string>;

  constructor(
    readonly caPem: string,
    opts: ApiServerOptions,
  ) {
    this.name = opts.name ?? 'cluster';
    this.kubernetesVersion = opts.kubernetesVersion ?? 'v1.31.0';
    this.tokens.add(this.token);
    this.unserved = new Set(opts.unservedVersions ?? []);
    this.controller = new Controller(
      this.store,
      {
        nodes: opts.nodes ?? [{ name: `${this.name}-node-1`, region: 'region1', zone: 'zone1' }],
        podIpPrefix: opts.podIpPrefix ?? '10.1.',
        lbIpPrefix: opts.lbIpPrefix ?? '172.18.1.',
        podStartTicks: opts.podStartTicks ?? 1,
        podStopTicks: opts.podStopTicks ?? 0,
        loadBalancer: opts.loadBalancer ?? true,
        progressDeadlineTicks: opts.progressDeadlineTicks ?? 20,
        caPem,
        issueToken: (t) => this.tokens.add(t),
        ...(opts.failingImages !== undefined ? { failingImages: opts.failingImages } : {}),
      },
      () => new Date().toISOString(),
    );
    this.store.onChange = () => undefined;
  }

  /** True for a token this emulator accepts (admin or an issued service-account token). */
  acceptsToken(token: string): boolean {
    return this.tokens.has(token);
  }

  /** Whether discovery lists this resource version. */
  served(r: ResourceDef, version: string): boolean {
    return !this.unserved.has(apiVersionOf(r.group, version));
  }

  // ---- helpers for tests and handlers -------------------------------------------------------

  get(apiVersion: string, kind: string, ns: string | undefined, name: string): KubeObject | undefined {
    const def = findByKind(apiVersion, kind);
    return def === undefined ? undefined : this.store.get(def, ns, name);
  }

  list(apiVersion: string, kind: string, ns?: string, selector?: string): KubeObject[] {
    const def = findByKind(apiVersion, kind);
    return def === undefined ? [] : this.store.list(def, ns, selector);
  }

  /** Write an object as a controller or installer would (no field manager), then reconcile. */
  put(obj: KubeObject): KubeObject {
    const def = findByKind(obj.apiVersion, obj.kind);
    if (def === undefined) throw new Error(`emulator: unknown kind ${obj.apiVersion} ${obj.kind}`);
    const out = this.store.put(def, obj, new Date().toISOString());
    this.controller.reconcile();
    return out;
  }

  /** Delete an object directly (test set-up); pods go through the controller's termination. */
  remove(apiVersion: string, kind: string, ns: string | undefined, name: string): void {
    const def = findByKind(apiVersion, kind);
    if (def === undefined) return;
    const obj = this.store.get(def, ns, name);
    if (obj === undefined) return;
    if (kind === 'Pod') this.controller.terminatePod(obj);
    else this.store.remove(def, ns, name);
    this.controller.reconcile();
  }

  /** Pods of a Deployment-like selector. */
  pods(ns: string, selector?: string): KubeObject[] {
    return this.list('v1', 'Pod', ns, selector);
  }

  /** The network of this cluster (istio-system's topology.istio.io/network label). */
  network(): string {
    return this.get('v1', 'Namespace', undefined, 'istio-system')?.metadata.labels?.['topology.istio.io/network'] ?? '';
  }

  /** Other members of the mesh. */
  linkedPeers(): ApiServer[] {
    return this.mesh?.members.filter((m) => m !== this) ?? [];
  }

  /** Peers this cluster's istiod can watch: a remote secret with their URL and a token they accept. */
  reachablePeers(): ApiServer[] {
    const out: ApiServer[] = [];
    for (const s of this.list('v1', 'Secret', 'istio-system', 'istio/multiCluster=true')) {
      for (const b64 of Object.values((s['data'] ?? {}) as Record<string, string>)) {
        let cfg: { clusters?: Array<{ cluster?: { server?: string } }>; users?: Array<{ user?: { token?: string } }> } | undefined;
        try {
          cfg = parseYaml(Buffer.from(b64, 'base64').toString('utf8')) as typeof cfg;
        } catch {
          continue;
        }
        const server = cfg?.clusters?.[0]?.cluster?.server;
        const token = cfg?.users?.[0]?.user?.token;
        const peer = this.linkedPeers().find((p) => p.url === server);
        if (peer !== undefined && token !== undefined && peer.acceptsToken(token) && !out.includes(peer)) out.push(peer);
      }
    }
    return out;
  }

  /** The east-west gateway's address and readiness, when there is one with an address. */
  eastWestGateway(): { ip: string; ready: boolean } | undefined {
    const gw = this.get('v1', 'Service', 'istio-system', 'istio-eastwestgateway');
    const ip = (gw?.['status'] as { loadBalancer?: { ingress?: Array<{ ip?: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.ip;
    if (gw === undefined || ip === undefined) return undefined;
    return { ip, ready: this.controller.endpointsOf(gw).length > 0 };
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  async listen(tls: { certPem: string; keyPem: string }): Promise<void> {
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      void this.handle(req, res);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => handleExecUpgrade(this, this.wss, req, socket, head));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('emulator: no address');
    this.url = `https://127.0.0.1:${addr.port}`;
    this.server = server;
  }

  /** Keep a WebSocket to terminate on close(). */
  track(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
  }

  async close(): Promise<void> {
    for (const c of this.closers.splice(0)) await c();
    for (const s of this.sockets) {
      if ('terminate' in s) s.terminate();
      else s.destroy();
    }
    this.wss.close();
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** True when the request carries a bearer token this emulator accepts. */
  authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    return h.startsWith('Bearer ') && this.tokens.has(h.slice(7));
  }

  /** Answer with a JSON body. */
  send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://emulator');
    const info: RequestInfo = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams };
    const record: RequestRecord = { method: info.method, path: url.pathname, query: url.search };
    if (req.headers['content-type'] !== undefined) record.contentType = req.headers['content-type'];
    this.requests.push(record);
    const fault = this.faults.take(info);
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') return; // read, never answered; close() destroys the socket
    if (fault !== undefined) {
      const headers: Record<string, string> = fault.retryAfterS !== undefined ? { 'retry-after': String(fault.retryAfterS) } : {};
      this.send(res, fault.status, status(fault.status, fault.reason ?? 'InternalError', fault.message ?? 'injected failure'), headers);
      return;
    }
    if (!this.authorized(req)) {
      this.send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    this.controller.reconcile(true);
    try {
      const body = info.method === 'GET' || info.method === 'DELETE' ? '' : await this.readBody(req);
      await routeRequest(this, req, res, url, body);
      this.controller.reconcile();
    } catch (err) {
      if (err instanceof StatusError) this.send(res, err.code, status(err.code, err.reason, err.message));
      else this.send(res, 500, status(500, 'InternalError', `emulator: ${(err as Error).message}`));
    }
  }

}

/** Namespaces every cluster has from the start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Start an emulator on 127.0.0.1 (HTTPS, port 0). Close it with `close()`. */
export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const tls = await serverTls();
  const s = new ApiServer(tls.caPem, opts);
  // The namespaces kube-apiserver creates at start (pkg/controlplane/controller/systemnamespaces:
  // default, kube-system, kube-public, kube-node-lease): a DestinationRule without a namespace goes to `default`.
  for (const name of SYSTEM_NAMESPACES) s.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } });
  emulateIstiodRootCert(s);
  await s.listen(tls);
  return s;
}
