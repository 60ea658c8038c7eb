/**
 * The read-only half of a kube run: connect (one set of gateways that listen to Ctrl-C, one for
 * restoring that does not), preflight, the client pod and container, the clock sync, the pod
 * directory and the measures' options from the mesh as it really is. Nothing here changes a
 * cluster, so an interrupt here just stops (exit 130, nothing to restore).
 */
import { EnvironmentError, InterruptedError } from '../../errors.js';
import type { AccumulatorOptions } from '../../measure/accumulator.js';
import type { Mesh } from '../../model/mesh.js';
import type { Scenario } from '../../model/scenario.js';
import type { ClusterGateway } from '../gateway.js';
import { connectClusters } from '../index.js';
import { capacityWarnings } from './capacity.js';
import { syncClock, type ClockSync } from './clock-sync.js';
import type { RunDeadline } from './deadline.js';
import { CLOCK_PREFERENCE, POD_CLOCKS, chooseClock, detectPodClocks } from './pod-clock.js';
import { clusterNamed, mapClusters, type RunCluster } from './clusters.js';
import { kubeAccumulatorOptions, majorMinor, observeMesh, profileVersionFor } from './observed-mesh.js';
import { preflight, type PreflightFacts } from './preflight.js';
import type { KubeRunDeps, KubeRunRequest } from './request.js';
import { PodDirectory } from './topology.js';

/** Everything the run needs, learnt without changing anything. */
export interface PreparedRun {
  clusters: RunCluster[];
  /** Gateways for restoring (not bound to the interrupt signal), by context. */
  gatewayFor: (context: string) => ClusterGateway;
  facts: PreflightFacts;
  client: RunCluster;
  clientNamespace: string;
  /** The client pod's application container (not istio-proxy). */
  clientContainer: string;
  sync: ClockSync;
  directory: PodDirectory;
  accumulator: AccumulatorOptions;
  /** The mesh as the clusters are (localities, replicas, networks), and the behaviour profile used. */
  observed: Mesh;
  profile: string;
  /** The client cluster's istiod version, when known. */
  clientIstio?: string;
}

/**
 * Connects, checks and measures what is there.
 * @throws InterruptedError (exit 130) when interrupted; preflight's errors otherwise.
 */
export async function prepareRun(s: Scenario, req: KubeRunRequest, deps: KubeRunDeps, deadline?: RunDeadline): Promise<PreparedRun> {
  try {
    return await prepare(s, req, deps, deadline);
  } catch (err) {
    if (deps.signal.aborted) throw new InterruptedError('interrupted before any cluster change; nothing to restore', { cause: err });
    throw err;
  }
}

async function prepare(s: Scenario, req: KubeRunRequest, deps: KubeRunDeps, deadline: RunDeadline | undefined): Promise<PreparedRun> {
  const connect = (signal?: AbortSignal, d?: RunDeadline) =>
    connectClusters(req, {
      clock: deps.clock,
      jitter: deps.jitter,
      progress: deps.progress,
      ...(signal !== undefined ? { signal } : {}),
      ...(d !== undefined ? { timeoutMs: d.leftMs(), timeoutLabel: d.label } : {}),
    });
  // The run's calls end at its --timeout (deadline.ts)…
  const clusters = mapClusters(req.mesh, connect(deps.signal, deadline));
  // …but restoring must not be cut short by the interrupt or the timeout that asked for it.
  const restoreGateways = new Map(mapClusters(req.mesh, connect()).map((c) => [c.context, c.gateway] as const));

  deps.progress.update('preflight: checking the clusters');
  const facts = await preflight(clusters, s, { load: req.load, ...(req.parallelism !== undefined ? { parallelism: req.parallelism } : {}) });
  const client = clusterNamed(clusters, s.client.cluster);
  const podNamespace = client.mesh.workloads.find((w) => w.name === s.client.workload)?.namespace ?? s.request.namespace;
  const clientPod = await client.gateway.get({ apiVersion: 'v1', kind: 'Pod', namespace: podNamespace, name: facts.clientPod });
  const containers = ((clientPod?.['spec'] as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map((c) => c.name);
  const clientContainer = containers.find((n) => n !== 'istio-proxy') ?? s.client.workload;
  const target = { gateway: client.gateway, namespace: podNamespace, pod: facts.clientPod, container: clientContainer };
  const podClock = chooseClock(await detectPodClocks(target, deps.signal), req.load === 'k6');
  if (podClock === undefined) {
    throw new EnvironmentError(
      `context '${client.gateway.context}': ${podNamespace}/${facts.clientPod} container ${clientContainer} offers no clock meshbench can read (tried ${CLOCK_PREFERENCE.map((k) => POD_CLOCKS[k].label).join(', ')})`,
      { code: 'KUBE_CLOCK', hint: 'The client container needs curl ≥ 8.16, GNU date, /proc/uptime or at least `date +%s` (the sleep sample image curlimages/curl:8.16.0 has curl ≥ 8.16).' },
    );
  }
  if (podClock.resolutionMs > 1) {
    deps.progress.note(
      `${client.name}: the client container has neither curl ≥ 8.16 (%time{}) nor a date with %N; ${req.load === 'k6' ? 'event times align with k6 to' : 'request times come from'} ${podClock.label}: precision ${podClock.resolutionMs} ms`,
    );
  }
  const sync = await syncClock(target, deps.clock, podClock, 3, deps.signal);
  const namespaces = [...new Set([s.request.namespace, ...req.mesh.clusters.flatMap((c) => c.workloads.map((w) => w.namespace))])].sort();
  const directory = new PodDirectory(clusters, namespaces);
  await directory.refresh();
  const observed = await observeMesh(req.mesh, clusters, facts.networks, directory);
  const clientIstio = facts.istio[client.name];
  const profile = profileVersionFor(clientIstio);
  if (majorMinor(clientIstio) !== profile) deps.progress.note(`Istio ${clientIstio ?? '(unknown version)'} in ${client.name}: predicted shares use the ${profile} behaviour profile`);
  const accumulator = kubeAccumulatorOptions(observed, s, profile);
  for (const w of capacityWarnings(observed, s, accumulator.expectedShares)) deps.progress.note(`warning: ${w}`);
  return {
    clusters,
    gatewayFor: (ctx) => restoreGateways.get(ctx) as ClusterGateway,
    facts,
    client,
    clientNamespace: podNamespace,
    clientContainer,
    sync,
    directory,
    accumulator,
    observed,
    profile,
    ...(clientIstio !== undefined ? { clientIstio } : {}),
  };
}
