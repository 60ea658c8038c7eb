/**
 * The port between meshbench's kube use cases (deploy, doctor, cleanup, run, restore) and a
 * Kubernetes cluster. Plain data in and out (no client-node model classes), so use cases can be
 * tested against any implementation and the adapter is the only code that knows client-node.
 */

/** Label every object meshbench creates carries; `cleanup` selects on it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'meshbench';
/** Field manager for server-side apply (≤128 printable characters). */
export const FIELD_MANAGER = 'meshbench';

/** Object metadata as the API returns it (only what we read is typed). */
export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid?: string }>;
  [key: string]: unknown;
}

/** Any Kubernetes object as plain JSON data. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [key: string]: unknown;
}

/** Identifies one object. `namespace` is required for namespaced kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ListOptions {
  /** Omit for every namespace (or for cluster-scoped kinds). */
  namespace?: string;
  /** Kubernetes label selector, e.g. `app=helloworld,version in (v1,v2)`. */
  labelSelector?: string;
}

export interface ExecRequest {
  namespace: string;
  pod: string;
  /** Always explicit: Istio pods have at least two containers. */
  container: string;
  /** argv array (a string would be one executable name). */
  argv: readonly string[];
  /** Upper bound for the whole exec; the remote process is not killed by closing the socket. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Receives stdout as it arrives (live output of a long command). When set, stdout is not also
   * collected: `ExecResult.stdout` is then empty, so a long stream does not pile up in memory.
   */
  onStdout?: (text: string) => void;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** From the status channel: 0 on Success, the NonZeroExitCode cause otherwise (-1 when unknown). */
  exitCode: number;
}

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  /** Only the last n lines (n ≥ 1). */
  tailLines?: number;
  /** Only lines newer than this (≥ 1; client-node drops a 0). */
  sinceSeconds?: number;
}

export interface FollowLogRequest extends LogRequest {
  /** Called once per complete line (without the newline). */
  onLine: (line: string) => void;
  signal?: AbortSignal;
  /** Prefix each line with the kubelet's receive time (RFC3339Nano and a space). */
  timestamps?: boolean;
  /** Only lines received at or after this RFC3339 time (resuming a cut follow); not with sinceSeconds. */
  sinceTime?: string;
}

/** One cluster, reached through one kubeconfig context. */
export interface ClusterGateway {
  /** kubeconfig context name. */
  readonly context: string;
  /** API server URL of the context (not secret). */
  readonly server: string;
  /** `tls-server-name` of the context's cluster, when the kubeconfig sets one. */
  readonly tlsServerName?: string;

  /** True when the cluster serves this apiVersion/kind (discovery; cached). */
  serves(apiVersion: string, kind: string): Promise<boolean>;
  /** Server-side apply (field manager `meshbench`, force): creates or updates. Returns the stored object. */
  apply(obj: KubeObject): Promise<KubeObject>;
  /**
   * Replaces an existing object with exactly `obj` (PUT, field manager `meshbench`): fields other
   * managers set and `obj` lacks are gone, which server-side apply would keep. `obj` carries the
   * resourceVersion it was read at (a conflict, 409, if it changed since).
   */
  replace(obj: KubeObject): Promise<KubeObject>;
  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<KubeObject[]>;
  /** Deletes (background propagation); false when it was already gone. */
  delete(ref: ObjectRef): Promise<boolean>;
  /** Sets a Deployment's replicas through the scale subresource (merge patch). */
  scale(namespace: string, deployment: string, replicas: number): Promise<void>;
  exec(req: ExecRequest): Promise<ExecResult>;
  /** The log of one container (not following). */
  logs(req: LogRequest): Promise<string>;
  /** Streams new log lines until the pod's log ends or `signal` aborts; resolves then. */
  followLogs(req: FollowLogRequest): Promise<void>;
  /**
   * The API server's version (`GET /version`, its `gitVersion`, e.g. `v1.31.2`). Optional so other
   * implementations stay valid; callers fall back to the nodes' kubelet versions without it.
   */
  serverVersion?(): Promise<string>;
  /**
   * GET through the API server's service proxy (Prometheus, istiod's debug port): status and text.
   * Optional so other implementations stay valid; callers skip what needs it without it.
   */
  proxyGet?(target: { namespace: string; service: string; port: number }, pathAndQuery: string, timeoutMs: number): Promise<{ status: number; body: string }>;
}

/** `namespace/name` or `name`, for messages. */
export function refName(ref: { name: string; namespace?: string }): string {
  return ref.namespace !== undefined && ref.namespace !== '' ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** The ref of an object. */
export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace !== undefined) ref.namespace = obj.metadata.namespace;
  return ref;
}
