/**
 * The seed's test bed as objects, built from the manifest templates and parameterised per
 * cluster (name, network, position). Pure: deploy applies these, `--dry-run` prints them, and
 * cleanup knows what to remove from the same labels.
 */
import { InvalidInputError } from '../errors.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, type KubeObject } from './gateway.js';
import type { ManifestTemplates } from './manifests.js';

export const ISTIO_NAMESPACE = 'istio-system';
export const SAMPLE_NAMESPACE = 'sample';
export const NETWORK_LABEL = 'topology.istio.io/network';
export const INJECTION_LABEL = 'istio-injection';
export const CACERTS_SECRET = 'cacerts';
export const EASTWEST_GATEWAY = 'istio-eastwestgateway';
export const HELLOWORLD_SERVICE = 'helloworld';
export const HELLOWORLD_PORT = 5000;
export const SLEEP_DEPLOYMENT = 'sleep';

/** One cluster of the test bed: contexts are taken in order as cluster1, cluster2, ... */
export interface ClusterSpec {
  /** 0-based position. */
  index: number;
  /** `cluster<N>`: the Istio cluster name (multiCluster.clusterName). */
  name: string;
  /** `network<N>`. */
  network: string;
  /** kubeconfig context. */
  context: string;
}

/** cluster1/network1 for the first context, cluster2/network2 for the second, and so on. */
export function clusterSpecs(contexts: readonly string[]): ClusterSpec[] {
  return contexts.map((context, index) => ({ index, name: `cluster${index + 1}`, network: `network${index + 1}`, context }));
}

/** The helloworld version each cluster runs: v1 in cluster1, v2 in cluster2, v<N> beyond. */
export function helloworldVersion(c: ClusterSpec): string {
  return `v${c.index + 1}`;
}

/** A template that does not have the shape deploy needs (exit 3, naming the file). */
function invalid(file: string, message: string): InvalidInputError {
  return new InvalidInputError([{ file, path: '', message }]);
}

function clone<T>(x: T): T {
  return structuredClone(x);
}

/** A copy with `app.kubernetes.io/managed-by: meshbench` on its metadata. */
export function managed(obj: KubeObject): KubeObject {
  const o = clone(obj);
  o.metadata.labels = { ...(o.metadata.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  return o;
}

function only(objs: readonly KubeObject[], kind: string, file: string): KubeObject {
  const found = objs.filter((o) => o.kind === kind);
  if (found.length !== 1) throw invalid(file, `expected exactly one ${kind}, found ${found.length}`);
  return found[0] as KubeObject;
}

/** Replace every string equal to `from` (anywhere in the object) by `to`. */
function replaceStrings<T>(value: T, from: string, to: string): T {
  if (typeof value === 'string') return (value === from ? to : value) as T;
  if (Array.isArray(value)) return value.map((v) => replaceStrings(v, from, to)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k === from ? to : k] = replaceStrings(v, from, to);
    return out as T;
  }
  return value;
}

function globalValues(op: KubeObject): Record<string, unknown> {
  const spec = (op['spec'] ?? {}) as { values?: { global?: Record<string, unknown> } };
  return spec.values?.global ?? {};
}

/** The IstioOperator of the control plane of `c` (01 for cluster1, 02 for the others, with name and network set). */
export function controlPlaneOperator(t: ManifestTemplates, c: ClusterSpec): KubeObject {
  const op = clone(only(c.index === 0 ? t.cluster1Operator : t.cluster2Operator, 'IstioOperator', c.index === 0 ? 'manifests/01-cluster1-istiooperator.yaml' : 'manifests/02-cluster2-istiooperator.yaml'));
  const spec = (op['spec'] ??= {}) as { values?: { global?: Record<string, unknown> } };
  spec.values ??= {};
  spec.values.global ??= {};
  const g = spec.values.global;
  g['multiCluster'] = { ...((g['multiCluster'] as object | undefined) ?? {}), clusterName: c.name };
  g['network'] = c.network;
  return op;
}

/** The mesh ID every cluster joins (from 01). */
export function meshId(t: ManifestTemplates): string {
  const id = globalValues(only(t.cluster1Operator, 'IstioOperator', 'manifests/01-cluster1-istiooperator.yaml'))['meshID'];
  return typeof id === 'string' ? id : 'mesh1';
}

/** The east-west gateway IstioOperator (03) for the network of `c`. */
export function eastWestOperator(t: ManifestTemplates, c: ClusterSpec): KubeObject {
  const op = only(t.eastWestGateway, 'IstioOperator', 'manifests/03-eastwest-gateway.yaml');
  const templateNetwork = globalValues(op)['network'];
  if (typeof templateNetwork !== 'string') throw invalid('manifests/03-eastwest-gateway.yaml', 'spec.values.global.network is not set');
  return replaceStrings(clone(op), templateNetwork, c.network);
}

/** istio-system with the cluster's network label (not labelled managed-by: cleanup must not delete it). */
export function istioNamespace(c: ClusterSpec): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ISTIO_NAMESPACE, labels: { [NETWORK_LABEL]: c.network } } };
}

