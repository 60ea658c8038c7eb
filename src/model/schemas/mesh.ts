import { z } from 'zod';
import { parseWorkloadLocality } from '../validate-locality.js';
import { parseDelay } from '../delay.js';
import { parseCpu } from '../quantity.js';
import { checked, dnsLabel, duration, int, labelValue } from './common.js';

/**
 * Shape of a `kind: Mesh` document (product.md §3.1). Strict: unknown fields are errors. Durations
 * come out as integer µs and localities parsed; defaults are applied later (resolve-mesh.ts) so the
 * raw shape stays visible here.
 */

const locality = checked(parseWorkloadLocality);

/** A control-plane delay: a duration (constant) or `{p50, p99}` (log-normal through both). */
const delay = checked(parseDelay);

/** One workload (Deployment) of a cluster. */
export const meshWorkloadSchema = z.strictObject({
  name: dnsLabel('workload name'),
  namespace: dnsLabel('namespace').optional(),
  service: dnsLabel('service name').optional(),
  version: labelValue('version').optional(),
  replicas: int(0).optional(),
  locality: locality.optional(),
  client: z.boolean().optional(),
  latency: z.strictObject({ p50: duration({ minUs: 1 }), p99: duration({ minUs: 1 }) }).optional(),
  server: z
    .strictObject({
      workers: int(1, 1024).optional(),
      cpu: z.strictObject({ p50: duration({ minUs: 1 }), p99: duration({ minUs: 1 }) }),
      cpuLimit: checked(parseCpu).optional(),
      backlog: int(0).optional(),
      gracefulTimeout: duration().optional(),
      signalCheckInterval: duration({ minUs: 1 }).optional(),
    })
    .optional(),
  labels: z.record(z.string(), z.string()).optional(),
  /** The workload's sidecar (ProxyConfig, as the `proxy.istio.io/config` annotation sets it). */
  proxy: z.strictObject({ concurrency: int(1, 256).optional() }).optional(),
});

/** One cluster: network, optional east-west gateway, workloads. */
export const meshClusterSchema = z.strictObject({
  name: dnsLabel('cluster name'),
  network: labelValue('network name'),
  eastWestGateway: z.strictObject({ replicas: int(0).optional(), locality: locality.optional() }).optional(),
  workloads: z.array(meshWorkloadSchema).optional(),
});

/** A whole Mesh document. */
export const meshSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.strictObject({ name: dnsLabel('mesh name'), description: z.string().optional() }),
  spec: z.strictObject({
    meshID: labelValue('meshID').optional(),
    clusters: z.array(meshClusterSchema).min(1),
    network: z
      .strictObject({ sameZone: duration().optional(), crossZone: duration().optional(), crossRegion: duration().optional() })
      .optional(),
    controlPlane: z
      .strictObject({
        endpointUpdate: delay.optional(),
        remoteWatch: delay.optional(),
        debounceAfter: duration().optional(),
        debounceMax: duration().optional(),
        push: delay.optional(),
      })
      .optional(),
    defaults: z
      .strictObject({
        terminationGracePeriod: duration().optional(),
        terminationDrainDuration: duration().optional(),
        podStartup: duration().optional(),
        nativeSidecars: z.union([z.literal('auto'), z.boolean()]).optional(),
        exitOnZeroActiveConnections: z.boolean().optional(),
        proxyConcurrency: int(1, 256).optional(),
        connectionIdleTimeout: duration({ minUs: 1 }).optional(),
      })
      .optional(),
  }),
});

/** Parsed (not yet defaulted) Mesh document. */
export type MeshDocument = z.output<typeof meshSchema>;
