/**
 * Topology label names and endpoint label augmentation as istiod does it.
 */
export const LABEL_REGION = 'topology.kubernetes.io/region';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_SUBZONE = 'topology.istio.io/subzone';
export const LABEL_CLUSTER = 'topology.istio.io/cluster';
export const LABEL_NETWORK = 'topology.istio.io/network';
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

/**
 * Add the topology labels istiod attaches to every endpoint and proxy: region/zone/subzone of the
 * locality, cluster, node hostname, and the network only when the pod does not set it itself.
 * Mirrors istio pilot/pkg/serviceregistry/util/label/label.go AugmentLabels.
 */
export function augmentLabels(
  labels: Readonly<Record<string, string>>,
  opts: { cluster: string; locality: { region: string; zone: string; subzone: string }; network: string; node?: string },
): Record<string, string> {
  const out: Record<string, string> = { ...labels };
  if (opts.locality.region !== '') out[LABEL_REGION] = opts.locality.region;
  if (opts.locality.zone !== '') out[LABEL_ZONE] = opts.locality.zone;
  if (opts.locality.subzone !== '') out[LABEL_SUBZONE] = opts.locality.subzone;
  if (opts.cluster !== '') out[LABEL_CLUSTER] = opts.cluster;
  if (opts.node !== undefined && opts.node !== '') out[LABEL_HOSTNAME] = opts.node;
  if (opts.network !== '' && (out[LABEL_NETWORK] ?? '') === '') out[LABEL_NETWORK] = opts.network;
  return out;
}
