import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterGateway, KubeObject } from '../../src/kube/gateway.js';
import { ensureReaderToken, remoteKubeconfig, remoteSecret, READER_SERVICE_ACCOUNT } from '../../src/kube/remote-secret.js';
import { clusterSpecs } from '../../src/kube/testbed.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { startApiServer, type ApiServer } from '../support/apiserver/server.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { connect } from './helpers.js';

let api: ApiServer;
let gw: ClusterGateway;
const [c1] = clusterSpecs(['one', 'two']);

beforeAll(async () => {
  api = await startApiServer({ name: 'rs' });
  gw = connect(writeKubeconfig([{ context: 'one', server: api }]), ['one']).clusters[0]!.gateway;
  await gw.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
});
afterAll(async () => api.close());

describe('remote secrets (istioctl create-remote-secret, natively)', () => {
  it('builds the Secret istiod expects: name, label, annotation, a kubeconfig under the cluster name', () => {
    const text = remoteKubeconfig('cluster1', { server: 'https://10.0.0.1:6443', caDataB64: 'Q0E=', token: 't0k' });
    expect(parse(text)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'cluster1', cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://10.0.0.1:6443' } }],
      contexts: [{ name: 'cluster1', context: { cluster: 'cluster1', user: 'cluster1' } }],
      'current-context': 'cluster1',
      preferences: {},
      users: [{ name: 'cluster1', user: { token: 't0k' } }],
    });
    const s = remoteSecret(c1!, text);
    expect(s.metadata).toMatchObject({
      name: 'istio-remote-secret-cluster1',
      namespace: 'istio-system',
      labels: { 'istio/multiCluster': 'true', 'app.kubernetes.io/managed-by': 'meshbench' },
      annotations: { 'networking.istio.io/cluster': 'cluster1' },
    });
    expect(Buffer.from((s['data'] as Record<string, string>)['cluster1'] as string, 'base64').toString()).toBe(text);
  });

  it('leaves an Istio-installed reader account alone, waits for the token and returns it with the CA', async () => {
    api.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: READER_SERVICE_ACCOUNT, namespace: 'istio-system', labels: { app: 'istio-reader' } } });
    const notes: string[] = [];
    const clock = new FakeClock({ autoAdvance: true });
    const { token, caDataB64 } = await ensureReaderToken(gw, c1!, { clock, waitMs: 10_000, pollMs: 500, note: (l) => notes.push(l) });
    expect(api.acceptsToken(token)).toBe(true);
    expect(Buffer.from(caDataB64, 'base64').toString()).toBe(api.caPem);
    expect(api.get('v1', 'ServiceAccount', 'istio-system', READER_SERVICE_ACCOUNT)?.metadata.labels).toEqual({ app: 'istio-reader' });
    expect(notes).toEqual(['cluster1: created ClusterRole istio-reader-clusterrole-istio-system, ClusterRoleBinding istio-reader-clusterrole-istio-system']);
    // Idempotent: same token the second time, nothing created.
    const again = await ensureReaderToken(gw, c1!, { clock, waitMs: 10_000, note: (l) => notes.push(l) });
    expect(again.token).toBe(token);
    expect(notes).toHaveLength(1);
  });

  it('gives up when the token never comes', async () => {
    // A cluster without a token controller: an in-memory gateway where the token Secret stays empty.
    const stored = new Map<string, KubeObject>();
    const key = (r: { kind: string; name: string; namespace?: string }) => `${r.kind}/${r.namespace ?? ''}/${r.name}`;
    const fake: ClusterGateway = {
      context: 'fake',
      server: 'https://10.9.9.9:6443',
      serves: async () => true,
      apply: async (o) => (stored.set(key({ kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) }), o), o),
      replace: async (o) => o,
      get: async (r) => stored.get(key(r)),
      list: async () => [...stored.values()].filter((o) => o.kind === 'Secret'),
      delete: async () => false,
      scale: async () => undefined,
      exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }),
      logs: async () => '',
      followLogs: async () => undefined,
    };
    const clock = new FakeClock({ autoAdvance: true });
    const err = await ensureReaderToken(fake, c1!, { clock, waitMs: 3_000, pollMs: 1_000 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cluster1 \(context 'fake'\): the token of istio-system\/istio-reader-service-account was not populated within 3 s/);
    expect(clock.now()).toBe(3_000);
  });
});
