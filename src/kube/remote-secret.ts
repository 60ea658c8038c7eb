/**
 * Remote secrets made natively, the way `istioctl create-remote-secret` makes them
 * (istioctl/pkg/multicluster/remote_secret.go; mesh-behaviour.md §8.4): in the *source* cluster a
 * reader service account `istio-reader-service-account` with its ClusterRole/Binding (created
 * only when missing, as `--create-service-account` does), a `kubernetes.io/service-account-token`
 * Secret, a wait for the token; then in every *other* cluster a Secret
 * `istio-remote-secret-<source>` holding a kubeconfig for the source's API server, labelled
 * `istio/multiCluster: "true"` and annotated `networking.istio.io/cluster: <source>`.
 */
import { stringify } from 'yaml';
import type { Clock } from '../app/ports.js';
import { EnvironmentError } from '../errors.js';
import { MANAGED_BY_LABEL, type ClusterGateway, type KubeObject } from './gateway.js';
import { ISTIO_NAMESPACE, managed, type ClusterSpec } from './testbed.js';

export const READER_SERVICE_ACCOUNT = 'istio-reader-service-account';
/** The name Istio's charts give the reader role in istio-system (reader-clusterrole.yaml). */
export const READER_CLUSTER_ROLE = `istio-reader-clusterrole-${ISTIO_NAMESPACE}`;
export const READER_TOKEN_SECRET = `${READER_SERVICE_ACCOUNT}-istio-remote-secret-token`;
export const MULTICLUSTER_LABEL = 'istio/multiCluster';
export const CLUSTER_ANNOTATION = 'networking.istio.io/cluster';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';

/** `istio-remote-secret-<cluster>`, the name istioctl gives it. */
export function remoteSecretName(cluster: string): string {
  return `istio-remote-secret-${cluster}`;
}

export function readerServiceAccount(): KubeObject {
  return managed({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: READER_SERVICE_ACCOUNT, namespace: ISTIO_NAMESPACE } });
}

/** The rules of Istio's `istio-reader-clusterrole-<ns>` (what a remote istiod needs to read). */
export function readerClusterRole(): KubeObject {
  const read = ['get', 'list', 'watch'];
  return managed({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: READER_CLUSTER_ROLE },
    rules: [
      {
        apiGroups: ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io', 'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        resources: ['*'],
        verbs: read,
      },
      { apiGroups: [''], resources: ['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces', 'secrets'], verbs: read },
      { apiGroups: ['networking.istio.io'], resources: ['workloadentries'], verbs: read },
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: read },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
      { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceexports'], verbs: read },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: read },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ],
  });
}

export function readerClusterRoleBinding(): KubeObject {
  return managed({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: READER_CLUSTER_ROLE },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: READER_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: READER_SERVICE_ACCOUNT, namespace: ISTIO_NAMESPACE }],
  });
}

/** The token Secret the token controller fills (Kubernetes ≥1.24 no longer makes one per SA). */
export function readerTokenSecret(): KubeObject {
  return managed({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: READER_TOKEN_SECRET, namespace: ISTIO_NAMESPACE, annotations: { [SA_NAME_ANNOTATION]: READER_SERVICE_ACCOUNT } },
    type: SA_TOKEN_TYPE,
  });
}

/** What the remote kubeconfig needs about the source cluster. */
export interface RemoteAccess {
  /** API server URL as the source context reaches it. */
  server: string;
  tlsServerName?: string;
  /** base64 CA bundle (the token secret's `ca.crt`). */
  caDataB64: string;
  token: string;
}

/** The kubeconfig istiod uses to watch `cluster` (one cluster, context and user, all named after it). */
export function remoteKubeconfig(cluster: string, access: RemoteAccess): string {
  const clusterEntry: Record<string, string> = { 'certificate-authority-data': access.caDataB64, server: access.server };
  if (access.tlsServerName !== undefined) clusterEntry['tls-server-name'] = access.tlsServerName;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: clusterEntry }],
    contexts: [{ name: cluster, context: { cluster, user: cluster } }],
    'current-context': cluster,
    preferences: {},
    users: [{ name: cluster, user: { token: access.token } }],
  });
}

