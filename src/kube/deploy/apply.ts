/**
 * Applying objects during deploy: server-side apply through the gateway, with the Istio
 * networking API version the cluster actually serves (v1 needs Istio 1.22+; older clusters get
 * the same object as v1beta1, then v1alpha3 — the schema is the same for what we use).
 */
import type { Progress } from '../../app/ports.js';
import { KubeApiUnsupportedError } from '../errors.js';
import { refName, type ClusterGateway, type KubeObject } from '../gateway.js';
import type { ClusterSpec } from '../testbed.js';

const ISTIO_NETWORKING_FALLBACK = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];

/** The object with the first networking.istio.io version (from its own down) the cluster serves. */
export async function servedVariant(gw: ClusterGateway, obj: KubeObject): Promise<KubeObject> {
  const start = ISTIO_NETWORKING_FALLBACK.indexOf(obj.apiVersion);
  if (start < 0) return obj;
  for (const v of ISTIO_NETWORKING_FALLBACK.slice(start)) {
    if (await gw.serves(v, obj.kind)) return v === obj.apiVersion ? obj : { ...obj, apiVersion: v };
  }
  throw new KubeApiUnsupportedError(`context '${gw.context}' (${gw.server}) serves no networking.istio.io version of ${obj.kind}`, {
    hint: 'Install Istio in that cluster first (meshbench deploy without --skip-istio, or istioctl install).',
  });
}

/** Apply objects in order to one cluster, one progress note per object. */
export async function applyAll(gw: ClusterGateway, cluster: ClusterSpec, objs: readonly KubeObject[], progress: Progress): Promise<void> {
  for (const obj of objs) {
    const variant = await servedVariant(gw, obj);
    await gw.apply(variant);
    progress.note(`${cluster.name}: applied ${variant.kind} ${refName(variant.metadata)}`);
  }
}
