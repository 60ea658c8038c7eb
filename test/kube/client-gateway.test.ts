import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterUnreachableError, KubeApiUnsupportedError, KubeAuthError, KubeInvalidError, KubeNotFoundError, KubeServerError } from '../../src/kube/errors.js';
import type { ClusterGateway } from '../../src/kube/gateway.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { startApiServer, type ApiServer } from '../support/apiserver/server.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { connect } from './helpers.js';

let api: ApiServer;
let gw: ClusterGateway;
let notes: string[];
let clock: FakeClock;

beforeAll(async () => {
  api = await startApiServer({ name: 'cluster1' });
  const kc = writeKubeconfig([{ context: 'one', server: api }]);
  notes = [];
  clock = new FakeClock({ autoAdvance: true });
  gw = connect(kc, ['one'], clock, notes).clusters[0]!.gateway;
});
afterAll(async () => api.close());

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const deployment = (name: string, namespace: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { app: name } },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'example/app:1' }] } },
    ...extra,
  },
});

describe('ClusterGateway over client-node against the emulator', () => {
  it('server-side applies, reads, lists by label and deletes', async () => {
    const created = await gw.apply(ns('gw-a', { team: 'x' }));
    expect(created.metadata.uid).toBeTruthy();
    expect(api.requests.at(-1)).toMatchObject({ method: 'PATCH', contentType: 'application/apply-patch+yaml' });
    expect(api.requests.at(-1)?.query).toContain('fieldManager=meshbench');
    expect(api.requests.at(-1)?.query).toContain('force=true');
    await gw.apply(ns('gw-b', { team: 'y' }));
    const listed = await gw.list('v1', 'Namespace', { labelSelector: 'team in (x)' });
    expect(listed.map((o) => o.metadata.name)).toEqual(['gw-a']);
    expect(listed[0]).toMatchObject({ apiVersion: 'v1', kind: 'Namespace' });
    expect((await gw.get({ apiVersion: 'v1', kind: 'Namespace', name: 'gw-b' }))?.metadata.labels).toEqual({ team: 'y' });
    expect(await gw.get({ apiVersion: 'v1', kind: 'Namespace', name: 'nope' })).toBeUndefined();
    expect(await gw.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'gw-b' })).toBe(true);
    expect(await gw.delete({ apiVersion: 'v1', kind: 'Secret', namespace: 'gw-a', name: 'absent' })).toBe(false);
  });

  it('applying the same object twice changes nothing (resourceVersion kept)', async () => {
    const a = await gw.apply(ns('gw-idem', { k: 'v' }));
    const b = await gw.apply(ns('gw-idem', { k: 'v' }));
    expect(b.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    const c = await gw.apply(ns('gw-idem', { k: 'w' }));
    expect(c.metadata.resourceVersion).not.toBe(a.metadata.resourceVersion);
  });

  it('scales through the scale subresource with a merge patch, and a re-apply keeps the scale', async () => {
    await gw.apply(ns('gw-scale'));
    await gw.apply(deployment('web', 'gw-scale'));
    await gw.scale('gw-scale', 'web', 3);
    expect(api.requests.at(-1)).toMatchObject({ method: 'PATCH', path: '/apis/apps/v1/namespaces/gw-scale/deployments/web/scale', contentType: 'application/merge-patch+json' });
    expect(api.controller.scaleEvents.at(-1)).toMatchObject({ name: 'web', from: 1, to: 3 });
    await gw.apply(deployment('web', 'gw-scale'));
    const dep = await gw.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'gw-scale', name: 'web' });
    expect((dep?.['spec'] as { replicas: number }).replicas).toBe(3);
    expect(api.pods('gw-scale', 'app=web')).toHaveLength(3);
  });

  it('answers serves() from discovery, including groups the server does not know', async () => {
    expect(await gw.serves('networking.istio.io/v1', 'DestinationRule')).toBe(true);
    expect(await gw.serves('apps/v1', 'Nonexistent')).toBe(false);
    expect(await gw.serves('example.com/v1', 'Widget')).toBe(false);
  });

  it('translates 404, 422 and unknown kinds', async () => {
    await expect(gw.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'no-such-ns' } })).rejects.toBeInstanceOf(KubeNotFoundError);
    await expect(gw.scale('gw-scale', 'web', -1)).rejects.toBeInstanceOf(KubeInvalidError);
    const err = await gw.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiUnsupportedError);
    expect((err as Error).message).toContain("context 'one'");
  });

  it('retries 500 and connection resets with back-off on the injected clock, then succeeds', async () => {
    const start = clock.now();
    api.faults.inject({ status: 500 }, { times: 2, match: (r) => r.path === '/api/v1/namespaces/gw-a' });
    expect((await gw.get({ apiVersion: 'v1', kind: 'Namespace', name: 'gw-a' }))?.metadata.name).toBe('gw-a');
    api.faults.inject('reset', { times: 1, match: (r) => r.path === '/api/v1/namespaces/gw-a' });
    expect((await gw.get({ apiVersion: 'v1', kind: 'Namespace', name: 'gw-a' }))?.metadata.name).toBe('gw-a');
    expect(notes.filter((n) => n.includes('retry'))).toHaveLength(3);
    expect(notes.some((n) => n.includes('HTTP 500'))).toBe(true);
    expect(notes.some((n) => n.includes('connection failure'))).toBe(true);
    expect(clock.now()).toBeGreaterThan(start);
  });

  it('gives up after the policy and reports a server error naming the context', async () => {
    api.faults.inject({ status: 503 }, { times: 10, match: (r) => r.path === '/api/v1/namespaces/gw-a' });
    const err = await gw.get({ apiVersion: 'v1', kind: 'Namespace', name: 'gw-a' }).catch((e: unknown) => e);
    api.faults.clear();
    expect(err).toBeInstanceOf(KubeServerError);
    expect((err as Error).message).toMatch(/context 'one'.*503/);
  });

  it('does not retry 403, says to check the context and RBAC, and leaks no token', async () => {
    const before = api.faults.injected;
    api.faults.inject({ status: 403, reason: 'Forbidden', message: 'namespaces is forbidden: User "x" cannot list' }, { times: 5 });
    const err = (await gw.list('v1', 'Namespace').catch((e: unknown) => e)) as KubeAuthError;
    api.faults.clear();
    expect(err).toBeInstanceOf(KubeAuthError);
    expect(api.faults.injected - before).toBe(1);
    expect(err.message).toContain("context 'one'");
    expect(err.hint).toMatch(/RBAC/);
    expect(`${err.message} ${err.hint}`).not.toContain(api.token);
  });

  it('reports a wrong token as 401 and a closed port as unreachable', async () => {
    const bad = writeKubeconfig([
      { context: 'badtoken', server: api, token: 'not-the-token' },
      { context: 'closed', server: api, url: 'https://127.0.0.1:1' },
      { context: 'noca', server: api, omitCa: true },
    ]);
    const gws = connect(bad, ['badtoken', 'closed', 'noca']).clusters.map((c) => c.gateway);
    const e401 = await gws[0]!.list('v1', 'Namespace').catch((e: unknown) => e);
    expect(e401).toBeInstanceOf(KubeAuthError);
    expect((e401 as Error).message).toContain('401');
    const refused = await gws[1]!.list('v1', 'Namespace').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClusterUnreachableError);
    expect((refused as Error).message).toMatch(/closed.*ECONNREFUSED/);
    const tls = await gws[2]!.list('v1', 'Namespace').catch((e: unknown) => e);
    expect(tls).toBeInstanceOf(ClusterUnreachableError);
    expect((tls as Error).message).toMatch(/TLS verification failed/);
  });
});
