/**
 * The seed's test bed, already deployed, in two linked emulators (contexts c1 and c2) — built from
 * meshbench's own manifests the way deploy and istioctl would leave it — with emulated load: the
 * curl loop and the client proxy in cluster1's sleep pod, k6 Jobs and TestRuns, all answering from
 * one MeshTraffic on one traffic clock.
 */
import { join } from 'node:path';
import { packageRoot } from '../../../src/fs/package-root.js';
import { loadTemplates } from '../../../src/kube/manifests.js';
import { clusterSpecs, destinationRules, helloworld, sampleNamespace, sleepObjects } from '../../../src/kube/testbed.js';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { emulateCurlLoop, type CurlLoopEmulation } from '../../support/apiserver/curl-loop.js';
import { emulateK6, type K6Emulation } from '../../support/apiserver/k6-runner.js';
import type { ApiServer } from '../../support/apiserver/server.js';
import { MeshTraffic, type TrafficModel } from '../../support/apiserver/traffic.js';
import type { TrafficClock } from '../../support/traffic-clock.js';
import { startTwoClusters, type TwoClusters } from '../helpers.js';

export interface TestBed extends TwoClusters {
  traffic: MeshTraffic;
  curl: CurlLoopEmulation;
  k6: K6Emulation;
  /** helloworld-v1's replicas in cluster1. */
  v1Replicas(): number;
}

function deployment(name: string, labels: Record<string, string>, container: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'istio-system', labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false' } }, spec: { containers: [{ name: container, image }] } } },
  };
}

async function install(server: ApiServer, index: number, objects: KubeObject[]): Promise<void> {
  const network = `network${index + 1}`;
  server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system', labels: { 'topology.istio.io/network': network } } });
  server.put(deployment('istiod', { app: 'istiod', istio: 'pilot' }, 'discovery', 'docker.io/istio/pilot:1.24.2'));
  const gw = { app: 'istio-eastwestgateway', istio: 'eastwestgateway', 'topology.istio.io/network': network };
  server.put(deployment('istio-eastwestgateway', gw, 'istio-proxy', 'docker.io/istio/proxyv2:1.24.2'));
  server.put({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-eastwestgateway', namespace: 'istio-system', labels: gw },
    spec: { type: 'LoadBalancer', selector: { app: 'istio-eastwestgateway' }, ports: [{ name: 'status-port', port: 15021 }, { name: 'tls', port: 15443 }] },
  });
  for (const o of objects) server.put(o);
  // Two ticks: pods are created, then Ready.
  server.controller.reconcile(true);
  server.controller.reconcile(true);
}

/** Sets a Deployment's replicas directly in the emulator (as someone else's kubectl scale would). */
export function setReplicas(server: ApiServer, namespace: string, name: string, replicas: number): void {
  const dep = server.get('apps/v1', 'Deployment', namespace, name);
  if (dep === undefined) throw new Error(`no Deployment ${namespace}/${name}`);
  server.put({ ...dep, spec: { ...(dep['spec'] as object), replicas } });
}

export interface BedOptions {
  clock: TrafficClock;
  traffic?: Partial<TrafficModel>;
  /** Without the seed's DestinationRule in cluster1. */
  noDestinationRule?: boolean;
  o1?: Parameters<typeof startTwoClusters>[0];
}

export async function startTestBed(opts: BedOptions): Promise<TestBed> {
  const env = await startTwoClusters(opts.o1 ?? {});
  const t = await loadTemplates(join(packageRoot(), 'manifests'));
  const [s1, s2] = clusterSpecs(['c1', 'c2']) as [ReturnType<typeof clusterSpecs>[number], ReturnType<typeof clusterSpecs>[number]];
  await install(env.c1, 0, [sampleNamespace(), ...helloworld(t, s1), ...sleepObjects(t), ...(opts.noDestinationRule ? [] : destinationRules(t))]);
  await install(env.c2, 1, [sampleNamespace(), ...helloworld(t, s2), ...destinationRules(t)]);
  const traffic = new MeshTraffic(env.c1, [env.c1, env.c2], opts.clock, opts.traffic ?? {});
  const curl = emulateCurlLoop(env.c1, traffic, opts.clock);
  const k6 = emulateK6(env.c1, traffic, opts.clock);
  return {
    ...env,
    traffic,
    curl,
    k6,
    v1Replicas: () => ((env.c1.get('apps/v1', 'Deployment', 'sample', 'helloworld-v1')?.['spec'] as { replicas?: number } | undefined)?.replicas ?? -1),
  };
}
