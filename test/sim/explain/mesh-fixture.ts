import type { DestinationRule, TrafficPolicy } from '../../../src/model/destination-rule.js';
import { parseLocality } from '../../../src/model/locality.js';
import { DEFAULT_CONTROL_PLANE, DEFAULT_MESH_DEFAULTS, DEFAULT_NETWORK_DELAY_US, type Mesh, type MeshWorkload } from '../../../src/model/mesh.js';

const latency = { p50Us: 3000, p99Us: 20000 };

function hello(version: string, locality: string, replicas = 1): MeshWorkload {
  return { name: `helloworld-${version}`, namespace: 'sample', service: 'helloworld', version, replicas, locality: parseLocality(locality), client: false, latency, labels: {} };
}

/** The built-in mesh of product.md §3.1 (two clusters, two networks, one gateway each), optionally with more v1 pods. */
export function twoClusterMesh(v1Replicas = 1): Mesh {
  return {
    name: 'two-cluster',
    meshID: 'mesh1',
    clusters: [
      {
        name: 'cluster1',
        network: 'network1',
        eastWestGateway: { replicas: 1, locality: parseLocality('us-east1/us-east1-b') },
        workloads: [
          hello('v1', 'us-east1/us-east1-b', v1Replicas),
          { name: 'sleep', namespace: 'sample', replicas: 1, locality: parseLocality('us-east1/us-east1-b'), client: true, labels: {} },
        ],
      },
      {
        name: 'cluster2',
        network: 'network2',
        eastWestGateway: { replicas: 1, locality: parseLocality('us-west1/us-west1-a') },
        workloads: [hello('v2', 'us-west1/us-west1-a')],
      },
    ],
    networkDelayUs: DEFAULT_NETWORK_DELAY_US,
    controlPlane: DEFAULT_CONTROL_PLANE,
    defaults: DEFAULT_MESH_DEFAULTS,
  };
}

/** The seed's DestinationRule (manifests/08-locality-lb.yaml). */
export function seedRule(trafficPolicy?: TrafficPolicy): DestinationRule {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    name: 'helloworld',
    host: 'helloworld.sample.svc.cluster.local',
    trafficPolicy: trafficPolicy ?? {
      loadBalancer: { localityLbSetting: { enabled: true } },
      outlierDetection: { consecutiveErrors: 1, intervalUs: 1_000_000, baseEjectionTimeUs: 180_000_000 },
    },
    subsets: [],
    ignored: [],
    source: 'manifests/08-locality-lb.yaml',
  };
}

