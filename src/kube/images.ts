/** Container image helpers. */
import type { KubeObject } from './gateway.js';

/** The tag of an image reference (`docker.io/istio/pilot:1.24.2` → `1.24.2`; digests ignored); undefined without one. */
export function imageTag(image: string | undefined): string | undefined {
  if (image === undefined) return undefined;
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : undefined;
}

interface ContainerLike {
  name: string;
  image?: string;
  restartPolicy?: string;
}

/** Containers of a Deployment's pod template. */
export function templateContainers(deployment: KubeObject | undefined): ContainerLike[] {
  const spec = deployment?.['spec'] as { template?: { spec?: { containers?: ContainerLike[] } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

/** istiod's version from its `discovery` container image (the first container otherwise). */
export function istiodVersion(istiod: KubeObject | undefined): string | undefined {
  const cs = templateContainers(istiod);
  return imageTag((cs.find((c) => c.name === 'discovery') ?? cs[0])?.image);
}

/**
 * True when a pod runs an `istio-proxy` sidecar: a regular container, or a native sidecar
 * (an init container with restartPolicy Always, as recent Istio injects where supported).
 */
export function hasIstioProxy(pod: KubeObject): boolean {
  const spec = (pod['spec'] ?? {}) as { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  return (
    (spec.containers ?? []).some((c) => c.name === 'istio-proxy') ||
    (spec.initContainers ?? []).some((c) => c.name === 'istio-proxy' && c.restartPolicy === 'Always')
  );
}

/** Pod Ready condition. */
export function isPodReady(pod: KubeObject): boolean {
  const conds = (pod['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True') && pod.metadata.deletionTimestamp === undefined;
}
