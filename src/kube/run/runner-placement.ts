/**
 * Where the k6 runners run. The client the measures describe is the pod that sends: with
 * `--load curl` that is the client workload's pod itself, with k6 it is each runner pod. Istio's
 * locality load balancing works from the sending proxy's own locality (istiod builds each proxy's
 * priorities relative to its node's region/zone/subzone), so a runner in another zone than the
 * scenario's client sees another split. Runners therefore get pod affinity to the client
 * workload by default, and the run reads back where they landed (k6-load.ts, trial.ts).
 *
 * Preferred, not required: a required rule with no room left in the client's zone leaves the
 * runners Pending (the k6-operator's starter then waits for them for ever, and the Job never
 * starts), and a run that cannot start measures nothing. With a preferred rule kube-scheduler puts
 * them with the client whenever it can (the InterPodAffinity score plugin adds each matched term's
 * weight); when it cannot, the run measures from where they are and says so in the notes.
 */
/** Node label of the zone (topology.kubernetes.io/zone; Istio reads the same for locality). */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
/** Node label of the node itself (well-known label set by the kubelet). */
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

/**
 * The runners' affinity: prefer the client workload's zone (weight 100), and within it the
 * client's own node (weight 50), which also gives the same Istio subzone when nodes carry
 * `topology.istio.io/subzone`. Pod affinity terms select pods in the runner's own namespace by
 * default, which is the client's (runners run in the client's namespace).
 */
export function runnerAffinity(clientPodLabels: Readonly<Record<string, string>>): Record<string, unknown> {
  const term = (topologyKey: string) => ({ labelSelector: { matchLabels: { ...clientPodLabels } }, topologyKey });
  return {
    podAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: term(ZONE_TOPOLOGY_KEY) },
        { weight: 50, podAffinityTerm: term(HOSTNAME_TOPOLOGY_KEY) },
      ],
    },
  };
}

/** k6's memory per VU for a small script (2.7–3 MB, grafana/k6#1543), on top of its own ~64 MiB. */
const MIB_PER_VU = 3;
const BASE_MIB = 64;

/**
 * What a runner asks the scheduler for: a quarter of a core and memory for the VUs k6 creates at
 * start (its preallocated VUs; more are made only when the arrival rate needs them). Requests
 * only, no limits: a CPU limit throttles k6 in CFS periods, which shows up as latency of the
 * service under test ("if k6 uses 100% of the CPU … the result metrics [have] a much larger
 * response time than in reality", k6 docs, Running large tests).
 */
export function runnerResources(initialVus: number): Record<string, unknown> {
  return { requests: { cpu: '250m', memory: `${BASE_MIB + MIB_PER_VU * Math.max(1, initialVus)}Mi` } };
}

/** Where a sending pod runs, for the notes and the measures. */
export interface SenderPlace {
  pod: string;
  node: string;
  locality: string;
}

/**
 * The note when the runners are not where the client workload is (empty when they all are):
 * which runner ran where, and that the measures use the runner's locality.
 */
export function placementNotes(client: SenderPlace | undefined, senders: readonly SenderPlace[]): string[] {
  if (client === undefined) return [];
  const away = senders.filter((s) => s.locality !== client.locality);
  const notes = away.map(
    (s) =>
      `k6 runner ${s.pod} runs on ${s.node} in ${s.locality || '(no locality labels)'}, not with the client ${client.pod} (${client.locality || '(no locality labels)'}): the preferred affinity was not met; locality shares and the predicted split use the runner's locality`,
  );
  const places = new Set(senders.map((s) => s.locality));
  if (places.size > 1) notes.push(`the k6 runners run in ${places.size} localities (${[...places].join(', ')}); the measures use the first runner's (${senders[0]?.locality})`);
  return notes;
}
