import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/kube/manifests.js';
import {
  clusterSpecs,
  controlPlaneOperator,
  eastWestOperator,
  helloworld,
  istioNamespace,
  meshId,
  workloadDeployments,
} from '../../src/kube/testbed.js';
import { parseManifest } from '../../src/kube/manifests.js';
import { InvalidInputError } from '../../src/errors.js';

const templates = await loadTemplates(join(process.cwd(), 'manifests'));
const [c1, c2, c3] = clusterSpecs(['a', 'b', 'c']) as [ReturnType<typeof clusterSpecs>[number], ReturnType<typeof clusterSpecs>[number], ReturnType<typeof clusterSpecs>[number]];

describe('test bed built from manifests/', () => {
  it('numbers clusters and networks by context order', () => {
    expect([c1, c2, c3].map((c) => [c.name, c.network, c.context])).toEqual([
      ['cluster1', 'network1', 'a'],
      ['cluster2', 'network2', 'b'],
      ['cluster3', 'network3', 'c'],
    ]);
    expect(istioNamespace(c3).metadata.labels).toEqual({ 'topology.istio.io/network': 'network3' });
  });

  it('sets cluster name and network in the control-plane operator, keeping meshID', () => {
    expect((controlPlaneOperator(templates, c3)['spec'] as { values: unknown }).values).toEqual({
      global: { meshID: 'mesh1', multiCluster: { clusterName: 'cluster3' }, network: 'network3' },
    });
    expect(meshId(templates)).toBe('mesh1');
  });

  it('rewrites every network1 of the east-west gateway for the cluster', () => {
    const text = JSON.stringify(eastWestOperator(templates, c2));
    expect(text).not.toContain('network1');
    expect(text.match(/network2/g)).toHaveLength(3);
  });

  it('runs helloworld-v<N> in cluster N, without spec.replicas, labelled managed-by', () => {
    const [svc, dep] = helloworld(templates, c3);
    expect(svc?.metadata).toMatchObject({ name: 'helloworld', namespace: 'sample' });
    expect(dep?.metadata.name).toBe('helloworld-v3');
    expect(JSON.stringify(dep)).toContain('"SERVICE_VERSION","value":"v3"');
    expect((dep?.['spec'] as { replicas?: number }).replicas).toBeUndefined();
    expect(dep?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('meshbench');
    expect(workloadDeployments(c1, true).map((d) => d.name)).toEqual(['helloworld-v1', 'sleep', 'prometheus', 'kiali']);
  });

  it('reports a malformed manifest with the file (exit 3)', () => {
    expect(() => parseManifest('apiVersion: v1\nkind: Service\n', 'x.yaml')).toThrow(InvalidInputError);
    expect(() => parseManifest('a: [1,\n', 'y.yaml')).toThrow(InvalidInputError);
  });
});
