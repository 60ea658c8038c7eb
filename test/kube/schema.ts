/**
 * Validates objects against the Kubernetes (kubernetes-models v4) and Istio
 * (@kubernetes-models/istio v2) JSON schemas. That package has networking.istio.io v1alpha3 and
 * v1beta1 only: v1 objects are validated with the v1beta1 schema (the v1 API is the same
 * schema promoted). The schemas do not reject unknown fields, so built-in kinds are also
 * round-tripped through client-node's own serializer (which keeps only fields it knows), and
 * IstioOperators are checked against the fields meshbench's manifests may use (their schema in
 * the package is empty).
 */
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { DestinationRule, Gateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { KubeObject } from '../../src/kube/gateway.js';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, [Model, string?]> = {
  'v1/Namespace': [Namespace as unknown as Model, 'V1Namespace'],
  'v1/Secret': [Secret as unknown as Model, 'V1Secret'],
  'v1/Service': [Service as unknown as Model, 'V1Service'],
  'v1/ServiceAccount': [ServiceAccount as unknown as Model, 'V1ServiceAccount'],
  'v1/ConfigMap': [ConfigMap as unknown as Model, 'V1ConfigMap'],
  'apps/v1/Deployment': [Deployment as unknown as Model, 'V1Deployment'],
  'batch/v1/Job': [Job as unknown as Model, 'V1Job'],
  'rbac.authorization.k8s.io/v1/ClusterRole': [ClusterRole as unknown as Model, 'V1ClusterRole'],
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': [ClusterRoleBinding as unknown as Model, 'V1ClusterRoleBinding'],
  'networking.istio.io/v1beta1/DestinationRule': [DestinationRule as unknown as Model],
  'networking.istio.io/v1beta1/Gateway': [Gateway as unknown as Model],
  'install.istio.io/v1alpha1/IstioOperator': [IstioOperator as unknown as Model],
};

/** Leaf paths an IstioOperator in manifests/ may set (`[]` = any list index). */
const ISTIO_OPERATOR_FIELDS = new Set([
  'apiVersion',
  'kind',
  'metadata.name',
  'spec.profile',
  'spec.revision',
  'spec.values.global.meshID',
  'spec.values.global.network',
  'spec.values.global.multiCluster.clusterName',
  'spec.values.gateways.istio-ingressgateway.injectionTemplate',
  'spec.components.ingressGateways[].name',
  'spec.components.ingressGateways[].enabled',
  'spec.components.ingressGateways[].label.istio',
  'spec.components.ingressGateways[].label.app',
  'spec.components.ingressGateways[].label.topology.istio.io/network',
  'spec.components.ingressGateways[].k8s.env[].name',
  'spec.components.ingressGateways[].k8s.env[].value',
  'spec.components.ingressGateways[].k8s.service.ports[].name',
  'spec.components.ingressGateways[].k8s.service.ports[].port',
  'spec.components.ingressGateways[].k8s.service.ports[].targetPort',
]);

function leafPaths(v: unknown, prefix: string): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => leafPaths(x, `${prefix}[]`));
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 0) return [prefix];
    return entries.flatMap(([k, x]) => leafPaths(x, prefix === '' ? k : `${prefix}.${k}`));
  }
  return [prefix];
}

/** Paths present in `a` but not in `b` (fields a serializer dropped). */
function dropped(a: unknown, b: unknown, prefix = ''): string[] {
  if (Array.isArray(a)) return a.flatMap((x, i) => dropped(x, Array.isArray(b) ? b[i] : undefined, `${prefix}[${i}]`));
  if (a !== null && typeof a === 'object') {
    const bo = (b ?? {}) as Record<string, unknown>;
    return Object.entries(a).flatMap(([k, x]) => (k in bo ? dropped(x, bo[k], prefix === '' ? k : `${prefix}.${k}`) : [prefix === '' ? k : `${prefix}.${k}`]));
  }
  return [];
}

/** Problems of one object; empty when it is valid. */
export function schemaProblems(obj: KubeObject): string[] {
  const apiVersion = obj.apiVersion === 'networking.istio.io/v1' ? 'networking.istio.io/v1beta1' : obj.apiVersion;
  const entry = MODELS[`${apiVersion}/${obj.kind}`];
  const name = `${obj.apiVersion} ${obj.kind} ${obj.metadata?.name ?? ''}`;
  if (entry === undefined) return [`${name}: no schema known for this kind`];
  const [Model, serializerType] = entry;
  const problems: string[] = [];
  try {
    new Model({ ...obj, apiVersion } as never).validate();
  } catch (e) {
    problems.push(`${name}: ${(e as Error).message}`);
  }
  if (serializerType !== undefined) {
    const roundTrip = ObjectSerializer.serialize(ObjectSerializer.deserialize(structuredClone(obj), serializerType, ''), serializerType, '') as unknown;
    for (const p of dropped(obj, JSON.parse(JSON.stringify(roundTrip)))) problems.push(`${name}: unknown field ${p}`);
  }
  if (obj.kind === 'IstioOperator') {
    for (const p of leafPaths(obj, '')) if (!ISTIO_OPERATOR_FIELDS.has(p)) problems.push(`${name}: field ${p} is not one meshbench's IstioOperators use`);
  }
  return problems;
}
