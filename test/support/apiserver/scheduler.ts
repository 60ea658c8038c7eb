/**
 * The emulator's kube-scheduler for pods that carry scheduling rules (the k6 runners): the node
 * filters and the pod-affinity score meshbench's rules rely on, as kube-scheduler's plugins do
 * them (kubernetes pkg/scheduler/framework/plugins):
 * - NodeUnschedulable (`nodeunschedulable/node_unschedulable.go`, Filter): a cordoned node
 *   (`spec.unschedulable: true`) takes no new pods;
 * - InterPodAffinity (`interpodaffinity/filtering.go`, Filter): every *required* podAffinity term
 *   needs an existing pod matching its labelSelector (in the pod's namespace, the default of
 *   `namespaces`) on a node with the same value of the term's topologyKey; a node without that
 *   label never satisfies it. (The first-pod-of-a-group exception — a pod matching its own term
 *   when no pod matches anywhere — is not needed by meshbench and not modelled.)
 * - InterPodAffinity (`interpodaffinity/scoring.go`, Score): each *preferred* term adds its
 *   weight for every existing matching pod in the candidate's topology domain; the node with the
 *   highest score wins. kube-scheduler's other scores (resources, spreading) are not modelled:
 *   ties go to the first candidate in the caller's order, which the caller rotates (round-robin,
 *   as the Deployment controller stand-in places pods).
 * A pod no node can take stays Pending with PodScheduled=False, reason Unschedulable.
 */
import type { KubeObject } from '../../../src/kube/gateway.js';
import { matchesLabels } from './labels.js';

interface AffinityTerm {
  labelSelector?: { matchLabels?: Record<string, string> };
  namespaces?: string[];
  topologyKey: string;
}

interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight: number; podAffinityTerm: AffinityTerm }>;
}

/** What the scheduler decided for one pod. */
export type Placement = { node: string; score: number } | { unschedulable: string };

function nodeLabels(n: KubeObject): Record<string, string> {
  return n.metadata.labels ?? {};
}

/** Existing scheduled pods matching `term` in the domain of `node`. */
function matchesInDomain(term: AffinityTerm, podNs: string, node: KubeObject, nodes: readonly KubeObject[], pods: readonly KubeObject[]): number {
  const value = nodeLabels(node)[term.topologyKey];
  if (value === undefined) return 0;
  const inDomain = new Set(nodes.filter((n) => nodeLabels(n)[term.topologyKey] === value).map((n) => n.metadata.name));
  const namespaces = term.namespaces !== undefined && term.namespaces.length > 0 ? term.namespaces : [podNs];
  return pods.filter((p) => {
    const on = (p['spec'] as { nodeName?: string } | undefined)?.nodeName;
    return on !== undefined && inDomain.has(on) && namespaces.includes(p.metadata.namespace ?? '') && p.metadata.deletionTimestamp === undefined && matchesLabels(term.labelSelector?.matchLabels ?? {}, p.metadata.labels);
  }).length;
}

/**
 * Picks a node for a pod in `podNs` with `spec` among `nodes` (in the caller's tie-break order),
 * given the `pods` already placed.
 */
export function schedulePod(podNs: string, spec: Record<string, unknown>, nodes: readonly KubeObject[], pods: readonly KubeObject[]): Placement {
  const affinity = (spec['affinity'] as { podAffinity?: PodAffinity } | undefined)?.podAffinity;
  const required = affinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const preferred = affinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const schedulable = nodes.filter((n) => (n['spec'] as { unschedulable?: boolean } | undefined)?.unschedulable !== true);
  if (schedulable.length === 0) return { unschedulable: `0/${nodes.length} nodes are available: ${nodes.length} node(s) were unschedulable.` };
  const fit = schedulable.filter((n) => required.every((t) => matchesInDomain(t, podNs, n, nodes, pods) > 0));
  if (fit.length === 0) return { unschedulable: `0/${nodes.length} nodes are available: ${schedulable.length} node(s) didn't match pod affinity rules.` };
  let best: { node: string; score: number } | undefined;
  for (const n of fit) {
    const score = preferred.reduce((sum, p) => sum + p.weight * matchesInDomain(p.podAffinityTerm, podNs, n, nodes, pods), 0);
    if (best === undefined || score > best.score) best = { node: n.metadata.name, score };
  }
  return best as { node: string; score: number };
}