/** The Secret placed in every other cluster's istio-system. `kubeconfig` is stored under the cluster's name. */
export function remoteSecret(source: ClusterSpec, kubeconfig: string): KubeObject {
  return managed({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: remoteSecretName(source.name),
      namespace: ISTIO_NAMESPACE,
      labels: { [MULTICLUSTER_LABEL]: 'true' },
      annotations: { [CLUSTER_ANNOTATION]: source.name },
    },
    type: 'Opaque',
    data: { [source.name]: Buffer.from(kubeconfig, 'utf8').toString('base64') },
  });
}

/** Dry-run stand-in: the same Secret with a description of the kubeconfig instead of the token. */
export function remoteSecretPlaceholder(source: ClusterSpec, server: string): KubeObject {
  const s = remoteSecret(source, '');
  delete s['data'];
  s['stringData'] = {
    [source.name]: `<kubeconfig for ${server} with the token of ${ISTIO_NAMESPACE}/${READER_SERVICE_ACCOUNT} in ${source.name} (context ${source.context})>`,
  };
  return s;
}

function decode(obj: KubeObject | undefined, key: string): string | undefined {
  const data = obj?.['data'] as Record<string, string> | undefined;
  const v = data?.[key];
  return v === undefined || v === '' ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

/**
 * Make sure the reader service account, its RBAC and a token secret exist in the source cluster
 * (creating only what is missing, so an Istio-installed account is left alone), then wait for the
 * token (istioctl waits 5 × 1 s; we wait up to `waitMs`).
 * @returns the token and CA bundle; never logged.
 */
export async function ensureReaderToken(
  gw: ClusterGateway,
  source: ClusterSpec,
  opts: { clock: Clock; waitMs: number; pollMs?: number; note?: (line: string) => void; signal?: AbortSignal },
): Promise<{ token: string; caDataB64: string }> {
  const created: string[] = [];
  for (const obj of [readerServiceAccount(), readerClusterRole(), readerClusterRoleBinding()]) {
    const ref = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) };
    const existing = await gw.get(ref);
    // Leave Istio's own objects alone; re-apply ours (idempotent) so drift is repaired.
    if (existing === undefined || existing.metadata.labels?.[MANAGED_BY_LABEL] !== undefined) {
      await gw.apply(obj);
      if (existing === undefined) created.push(`${obj.kind} ${obj.metadata.name}`);
    }
  }
  if (created.length > 0) opts.note?.(`${source.name}: created ${created.join(', ')}`);
  // Reuse any populated token secret of the account (as istioctl does), else ours.
  const secrets = await gw.list('v1', 'Secret', { namespace: ISTIO_NAMESPACE });
  const usable = secrets.find(
    (s) => s['type'] === SA_TOKEN_TYPE && s.metadata.annotations?.[SA_NAME_ANNOTATION] === READER_SERVICE_ACCOUNT && decode(s, 'token') !== undefined,
  );
  let secretName = usable?.metadata.name;
  if (secretName === undefined) {
    await gw.apply(readerTokenSecret());
    secretName = READER_TOKEN_SECRET;
  }
  const deadline = opts.clock.now() + opts.waitMs;
  for (;;) {
    const s = await gw.get({ apiVersion: 'v1', kind: 'Secret', namespace: ISTIO_NAMESPACE, name: secretName });
    const token = decode(s, 'token');
    const ca = (s?.['data'] as Record<string, string> | undefined)?.['ca.crt'];
    if (token !== undefined && ca !== undefined && ca !== '') return { token, caDataB64: ca };
    if (opts.clock.now() >= deadline) {
      throw new EnvironmentError(
        `${source.name} (context '${gw.context}'): the token of ${ISTIO_NAMESPACE}/${READER_SERVICE_ACCOUNT} was not populated within ${Math.round(opts.waitMs / 1000)} s`,
        {
          code: 'KUBE_TOKEN',
          hint: `Check that the token controller runs: \`kubectl --context ${gw.context} -n ${ISTIO_NAMESPACE} describe secret ${secretName}\`.`,
        },
      );
    }
    await opts.clock.sleep(opts.pollMs ?? 1_000, opts.signal);
  }
}
