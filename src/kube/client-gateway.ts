/**
 * ClusterGateway over @kubernetes/client-node 1.4: KubernetesObjectApi for arbitrary objects
 * (server-side apply, read, list, delete), AppsV1Api for the scale subresource, Exec and Log for
 * pods. Every call is retried on transient failures and translated at this boundary.
 */
import * as k8s from '@kubernetes/client-node';
import type { Clock } from '../app/ports.js';
import { KubeApiUnsupportedError, KubeNotFoundError } from './errors.js';
import { execCapture } from './exec.js';
import { serviceProxyGet } from './http-get.js';
import {
  FIELD_MANAGER,
  refName,
  type ClusterGateway,
  type ExecRequest,
  type ExecResult,
  type FollowLogRequest,
  type KubeObject,
  type ListOptions,
  type LogRequest,
  type ObjectRef,
} from './gateway.js';
import type { ContextConfig } from './kubeconfig.js';
import { followLog, readLog } from './logs.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';
import { bounded, DEFAULT_REQUEST_TIMEOUT_MS, type KubeTimeouts } from './timeouts.js';
import { kubeStatusOf, translateKubeError } from './translate.js';

export interface GatewayDeps {
  clock: Clock;
  /** Uniform draws in [0, 1) for back-off jitter. */
  jitter: () => number;
  retryPolicy?: RetryPolicy;
  /** Told about each retry (a progress note; the message holds no secrets). */
  onRetry?: (message: string) => void;
  signal?: AbortSignal;
  /** Per-request limit and overall deadline (default: DEFAULT_REQUEST_TIMEOUT_MS, no deadline). */
  timeouts?: KubeTimeouts;
}

/** Model instances → plain JSON (Dates become RFC 3339 strings, as on the wire). */
function toPlain<T>(x: unknown): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function specOf(ref: ObjectRef): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
  const metadata: { name: string; namespace?: string } = { name: ref.name };
  if (ref.namespace !== undefined) metadata.namespace = ref.namespace;
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata };
}

/** KubernetesObjectApi with its (protected) discovery lookup exposed for `serves`. */
class ObjectApi extends k8s.KubernetesObjectApi {
  static forConfig(kc: k8s.KubeConfig): ObjectApi {
    const api = kc.makeApiClient(ObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }
  /** The APIResource for apiVersion/kind, undefined when the group/version does not list the kind. */
  lookup(apiVersion: string, kind: string): Promise<k8s.V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }
}

/** Fields the server owns: sending them in an apply would be rejected or would fight the server. */
function applyBody(obj: KubeObject): k8s.KubernetesObject {
  const body = structuredClone(obj) as KubeObject; // the client mutates its input (client-node.md §3)
  delete body['status'];
  const md = body.metadata;
  for (const k of ['resourceVersion', 'uid', 'managedFields', 'creationTimestamp', 'generation', 'deletionTimestamp', 'selfLink']) delete md[k];
  return body as k8s.KubernetesObject;
}

class ClientGateway implements ClusterGateway {
  readonly context: string;
  readonly server: string;
  readonly tlsServerName?: string;
  private readonly kc: k8s.KubeConfig;
  private readonly objects: ObjectApi;
  private readonly apps: k8s.AppsV1Api;
  private readonly served = new Map<string, boolean>();

  constructor(
    cfg: ContextConfig,
    private readonly deps: GatewayDeps,
  ) {
    this.context = cfg.context;
    this.server = cfg.server;
    if (cfg.tlsServerName !== undefined) this.tlsServerName = cfg.tlsServerName;
    this.kc = cfg.kubeConfig;
    this.objects = ObjectApi.forConfig(this.kc);
    this.apps = this.kc.makeApiClient(k8s.AppsV1Api);
  }

  private get timeouts(): KubeTimeouts {
    return this.deps.timeouts ?? { requestMs: DEFAULT_REQUEST_TIMEOUT_MS };
  }

  /** `work` under the per-request limit, the deadline and the interrupt. */
  private bound<T>(action: string, work: () => Promise<T>): Promise<T> {
    return bounded(work, this.timeouts, { context: this.context, server: this.server, action }, this.deps.clock.now(), this.deps.signal);
  }

  private async call<T>(action: string, raw: () => Promise<T>): Promise<T> {
    const site = { context: this.context, server: this.server, action };
    // Each attempt is bounded; a timeout is not retried (a server that holds one request
    // unanswered is likely to hold the next).
    const op = () => this.bound(action, raw);
    try {
      const opts: Parameters<typeof withRetry>[1] = {
        clock: this.deps.clock,
        jitter: this.deps.jitter,
        policy: this.deps.retryPolicy ?? DEFAULT_RETRY_POLICY,
        onRetry: ({ retry, delayMs, err }) => {
          const st = kubeStatusOf(err);
          const why = st !== undefined ? `HTTP ${st.code}` : 'connection failure';
          this.deps.onRetry?.(`context '${this.context}': ${why} while ${action}; retry ${retry} in ${(delayMs / 1000).toFixed(1)} s`);
        },
      };
      if (this.deps.signal !== undefined) opts.signal = this.deps.signal;
      return await withRetry(op, opts);
    } catch (err) {
      throw translateKubeError(err, site);
    }
  }

  async serves(apiVersion: string, kind: string): Promise<boolean> {
    const key = `${apiVersion}/${kind}`;
    const cached = this.served.get(key);
    if (cached !== undefined) return cached;
    let found: boolean;
    try {
      found = await this.call(`discovering ${apiVersion} ${kind}`, async () => (await this.objects.lookup(apiVersion, kind)) !== undefined);
    } catch (err) {
      // A group/version the server does not know answers discovery with 404.
      if (err instanceof KubeNotFoundError || err instanceof KubeApiUnsupportedError) found = false;
      else throw err;
    }
    this.served.set(key, found);
    return found;
  }

