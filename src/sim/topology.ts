/**
 * What istiod sees of a resolved Mesh: pods with deterministic Kubernetes-style names and IPs, the
 * IstioEndpoints of a service, the east-west gateways, the ProxyView of a client. The simulator
 * engine and `explain` share these helpers, so the same mesh always yields the same names.
 */
import type { Mesh, MeshCluster, MeshWorkload } from '../model/mesh.js';
import { augmentLabels } from './istiod/labels.js';
import type { IstioEndpoint, NetworkGateway, ProxyView } from './xds-types.js';

/** Port every helloworld-like service listens on (product.md §3.1). */
export const SERVICE_PORT = 5000;
/** istio-eastwestgateway's mTLS passthrough port (DefaultNetworkGatewayPort). */
export const GATEWAY_PORT = 15443;

/** Kubernetes' rand.String alphabet (no vowels, no confusable characters). */
const POD_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a 32-bit hash of a string (stable across runs and platforms). */
export function stableHash32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The 10-hex-character pod-template-hash of a Deployment (stable per cluster/deployment). */
export function podTemplateHash(cluster: string, deployment: string): string {
  const key = `${cluster}/${deployment}`;
  const a = stableHash32(key).toString(16).padStart(8, '0');
  const b = (stableHash32(key, 0x9747b28c) & 0xff).toString(16).padStart(2, '0');
  return a + b;
}

/**
 * Pod name `<deployment>-<10 hex>-<5 chars>`, e.g. `helloworld-v1-3f9a1c22b7-x4k2p`: derived from
 * cluster, deployment and the pod's ordinal (0 for the first pod, increasing for every new pod).
 */
export function podName(cluster: string, deployment: string, ordinal: number): string {
  let h = stableHash32(`${cluster}/${deployment}/${ordinal}`, 0x2545f491);
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += POD_SUFFIX_ALPHABET[h % POD_SUFFIX_ALPHABET.length];
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return `${deployment}-${podTemplateHash(cluster, deployment)}-${suffix}`;
}

/**
 * Pod IP `10.<cluster index + 1>.x.y`: each workload owns a block of 4096 addresses
 * (workload 0: 10.c.0.1 …, workload 1: 10.c.16.1 …), so a new pod gets a new address (addresses
 * are reused only after 4095 pods of the same workload).
 */
export function podIp(clusterIndex: number, workloadIndex: number, ordinal: number): string {
  const n = workloadIndex * 4096 + (ordinal % 4095) + 1;
  return `10.${clusterIndex + 1}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/** Pod labels: `app` (the service, else the workload name), `version`, then the workload's labels. */
export function podLabels(workload: MeshWorkload): Record<string, string> {
  const labels: Record<string, string> = { app: workload.service ?? workload.name };
  if (workload.version !== undefined) labels['version'] = workload.version;
  return { ...labels, ...workload.labels };
}

/** Find a cluster and one of its workloads by name. */
export function findWorkload(
  mesh: Mesh,
  cluster: string,
  workload: string,
): { cluster: MeshCluster; clusterIndex: number; workload: MeshWorkload; workloadIndex: number } | undefined {
  const clusterIndex = mesh.clusters.findIndex((c) => c.name === cluster);
  const c = mesh.clusters[clusterIndex];
  if (c === undefined) return undefined;
  const workloadIndex = c.workloads.findIndex((w) => w.name === workload);
  const w = c.workloads[workloadIndex];
  return w === undefined ? undefined : { cluster: c, clusterIndex, workload: w, workloadIndex };
}

/** The IstioEndpoint of pod `ordinal` of a workload (sidecar-injected, weight 1, port 5000). */
export function endpointForPod(mesh: Mesh, cluster: string, workload: string, ordinal: number): IstioEndpoint {
  const found = findWorkload(mesh, cluster, workload);
  if (found === undefined) throw new RangeError(`no workload ${cluster}/${workload} in mesh ${mesh.name}`);
  return {
    id: podName(cluster, workload, ordinal),
    address: podIp(found.clusterIndex, found.workloadIndex, ordinal),
    port: SERVICE_PORT,
    cluster,
    network: found.cluster.network,
    locality: found.workload.locality,
    labels: podLabels(found.workload),
    weight: 1,
    mtls: true,
  };
}

/** Every (namespace, service) pair some workload backs, in mesh order. */
export function servicesOf(mesh: Mesh): Array<{ service: string; namespace: string }> {
  const seen = new Map<string, { service: string; namespace: string }>();
  for (const c of mesh.clusters) {
    for (const w of c.workloads) {
      if (w.service !== undefined) seen.set(`${w.namespace}/${w.service}`, { service: w.service, namespace: w.namespace });
    }
  }
  return [...seen.values()];
}

/**
 * The endpoints istiod lists for a service with every workload at its declared replicas
 * (pods 0..replicas-1), clusters and workloads in mesh order.
 */
export function serviceEndpoints(mesh: Mesh, service: string, namespace?: string): IstioEndpoint[] {
  const out: IstioEndpoint[] = [];
  for (const c of mesh.clusters) {
    for (const w of c.workloads) {
      if (w.service !== service || (namespace !== undefined && w.namespace !== namespace)) continue;
      for (let i = 0; i < w.replicas; i++) out.push(endpointForPod(mesh, c.name, w.name, i));
    }
  }
  return out;
}

/** One NetworkGateway per cluster with an east-west gateway: `<cluster>/istio-eastwestgateway`, 172.18.<i+1>.1:15443. */
export function gatewaysOf(mesh: Mesh): NetworkGateway[] {
  const out: NetworkGateway[] = [];
  mesh.clusters.forEach((c, i) => {
    if (c.eastWestGateway === undefined) return;
    out.push({ id: gatewayId(c.name), address: `172.18.${i + 1}.1`, port: GATEWAY_PORT, network: c.network, cluster: c.name });
  });
  return out;
}

/** Id of a cluster's east-west gateway. */
export function gatewayId(cluster: string): string {
  return `${cluster}/istio-eastwestgateway`;
}

/** Every client workload (`client: true`) of the mesh, in mesh order. */
export function clientsOf(mesh: Mesh): Array<{ cluster: string; workload: string }> {
  return mesh.clusters.flatMap((c) => c.workloads.filter((w) => w.client).map((w) => ({ cluster: c.name, workload: w.name })));
}

/**
 * The client proxy as istiod sees it: first pod of the workload, its cluster's network, the
 * workload locality, pod labels plus topology labels (region/zone/subzone, cluster, network).
 */
export function proxyViewOf(mesh: Mesh, cluster: string, workload: string): ProxyView {
  const found = findWorkload(mesh, cluster, workload);
  if (found === undefined) throw new RangeError(`no workload ${cluster}/${workload} in mesh ${mesh.name}`);
  const network = found.cluster.network;
  const locality = found.workload.locality;
  return {
    id: podName(cluster, workload, 0),
    cluster,
    network,
    locality,
    labels: augmentLabels(podLabels(found.workload), { cluster, locality, network }),
  };
}
