/**
 * doctor checks what the tutorial's verification section checks — proxy-status, remote-clusters,
 * the cross-network Gateway, the trust bundle workloads get — against a deployed pair of emulated
 * clusters, whose istiod debug endpoints and istio-ca-root-cert answer from the emulator's state;
 * and fails each where it should, with its fix.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/gateway.js';
import { runCli } from '../support/cli.js';
import { fakeIstioctl } from '../support/apiserver/fake-istioctl.js';
import { rejectConfig } from '../support/apiserver/istiod-debug.js';
import { findByKind, type ResourceDef } from '../support/apiserver/resources.js';
import { startTwoClusters, type TwoClusters } from '../kube/helpers.js';

let certsDir: string;
let env: TwoClusters | undefined;

beforeAll(async () => {
  certsDir = join(mkdtempSync(join(tmpdir(), 'meshbench-doctor-verify-')), 'certs');
  const r = await runCli(['certs', '--out', certsDir, '--key-size', '2048']);
  expect(r.code).toBe(0);
});
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function deployed(): Promise<{ e: TwoClusters; doctor: (o?: { istioctlMissing?: boolean }) => ReturnType<typeof runCli> }> {
  const e = await startTwoClusters();
  env = e;
  const istioctl = fakeIstioctl({ c1: e.c1, c2: e.c2 });
  const opts = { env: { KUBECONFIG: e.kubeconfig }, spawnProcess: istioctl.spawn };
  const r = await runCli(['deploy', '--context', 'c1', '--context', 'c2', '--certs', certsDir], opts);
  expect(r.code, r.stderr).toBe(0);
  const missing = fakeIstioctl({ c1: e.c1, c2: e.c2 }, '1.24.2', { missing: true });
  return {
    e,
    doctor: (o = {}) => runCli(['doctor', '--context', 'c1', '--context', 'c2', '--no-color'], { ...opts, spawnProcess: o.istioctlMissing === true ? missing.spawn : istioctl.spawn }),
  };
}

function line(out: string, status: string, cluster: string, id: string): string | undefined {
  return out.split('\n').find((l) => new RegExp(`^${status} +${cluster} +${id} `).test(l));
}

function deleteRules(server: TwoClusters['c1']): void {
  for (const dr of server.list('networking.istio.io/v1', 'DestinationRule', 'sample')) server.remove('networking.istio.io/v1', 'DestinationRule', 'sample', dr.metadata.name);
}

describe('doctor: the verification section', () => {
  it('a healthy deployed test bed passes every verification check', async () => {
    const { e, doctor } = await deployed();
    const r = await doctor();
    expect(r.code, r.stdout).toBe(0);
    for (const c of ['cluster1', 'cluster2']) {
      expect(line(r.stdout, 'PASS', c, 'proxy-status'), r.stdout).toMatch(/\d+ prox(y|ies) SYNCED with istiod/);
      expect(line(r.stdout, 'PASS', c, 'cross-network-gateway')).toMatch(/15443 AUTO_PASSTHROUGH for \*\.local/);
      expect(line(r.stdout, 'PASS', c, 'trust-bundle')).toMatch(/sample\/istio-ca-root-cert holds the shared cacerts root/);
    }
    expect(line(r.stdout, 'PASS', 'cluster1', 'remote-clusters')).toMatch(/cluster2 synced/);
    expect(line(r.stdout, 'PASS', 'cluster2', 'remote-clusters')).toMatch(/cluster1 synced/);
    // istioctl analyze: only the informational "default is not injected".
    expect(line(r.stdout, 'PASS', 'cluster1', 'istioctl-analyze')).toMatch(/no findings|informational/);
    // With the locality DestinationRule the end-to-end check is skipped; without it both versions answer.
    expect(line(r.stdout, 'SKIP', 'cluster1', 'end-to-end')).toMatch(/DestinationRule \S+ is set/);
    deleteRules(e.c1);
    const without = await doctor({ istioctlMissing: true });
    expect(without.code, without.stdout).toBe(0);
    expect(line(without.stdout, 'SKIP', 'mesh', 'istioctl-analyze')).toMatch(/istioctl not found/);
    expect(line(without.stdout, 'PASS', 'cluster1', 'end-to-end')).toMatch(/12 requests from the sleep pod reached both versions \(v1 ×\d+, v2 ×\d+\)|v2 ×\d+, v1 ×\d+/);
  }, 60_000);

  it('fails each check where it should, with its fix', async () => {
    const { e, doctor } = await deployed();
    // A proxy that NACKs its configuration.
    const sleep = e.c1.list('v1', 'Pod', 'sample', 'app=sleep')[0] as KubeObject;
    rejectConfig(e.c1, `${sleep.metadata.name}.sample`);
    // cluster1's remote secret for cluster2 with a token cluster2 no longer accepts.
    const secret = e.c1.list('v1', 'Secret', 'istio-system', 'istio/multiCluster=true')[0] as KubeObject;
    const data = secret['data'] as Record<string, string>;
    const key = Object.keys(data)[0] as string;
    const text = Buffer.from(data[key] as string, 'base64').toString('utf8').replace(/token: \S+/, 'token: revoked');
    e.c1.put({ ...secret, data: { [key]: Buffer.from(text).toString('base64') } });
    // No cross-network Gateway in cluster2.
    e.c2.remove('networking.istio.io/v1', 'Gateway', 'istio-system', 'cross-network-gateway');
    // cluster2's istiod restarted without cacerts: it signs with its own root.
    e.c2.remove('v1', 'Secret', 'istio-system', 'cacerts');
    for (const p of e.c2.list('v1', 'Pod', 'istio-system', 'app=istiod')) e.c2.remove('v1', 'Pod', 'istio-system', p.metadata.name);
    e.c2.controller.reconcile(true);
    e.c2.controller.reconcile(true);
    // cluster1's east-west gateway scaled to 0: its Gateway selects no pod (istioctl analyze IST0101).
    const ew = e.c1.get('apps/v1', 'Deployment', 'istio-system', 'istio-eastwestgateway') as KubeObject;
    e.c1.put({ ...ew, spec: { ...(ew['spec'] as object), replicas: 0 } });
    e.c1.controller.reconcile(true);
    deleteRules(e.c1);

    const r = await doctor();
    expect(r.code).toBe(4);
    const out = r.stdout;
    expect(line(out, 'FAIL', 'cluster1', 'proxy-status'), out).toMatch(/1 of \d+ proxies are STALE/);
    expect(out).toContain(`${sleep.metadata.name}.sample: CDS, LDS, EDS, RDS STALE`);
    expect(out).toMatch(/fix: istioctl --context c1 proxy-status/);
    expect(line(out, 'FAIL', 'cluster1', 'remote-clusters')).toMatch(/cluster2: timeout \(secret istio-system\/istio-remote-secret-cluster2\)/);
    expect(out).toMatch(/fix: istioctl --context c1 remote-clusters/);
    expect(line(out, 'FAIL', 'cluster2', 'cross-network-gateway')).toMatch(/no Gateway istio-system\/cross-network-gateway/);
    expect(out).toContain('fix: kubectl --context c2 apply -n istio-system -f manifests/04-expose-services.yaml');
    expect(line(out, 'PASS', 'cluster2', 'proxy-status')).toBeDefined();
    expect(line(out, 'PASS', 'cluster2', 'remote-clusters')).toMatch(/cluster1 synced/);
    // cluster2 has no cacerts now, so its bundle is skipped; cluster1's still holds its root.
    expect(line(out, 'SKIP', 'cluster2', 'trust-bundle')).toBeDefined();
    expect(line(out, 'PASS', 'cluster1', 'trust-bundle')).toBeDefined();
    expect(line(out, 'FAIL', 'cluster1', 'istioctl-analyze')).toMatch(/1 error, 0 warnings/);
    expect(out).toContain('Error [IST0101] (Gateway istio-system/cross-network-gateway) Referenced selector not found: "istio=eastwestgateway"');
    expect(out).toContain('fix: istioctl analyze --context c1 --all-namespaces explains each finding');
    // cluster1's istiod cannot read cluster2: every request stays on v1.
    expect(line(out, 'FAIL', 'cluster1', 'end-to-end')).toMatch(/12 requests from the sleep pod reached v1 ×12; never v2/);
    expect(out).toMatch(/fix: The other cluster's helloworld is not reachable/);
  }, 60_000);

  it('cacerts plugged in after istiod started: the workloads\' bundle lacks the shared root', async () => {
    const { e, doctor } = await deployed();
    // istiod restarts without cacerts (self-signed root), then cacerts comes back without a restart.
    const cacerts = e.c2.get('v1', 'Secret', 'istio-system', 'cacerts') as KubeObject;
    e.c2.remove('v1', 'Secret', 'istio-system', 'cacerts');
    for (const p of e.c2.list('v1', 'Pod', 'istio-system', 'app=istiod')) e.c2.remove('v1', 'Pod', 'istio-system', p.metadata.name);
    e.c2.controller.reconcile(true);
    e.c2.controller.reconcile(true);
    const { resourceVersion: _rv, uid: _uid, ...metadata } = cacerts.metadata;
    e.c2.put({ ...cacerts, metadata });
    const r = await doctor();
    expect(r.code).toBe(4);
    expect(line(r.stdout, 'PASS', 'mesh', 'root-cert'), r.stdout).toBeDefined();
    expect(line(r.stdout, 'FAIL', 'cluster2', 'trust-bundle')).toMatch(/does not hold the cacerts root .* probably its self-signed one/);
    expect(r.stdout).toContain('fix: kubectl --context c2 -n istio-system rollout restart deployment/istiod, then restart the workloads');
    expect(line(r.stdout, 'PASS', 'cluster1', 'trust-bundle')).toBeDefined();
  }, 60_000);

  it('an east-west gateway with a hostname (as on EKS) has an external address', async () => {
    const { e, doctor } = await deployed();
    const svc = e.c1.get('v1', 'Service', 'istio-system', 'istio-eastwestgateway') as KubeObject;
    e.c1.store.put(findByKind('v1', 'Service') as ResourceDef, { ...svc, status: { loadBalancer: { ingress: [{ hostname: 'a1b2.elb.us-east-1.amazonaws.com' }] } } }, new Date().toISOString());
    const r = await doctor();
    expect(line(r.stdout, 'PASS', 'cluster1', 'eastwest-gateway'), r.stdout).toMatch(/address a1b2\.elb\.us-east-1\.amazonaws\.com/);
  }, 60_000);
});
