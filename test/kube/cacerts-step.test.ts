/** Exercise 1 without --certs: keep existing cacerts, generate when none, refuse a half-done mesh. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCacerts } from '../../src/kube/deploy/cacerts-step.js';
import { silentProgress } from '../../src/app/ports.js';
import type { KubeGateway } from '../../src/kube/index.js';
import { connect, startTwoClusters, type TwoClusters } from './helpers.js';

let env: TwoClusters;
let kube: KubeGateway;
const tmpRoot = mkdtempSync(join(tmpdir(), 'meshbench-cacerts-'));

beforeAll(async () => {
  env = await startTwoClusters();
  kube = connect(env.kubeconfig, ['c1', 'c2']);
  for (const c of kube.clusters) await c.gateway.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
});
afterAll(async () => env.close());

const opts = { now: new Date('2026-11-23T00:00:00Z'), progress: silentProgress, tmpRoot, keySizeBits: 2048 };

describe('cacerts without --certs', () => {
  it('generates one root and an intermediate per cluster into a private temp dir when no cluster has cacerts', async () => {
    const r = await applyCacerts(kube.clusters, opts);
    expect(r.generated).toBe(true);
    expect(r.dir?.startsWith(join(tmpRoot, 'meshbench-certs-'))).toBe(true);
    expect(readdirSync(r.dir as string).sort()).toEqual(['cluster1', 'cluster2', 'root-cert.pem', 'root-key.pem']);
    const root = (s: typeof env.c1) => (s.get('v1', 'Secret', 'istio-system', 'cacerts')?.['data'] as Record<string, string>)['root-cert.pem'];
    expect(root(env.c1)).toBeDefined();
    expect(root(env.c1)).toBe(root(env.c2));
  });

  it('keeps them when every cluster has cacerts (a second deploy changes nothing)', async () => {
    const rv = env.c1.get('v1', 'Secret', 'istio-system', 'cacerts')?.metadata.resourceVersion;
    const r = await applyCacerts(kube.clusters, opts);
    expect(r).toEqual({ generated: false });
    expect(env.c1.get('v1', 'Secret', 'istio-system', 'cacerts')?.metadata.resourceVersion).toBe(rv);
  });

  it('refuses when only some clusters have cacerts, pointing at --certs', async () => {
    env.c2.remove('v1', 'Secret', 'istio-system', 'cacerts');
    const err = await applyCacerts(kube.clusters, opts).catch((e: unknown) => e);
    expect((err as Error).message).toBe('cluster1 already has a cacerts secret but cluster2 does not');
    expect((err as { hint: string }).hint).toContain('--certs <dir>');
  });
});