/** The `cacerts` secret (kubectl create secret generic cacerts --from-file=...), data base64-encoded. */
export function cacertsSecret(files: Readonly<Record<string, string>>): KubeObject {
  const data: Record<string, string> = {};
  for (const k of Object.keys(files).sort()) data[k] = Buffer.from(files[k] as string, 'utf8').toString('base64');
  return managed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: CACERTS_SECRET, namespace: ISTIO_NAMESPACE }, type: 'Opaque', data });
}

/** Dry-run stand-in for `cacerts`: names where the data would come from, holds no key material. */
export function cacertsPlaceholder(source: string, cluster: string, keys: readonly string[]): KubeObject {
  const stringData: Record<string, string> = {};
  for (const k of keys) stringData[k] = `<contents of ${source}/${cluster}/${k}>`;
  return managed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: CACERTS_SECRET, namespace: ISTIO_NAMESPACE }, type: 'Opaque', stringData });
}

/** The cross-network Gateway (04). */
export function exposeServices(t: ManifestTemplates): KubeObject[] {
  return t.exposeServices.map(managed);
}

/** Namespace `sample` with sidecar injection on. */
export function sampleNamespace(): KubeObject {
  return managed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: SAMPLE_NAMESPACE, labels: { [INJECTION_LABEL]: 'enabled' } } });
}

/**
 * Deployments are applied without spec.replicas (the API server defaults it to 1), so a scale done
 * later through the scale subresource survives a second deploy (client-node.md §3, "Replicas").
 */
function withoutReplicas(o: KubeObject): KubeObject {
  if (o.kind !== 'Deployment') return o;
  const c = clone(o);
  const spec = c['spec'] as { replicas?: number } | undefined;
  if (spec !== undefined) delete spec.replicas;
  return c;
}

function inNamespace(o: KubeObject, ns: string): KubeObject {
  return o.metadata.namespace !== undefined ? o : { ...o, metadata: { ...o.metadata, namespace: ns } };
}

/** helloworld Service (every cluster) and helloworld-v<N> Deployment of cluster N. */
export function helloworld(t: ManifestTemplates, c: ClusterSpec): KubeObject[] {
  const template = c.index === 0 ? t.helloworldV1 : t.helloworldV2;
  const file = c.index === 0 ? 'manifests/05-helloworld-v1.yaml' : 'manifests/06-helloworld-v2.yaml';
  const service = only(template, 'Service', file);
  let deployment = only(template, 'Deployment', file);
  if (c.index >= 2) deployment = replaceStrings(replaceStrings(deployment, 'helloworld-v2', `helloworld-${helloworldVersion(c)}`), 'v2', helloworldVersion(c));
  return [service, deployment].map((o) => managed(withoutReplicas(inNamespace(o, SAMPLE_NAMESPACE))));
}

/** The sleep client (cluster1 only). */
export function sleepObjects(t: ManifestTemplates): KubeObject[] {
  return t.sleep.map((o) => managed(withoutReplicas(inNamespace(o, SAMPLE_NAMESPACE))));
}

/** The DestinationRule(s) of 08-locality-lb.yaml, in `sample` unless the file says otherwise. */
export function destinationRules(t: ManifestTemplates): KubeObject[] {
  for (const o of t.destinationRule) {
    if (o.kind !== 'DestinationRule' || !o.apiVersion.startsWith('networking.istio.io/')) {
      throw invalid('the DestinationRule manifest', `holds a ${o.apiVersion} ${o.kind}; only networking.istio.io DestinationRules belong there`);
    }
  }
  return t.destinationRule.map((o) => managed(inNamespace(o, SAMPLE_NAMESPACE)));
}

/** Prometheus + Kiali (09). */
export function observability(t: ManifestTemplates): KubeObject[] {
  return t.observability.map((o) => managed(withoutReplicas(o)));
}

/** Deployments whose rollout deploy waits for in cluster `c`. */
export function workloadDeployments(c: ClusterSpec, withObservability: boolean): Array<{ namespace: string; name: string }> {
  const out = [{ namespace: SAMPLE_NAMESPACE, name: `helloworld-${helloworldVersion(c)}` }];
  if (c.index === 0) out.push({ namespace: SAMPLE_NAMESPACE, name: SLEEP_DEPLOYMENT });
  if (withObservability) out.push({ namespace: ISTIO_NAMESPACE, name: 'prometheus' }, { namespace: ISTIO_NAMESPACE, name: 'kiali' });
  return out;
}
