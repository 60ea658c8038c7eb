import type { DestinationRule, OutlierDetection } from '../../src/model/destination-rule.js';
import { parseLocality } from '../../src/model/locality.js';
import type { Mesh, MeshWorkload, ServerModel } from '../../src/model/mesh.js';
import type { Sample } from '../../src/model/sample.js';
import type { LoadModel, Scenario, TimelineEntry } from '../../src/model/scenario.js';
import { loadMesh } from '../../src/fs/documents.js';
import { asLightApps } from '../../src/model/light-apps.js';
import { istioProfile } from '../../src/sim/istio-profile.js';
import { simulate, type SimOutput, type SimProbe } from '../../src/sim/engine/simulation.js';

/** The built-in two-cluster mesh (the seed's layout). */
export function builtinMesh(): Promise<Mesh> {
  return loadMesh(undefined, process.cwd());
}

/**
 * The built-in mesh with helloworld as a light app (log-normal 3 ms / 20 ms, no capacity limit):
 * the old model, for tests of routing algorithms at rates the real one-worker helloworld cannot serve.
 */
export async function lightMesh(): Promise<Mesh> {
  return asLightApps(await builtinMesh());
}

/** A copy of `mesh` with a workload changed (e.g. more replicas). */
export function withWorkload(mesh: Mesh, cluster: string, name: string, change: Partial<MeshWorkload>): Mesh {
  const copy = structuredClone(mesh);
  const c = copy.clusters.find((x) => x.name === cluster);
  const w = c?.workloads.find((x) => x.name === name);
  if (w === undefined) throw new Error(`no ${cluster}/${name}`);
  Object.assign(w, change);
  return copy;
}

/** A copy of `mesh` where a workload's app has a finite-capacity server instead of a light-app latency. */
export function withServer(mesh: Mesh, cluster: string, name: string, server: Partial<ServerModel> & Pick<ServerModel, 'cpuP50Us'>): Mesh {
  const copy = withWorkload(mesh, cluster, name, {});
  const w = copy.clusters.find((x) => x.name === cluster)!.workloads.find((x) => x.name === name)!;
  delete w.latency;
  w.server = { workers: 1, cpuP99Us: server.cpuP50Us, cpuLimitMillicores: undefined, backlog: 2048, gracefulTimeoutUs: 30_000_000, signalCheckUs: 1_000_000, ...server };
  return copy;
}

/** A DestinationRule for helloworld with the given outlier detection (the seed's when omitted). */
export function destinationRule(outlier: OutlierDetection | undefined = { consecutiveErrors: 1, intervalUs: 1_000_000, baseEjectionTimeUs: 180_000_000 }, extra: Partial<DestinationRule> = {}): DestinationRule {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    name: 'helloworld',
    host: 'helloworld.sample.svc.cluster.local',
    subsets: [],
    ignored: [],
    source: 'test',
    trafficPolicy: {
      loadBalancer: { localityLbSetting: { enabled: true } },
      ...(outlier === undefined ? {} : { outlierDetection: outlier }),
    },
    ...extra,
  };
}

export function scenario(opts: { load?: LoadModel; timeline?: TimelineEntry[]; destinationRule?: DestinationRule } = {}): Scenario {
  return {
    name: 'test',
    client: { cluster: 'cluster1', workload: 'sleep' },
    request: { service: 'helloworld', namespace: 'sample', port: 5000, path: '/hello', timeoutUs: 10_000_000 },
    ...(opts.destinationRule ? { destinationRule: opts.destinationRule } : {}),
    load: opts.load ?? { kind: 'open', ratePerS: 100, durationUs: 30_000_000 },
    timeline: opts.timeline ?? [],
    measure: {},
    thresholds: [],
    source: 'test',
  };
}

export const failoverTimeline: TimelineEntry[] = [
  { atUs: 20_000_000, name: 'fault', action: { kind: 'scale', cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 0 } },
  { atUs: 40_000_000, name: 'restore', action: { kind: 'scale', cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 1 } },
];

export interface Collected {
  samples: Sample[];
  out: SimOutput;
}

/** Run the simulator and keep every sample (copies: the engine reuses its sample object). */
export function run(mesh: Mesh, sc: Scenario, opts: { istio?: string; seed?: number; probe?: SimProbe } = {}): Collected {
  const profile = istioProfile(opts.istio ?? '1.24');
  if (profile === undefined) throw new Error('bad profile');
  const samples: Sample[] = [];
  const out = simulate({ mesh, scenario: sc, profile, seed: opts.seed ?? 1, ...(opts.probe ? { probe: opts.probe } : {}) }, {
    record: (s) => samples.push({ ...s }),
  });
  return { samples, out };
}

export function share(samples: readonly Sample[], version: string): number {
  const ok = samples.filter((s) => s.status === 200);
  return ok.filter((s) => s.version === version).length / Math.max(1, ok.length);
}

export { parseLocality };
