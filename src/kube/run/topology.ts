/**
 * Attribution of responses: helloworld names the pod that answered (`instance: <pod>`); the pod
 * runs on a node; the node's topology labels give the locality, and the context gives the cluster.
 * The directory is cumulative (a pod that went away keeps its entry, so late samples from it are
 * still attributed) and refreshed at the start, after each timeline action and at the end.
 */
import { formatLocality, type Locality } from '../../model/locality.js';
import type { KubeObject } from '../gateway.js';
import type { RunCluster } from './clusters.js';

/** Where a pod runs. */
export interface PodPlace {
  cluster: string;
  /** `region/zone/subzone`. */
  locality: string;
  node: string;
}

const REGION = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];
const ZONE = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const SUBZONE = 'topology.istio.io/subzone';

function first(labels: Record<string, string>, keys: readonly string[]): string {
  for (const k of keys) if (labels[k] !== undefined) return labels[k] as string;
  return '';
}

/** A node's locality from its topology labels (istiod's `getNodeLocality` reads the same labels). */
export function nodeLocality(node: KubeObject | undefined): Locality {
  const l = node?.metadata.labels ?? {};
  return { region: first(l, REGION), zone: first(l, ZONE), subzone: l[SUBZONE] ?? '' };
}

/**
 * A pod's locality: its `istio-locality` label (`region.zone.subzone`) when set, as istiod honours
 * it before the node's labels, else its node's.
 */
export function podLocality(pod: KubeObject, node: KubeObject | undefined): Locality {
  const label = pod.metadata.labels?.['istio-locality'];
  if (label !== undefined && label !== '') {
    const [region = '', zone = '', subzone = ''] = label.split('.');
    return { region, zone, subzone };
  }
  return nodeLocality(node);
}

/** Pod name → where it runs, across the clusters (cumulative). */
export class PodDirectory {
  private readonly places = new Map<string, PodPlace>();
  /** Pod names seen in more than one cluster: never attributed (ambiguous). */
  private readonly ambiguous = new Set<string>();

  constructor(
    private readonly clusters: readonly RunCluster[],
    private readonly namespaces: readonly string[],
  ) {}

  /** Lists pods (in the run's namespaces) and nodes of every cluster and adds what is new. */
  async refresh(): Promise<void> {
    for (const c of this.clusters) {
      const nodes = new Map((await c.gateway.list('v1', 'Node')).map((n) => [n.metadata.name, n] as const));
      for (const ns of this.namespaces) {
        for (const pod of await c.gateway.list('v1', 'Pod', { namespace: ns })) this.add(c.name, pod, nodes);
      }
    }
  }

  private add(cluster: string, pod: KubeObject, nodes: ReadonlyMap<string, KubeObject>): void {
    const nodeName = (pod['spec'] as { nodeName?: string } | undefined)?.nodeName;
    if (nodeName === undefined) return; // not scheduled yet: it has answered nothing
    const name = pod.metadata.name;
    const known = this.places.get(name);
    if (known !== undefined && known.cluster !== cluster) this.ambiguous.add(name);
    this.places.set(name, { cluster, node: nodeName, locality: formatLocality(podLocality(pod, nodes.get(nodeName))) });
  }

  /** Where the pod named in a response runs, when known and unambiguous. */
  lookup(instance: string): PodPlace | undefined {
    return this.ambiguous.has(instance) ? undefined : this.places.get(instance);
  }

  /** Number of pods known. */
  get size(): number {
    return this.places.size;
  }
}
