/**
 * The client is the pod that sends. With k6 the requests leave from the runner pods, so the
 * measures' client locality (locality shares) and the predicted split (`explain` from the
 * client's place) are taken from where the first runner runs — read from its node's topology
 * labels, as istiod reads them for its proxy — and the run says so when that is not where the
 * scenario's client workload runs (the runners' affinity is preferred, runner-placement.ts).
 */
import type { AccumulatorOptions } from '../../measure/accumulator.js';
import { parseLocality } from '../../model/locality.js';
import type { Scenario } from '../../model/scenario.js';
import { kubeAccumulatorOptions } from './observed-mesh.js';
import type { PreparedRun } from './prepare.js';
import { placementNotes, type SenderPlace } from './runner-placement.js';

/** The trial's `placeSenders` for a prepared run. */
export function sendersPlacer(p: PreparedRun, s: Scenario): (pods: readonly string[]) => Promise<{ accumulator: AccumulatorOptions; notes: string[]; placement?: string }> {
  return async (pods) => {
    await p.directory.refresh();
    const placeOf = (pod: string): SenderPlace | undefined => {
      const at = p.directory.lookup(pod);
      return at !== undefined ? { pod, node: at.node, locality: at.locality } : undefined;
    };
    const senders = pods.flatMap((pod) => placeOf(pod) ?? []);
    const first = senders[0];
    if (first === undefined) return { accumulator: p.accumulator, notes: [`the sending pods (${pods.join(', ')}) are on no known node yet; the measures use the client pod ${p.facts.clientPod}'s locality`] };
    const client = placeOf(p.facts.clientPod);
    const placement = `load sent from ${senders.map((x) => `${x.pod} on ${x.node} (${x.locality || 'no locality labels'})`).join(', ')}; the client ${p.facts.clientPod} runs on ${client?.node ?? '?'} (${client?.locality ?? '?'})`;
    if (client !== undefined && client.locality === first.locality) return { accumulator: p.accumulator, notes: placementNotes(client, senders), placement };
    // The client workload as it really sends: at the runner's locality (same cluster and network).
    const mesh = structuredClone(p.observed);
    const workload = mesh.clusters.find((c) => c.name === s.client.cluster)?.workloads.find((w) => w.name === s.client.workload);
    if (workload !== undefined) workload.locality = parseLocality(first.locality);
    return { accumulator: kubeAccumulatorOptions(mesh, s, p.profile), notes: placementNotes(client, senders), placement };
  };
}
