/**
 * doctor finds what the seed's Troubleshooting section looks for: a different root certificate,
 * a missing remote secret, endpoints missing from the sleep proxy, an unhealthy endpoint, an
 * east-west gateway without an address, an unreachable cluster.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClusterCaFiles } from '../../src/kube/certs/files.js';
import type { KubeObject } from '../../src/kube/gateway.js';
import { cacertsSecret } from '../../src/kube/testbed.js';
import { runCli } from '../support/cli.js';
import { fakeIstioctl } from '../support/apiserver/fake-istioctl.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { startTwoClusters, type TwoClusters } from '../kube/helpers.js';

let certsDir: string;
let otherCertsDir: string;

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'meshbench-doctor-'));
  certsDir = join(base, 'certs');
  otherCertsDir = join(base, 'other');
  const [a, b] = await Promise.all([
    runCli(['certs', '--out', certsDir, '--key-size', '2048']),
    runCli(['certs', '--out', otherCertsDir, '--key-size', '2048', '--cluster', 'cluster2']),
  ]);
  expect(a.code + b.code).toBe(0);
});

async function deployed(o2: Parameters<typeof startTwoClusters>[1] = {}): Promise<{ env: TwoClusters; doctor: (...extra: string[]) => ReturnType<typeof runCli> }> {
  const env = await startTwoClusters({}, o2);
  const istioctl = fakeIstioctl({ c1: env.c1, c2: env.c2 });
  const opts = { env: { KUBECONFIG: env.kubeconfig }, spawnProcess: istioctl.spawn };
  const r = await runCli(['deploy', '--context', 'c1', '--context', 'c2', '--certs', certsDir], opts);
  expect(r.code, r.stderr).toBe(0);
  return { env, doctor: (...extra: string[]) => runCli(['doctor', '--context', 'c1', '--context', 'c2', ...extra], opts) };
}

describe('doctor on a broken test bed', () => {
  let env: TwoClusters;
  let doctor: (...extra: string[]) => ReturnType<typeof runCli>;
  beforeAll(async () => ({ env, doctor } = await deployed()));
  afterAll(async () => env.close());

  it('a cacerts from another root: exit 4, root-cert FAIL with both fingerprints and the fix', async () => {
    const good = env.c2.get('v1', 'Secret', 'istio-system', 'cacerts');
    env.c2.put({ ...cacertsSecret(await readClusterCaFiles(otherCertsDir, 'cluster2')) });
    const r = await doctor();
    env.c2.put(good as never);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/FAIL +mesh +root-cert +the clusters have different root certificates: cluster1 [0-9A-F:]+…, cluster2 [0-9A-F:]+…/);
    expect(r.stdout).toContain('fix: Make every intermediate from one root: meshbench certs');
    expect(r.stdout).toMatch(/PASS +cluster2 +cacerts/);
  });

  it('a cacerts whose intermediate is not signed by its root', async () => {
    const good = env.c2.get('v1', 'Secret', 'istio-system', 'cacerts');
    const mixed = { ...(await readClusterCaFiles(otherCertsDir, 'cluster2')), 'root-cert.pem': (await readClusterCaFiles(certsDir, 'cluster2'))['root-cert.pem'] };
    env.c2.put(cacertsSecret(mixed));
    const r = await doctor();
    env.c2.put(good as never);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/FAIL +cluster2 +cacerts +ca-cert\.pem is not signed by the root-cert\.pem next to it/);
  });

  it('a missing remote secret: exit 4 naming it, with the istioctl fix; the other direction still passes', async () => {
    const secret = env.c2.get('v1', 'Secret', 'istio-system', 'istio-remote-secret-cluster1');
    env.c2.remove('v1', 'Secret', 'istio-system', 'istio-remote-secret-cluster1');
    const r = await doctor();
    env.c2.put(secret as never);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/FAIL +cluster2 +remote-secret +no remote secret for cluster1/);
    expect(r.stdout).toContain('istioctl create-remote-secret --context=c1 --name=cluster1 | kubectl apply -f - --context=c2');
    expect(r.stdout).toMatch(/WARN +cluster1 +remote-secret .*token is accepted by cluster2/);
  });

  it('cluster2 invisible from the sleep proxy when cluster1 has no remote secret for it', async () => {
    const secret = env.c1.get('v1', 'Secret', 'istio-system', 'istio-remote-secret-cluster2');
    env.c1.remove('v1', 'Secret', 'istio-system', 'istio-remote-secret-cluster2');
    const r = await doctor('--json');
    env.c1.put(secret as never);
    expect(r.code).toBe(4);
    const report = JSON.parse(r.stdout) as { checks: Array<{ id: string; status: string; message: string; details?: string[] }> };
    const ep = report.checks.find((c) => c.id === 'endpoints');
    expect(ep?.status).toBe('fail');
    expect(ep?.message).toMatch(/does not see cluster2 via its east-west gateway 172\.18\.2\.\d+:15443/);
    expect(ep?.details).toHaveLength(1);
  });

  it('a token the other cluster rejects', async () => {
    const secret = env.c2.get('v1', 'Secret', 'istio-system', 'istio-remote-secret-cluster1');
    const data = secret?.['data'] as Record<string, string>;
    const text = Buffer.from(data['cluster1'] as string, 'base64').toString('utf8').replace(/token: .*/, 'token: revoked-token');
    env.c2.put({ ...(secret as KubeObject), data: { cluster1: Buffer.from(text).toString('base64') } });
    const r = await doctor();
    env.c2.put(secret as never);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/FAIL +cluster2 +remote-secret +remote secret istio-system\/istio-remote-secret-cluster1 in cluster2: cluster1 rejects its token/);
    expect(r.stdout).not.toContain('revoked-token');
  });

  it('an ejected endpoint is a warning (exit 0) with its health flags', async () => {
    const ip = (env.c1.pods('sample', 'app=helloworld')[0]?.['status'] as { podIP: string }).podIP;
    env.c1.hostHealth.set(`${ip}:5000`, '/failed_outlier_check');
    const r = await doctor();
    env.c1.hostHealth.clear();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/WARN +cluster1 +endpoints +1 of 2 helloworld endpoint\(s\) are not healthy \(failed_outlier_check\)/);
    expect(r.stdout).toContain(`${ip}:5000  failed_outlier_check  priority 0`);
  });

  it('no DestinationRule and no injection label', async () => {
    const dr = env.c1.get('networking.istio.io/v1', 'DestinationRule', 'sample', 'helloworld');
    const ns = env.c2.get('v1', 'Namespace', undefined, 'sample');
    env.c1.remove('networking.istio.io/v1', 'DestinationRule', 'sample', 'helloworld');
    env.c2.put({ ...(ns as KubeObject), metadata: { ...ns!.metadata, labels: {} } });
    const r = await doctor();
    env.c1.put(dr as never);
    env.c2.put(ns as never);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/WARN +cluster1 +destination-rule +no DestinationRule for helloworld\.sample\.svc\.cluster\.local/);
    expect(r.stdout).toMatch(/FAIL +cluster2 +injection +sample is not labelled for sidecar injection/);
    expect(r.stdout).toContain('kubectl --context c2 label namespace sample istio-injection=enabled --overwrite');
  });

  it('an unreachable cluster fails its api check; the others still run', async () => {
    const kc = writeKubeconfig([{ context: 'c1', server: env.c1 }, { context: 'c2', server: env.c2, url: 'https://127.0.0.1:1' }]);
    const r = await runCli(['doctor', '--context', 'c1', '--context', 'c2'], { env: { KUBECONFIG: kc } });
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/FAIL +cluster2 +api +context 'c2' \(https:\/\/127\.0\.0\.1:1\): cannot reach the API server \(ECONNREFUSED\)/);
    expect(r.stdout).toMatch(/PASS +cluster1 +istiod/);
  });
});

describe('doctor without a LoadBalancer in cluster2', () => {
  let env: TwoClusters;
  let doctor: (...extra: string[]) => ReturnType<typeof runCli>;
  beforeAll(async () => ({ env, doctor } = await deployed({ loadBalancer: false })));
  afterAll(async () => env.close());

  it('says the east-west gateway has no address and what provides one', async () => {
    const r = await doctor();
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/FAIL +cluster2 +eastwest-gateway +the Service has no external address \(LoadBalancer pending\)/);
    expect(r.stdout).toMatch(/MetalLB/);
    expect(r.stdout).toMatch(/FAIL +cluster1 +endpoints .*cluster2 \(its east-west gateway has no address\)/);
  });
});
