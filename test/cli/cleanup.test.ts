/** cleanup leaves what meshbench did not create, and copes with clusters without Istio's CRDs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startTwoClusters, type TwoClusters } from '../kube/helpers.js';

describe('meshbench cleanup', () => {
  let env: TwoClusters;
  beforeAll(async () => {
    env = await startTwoClusters({ unservedVersions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'] });
  });
  afterAll(async () => env.close());

  it('deletes only objects labelled managed-by meshbench, and works where Istio is absent', async () => {
    env.c1.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system', labels: { 'topology.istio.io/network': 'network1' } } });
    env.c1.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sample', labels: { 'app.kubernetes.io/managed-by': 'meshbench' } } });
    env.c1.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine', namespace: 'sample' } });
    env.c1.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'istio-reader-service-account', namespace: 'istio-system' } });
    env.c1.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cacerts', namespace: 'istio-system', labels: { 'app.kubernetes.io/managed-by': 'meshbench' } }, data: {} });
    const r = await runCli(['cleanup', '--context', 'c1', '--context', 'c2'], { env: { KUBECONFIG: env.kubeconfig } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('cleaned cluster1 (context c1): 2 object(s) deleted');
    expect(r.stdout).toContain('cleaned cluster2 (context c2): 0 object(s) deleted');
    expect(env.c1.get('v1', 'Namespace', undefined, 'sample')).toBeUndefined();
    expect(env.c1.get('v1', 'ConfigMap', 'sample', 'mine')).toBeUndefined();
    expect(env.c1.get('v1', 'Secret', 'istio-system', 'cacerts')).toBeUndefined();
    expect(env.c1.get('v1', 'ServiceAccount', 'istio-system', 'istio-reader-service-account')).toBeDefined();
  });

  it('needs a context', async () => {
    expect((await runCli(['cleanup'], { env: { KUBECONFIG: env.kubeconfig } })).code).toBe(2);
  });
});