  async apply(obj: KubeObject): Promise<KubeObject> {
    const action = `applying ${obj.kind} ${refName(obj.metadata)}`;
    const stored = await this.call(action, () =>
      this.objects.patch(applyBody(obj), undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply),
    );
    return withTypeMeta(toPlain<KubeObject>(stored), obj.apiVersion, obj.kind);
  }

  async replace(obj: KubeObject): Promise<KubeObject> {
    const body = structuredClone(obj) as KubeObject; // the client mutates its input (client-node.md §3)
    delete body['status'];
    for (const k of ['managedFields', 'selfLink']) delete body.metadata[k];
    const stored = await this.call(`replacing ${obj.kind} ${refName(obj.metadata)}`, () => this.objects.replace(body as k8s.KubernetesObject, undefined, undefined, FIELD_MANAGER));
    return withTypeMeta(toPlain<KubeObject>(stored), obj.apiVersion, obj.kind);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      const obj = await this.call(`reading ${ref.kind} ${refName(ref)}`, () => this.objects.read(specOf(ref)));
      return withTypeMeta(toPlain<KubeObject>(obj), ref.apiVersion, ref.kind);
    } catch (err) {
      if (err instanceof KubeNotFoundError) return undefined;
      throw err;
    }
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    const where = opts.namespace !== undefined ? ` in namespace ${opts.namespace}` : '';
    const sel = opts.labelSelector !== undefined ? ` (${opts.labelSelector})` : '';
    const list = await this.call(`listing ${kind}${where}${sel}`, () =>
      this.objects.list(apiVersion, kind, opts.namespace, undefined, undefined, undefined, undefined, opts.labelSelector),
    );
    return toPlain<{ items?: KubeObject[] }>(list).items?.map((o) => withTypeMeta(o, apiVersion, kind)) ?? [];
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.call(`deleting ${ref.kind} ${refName(ref)}`, () =>
        this.objects.delete(specOf(ref), undefined, undefined, undefined, undefined, 'Background'),
      );
      return true;
    } catch (err) {
      if (err instanceof KubeNotFoundError) return false;
      throw err;
    }
  }

  async scale(namespace: string, deployment: string, replicas: number): Promise<void> {
    // The typed patch methods default to JSON Patch: the content type must be set (client-node.md §4).
    await this.call(`scaling Deployment ${namespace}/${deployment} to ${replicas}`, () =>
      this.apps.patchNamespacedDeploymentScale(
        { name: deployment, namespace, body: { spec: { replicas } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    );
  }

  async serverVersion(): Promise<string> {
    const v = await this.call('reading the server version', () => this.kc.makeApiClient(k8s.VersionApi).getCode());
    return v.gitVersion;
  }

  async proxyGet(target: { namespace: string; service: string; port: number }, pathAndQuery: string, timeoutMs: number): Promise<{ status: number; body: string }> {
    try {
      return await serviceProxyGet(this.kc, this.server, target, pathAndQuery, timeoutMs, this.deps.signal);
    } catch (err) {
      throw translateKubeError(err, { context: this.context, server: this.server, action: `GET ${target.namespace}/${target.service}:${target.port} through the service proxy` });
    }
  }

  exec(req: ExecRequest): Promise<ExecResult> {
    const t = this.timeouts;
    const left = t.deadlineMs !== undefined ? t.deadlineMs - this.deps.clock.now() : Infinity;
    // Only the request's own signal stops an exec: the stop file must still be created after Ctrl-C.
    const run = () => execCapture(this.kc, req, { context: this.context, server: this.server, action: 'exec' }, t.requestMs);
    if (left >= req.timeoutMs) return run();
    // The command's --timeout comes first: cut there, with the deadline's message (the exec's own
    // bound stays as it was; its socket closes with its signal or its timer).
    return bounded(run, t, { context: this.context, server: this.server, action: `exec ${JSON.stringify(req.argv.slice(0, 3).join(' '))} in ${req.namespace}/${req.pod}` }, this.deps.clock.now(), undefined, false);
  }

  logs(req: LogRequest): Promise<string> {
    return this.call(`reading the log of ${req.namespace}/${req.pod} container ${req.container}`, () => readLog(this.kc, req));
  }

  async followLogs(req: FollowLogRequest): Promise<void> {
    const pod = await this.get({ apiVersion: 'v1', kind: 'Pod', name: req.pod, namespace: req.namespace });
    if (pod === undefined) throw new KubeNotFoundError(`context '${this.context}': pod ${req.namespace}/${req.pod} does not exist`);
    try {
      await followLog(this.kc, req, (opening) => this.bound(`opening the log stream of ${req.namespace}/${req.pod} container ${req.container}`, () => opening));
    } catch (err) {
      throw translateKubeError(err, { context: this.context, server: this.server, action: `following the log of ${req.namespace}/${req.pod}` });
    }
  }
}

/** Lists omit apiVersion/kind on built-in items; put them back so objects are self-describing. */
function withTypeMeta(obj: KubeObject, apiVersion: string, kind: string): KubeObject {
  return { ...obj, apiVersion: obj.apiVersion || apiVersion, kind: obj.kind || kind };
}

/** A gateway for one context. */
export function createClusterGateway(cfg: ContextConfig, deps: GatewayDeps): ClusterGateway {
  return new ClientGateway(cfg, deps);
}
