/**
 * deploy → doctor → cleanup end to end against two API emulators (contexts c1, c2 in a generated
 * kubeconfig), with a fake istioctl; idempotency; failure injection (403, 500, connection reset).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/gateway.js';
import { runCli, type CliRun } from '../support/cli.js';
import { fakeIstioctl, type FakeIstioctl } from '../support/apiserver/fake-istioctl.js';
import type { ApiServer } from '../support/apiserver/server.js';
import { startTwoClusters, type TwoClusters } from '../kube/helpers.js';

let certsDir: string;

beforeAll(async () => {
  certsDir = join(mkdtempSync(join(tmpdir(), 'meshbench-e2e-')), 'certs');
  const r = await runCli(['certs', '--out', certsDir, '--key-size', '2048']);
  expect(r.code, r.stderr).toBe(0);
});

const MANAGED = 'app.kubernetes.io/managed-by=meshbench';

function managedObjects(s: ApiServer): KubeObject[] {
  return s.store.all().filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'meshbench');
}

function versions(s: ApiServer): Map<string, string | undefined> {
  return new Map(s.store.all().map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion]));
}

/** Every secret value a test must never see printed: admin tokens and service-account tokens. */
function secrets(...servers: ApiServer[]): string[] {
  const out: string[] = [];
  for (const s of servers) {
    out.push(s.token);
    for (const sec of s.list('v1', 'Secret')) {
      const t = (sec['data'] as Record<string, string> | undefined)?.['token'];
      if (t) out.push(Buffer.from(t, 'base64').toString('utf8'));
    }
  }
  return out;
}

function expectNoSecrets(r: CliRun, values: string[]): void {
  for (const v of values) {
    expect(r.stdout).not.toContain(v);
    expect(r.stderr).not.toContain(v);
  }
  expect(r.stdout + r.stderr).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
}

function deployArgs(extra: string[] = []): string[] {
  return ['deploy', '--context', 'c1', '--context', 'c2', '--certs', certsDir, '--istioctl', '/opt/istio/bin/istioctl', ...extra];
}

describe('deploy → doctor → cleanup on two emulated clusters', () => {
  let env: TwoClusters;
  let istioctl: FakeIstioctl;
  const run = (argv: string[]) => runCli(argv, { env: { KUBECONFIG: env.kubeconfig }, spawnProcess: istioctl.spawn });

  beforeAll(async () => {
    env = await startTwoClusters();
    istioctl = fakeIstioctl({ c1: env.c1, c2: env.c2 });
  });
  afterAll(async () => env.close());

  it('deploys the seed test bed in order, through istioctl argv arrays', async () => {
    const r = await run(deployArgs());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployed the test bed on 2 clusters');
    expect(r.stdout).toContain('cluster1  context c1  network network1  Istio 1.24.2');
    expect(r.stdout).toContain('next: meshbench doctor --context c1 --context c2');
    const steps = ['Exercise 1', 'Exercise 2', 'Exercise 3', 'Exercise 4'].map((s) => r.stderr.indexOf(s));
    expect(steps.every((i, k) => i >= 0 && (k === 0 || i > (steps[k - 1] as number)))).toBe(true);
    expect(istioctl.calls[0]).toEqual(['version', '--remote=false', '--short']);
    const installs = istioctl.calls.filter((a) => a[0] === 'install');
    expect(installs.map((a) => a.slice(0, 4))).toEqual([
      ['install', '-y', '--context', 'c1'],
      ['install', '-y', '--context', 'c1'],
      ['install', '-y', '--context', 'c2'],
      ['install', '-y', '--context', 'c2'],
    ]);
    for (const [s, network, version] of [[env.c1, 'network1', 'v1'], [env.c2, 'network2', 'v2']] as const) {
      expect(s.network()).toBe(network);
      expect(s.get('v1', 'Secret', 'istio-system', 'cacerts')).toBeDefined();
      expect(s.get('v1', 'Namespace', undefined, 'sample')?.metadata.labels?.['istio-injection']).toBe('enabled');
      expect(s.get('networking.istio.io/v1', 'Gateway', 'istio-system', 'cross-network-gateway')).toBeDefined();
      expect(s.get('networking.istio.io/v1', 'DestinationRule', 'sample', 'helloworld')).toBeDefined();
      const pods = s.pods('sample', `app=helloworld,version=${version}`);
      expect(pods).toHaveLength(1);
      expect(((pods[0]?.['spec'] as { containers: Array<{ name: string }> }).containers).map((c) => c.name)).toEqual(['helloworld', 'istio-proxy']);
      expect(s.get('v1', 'Service', 'sample', 'helloworld')).toBeDefined();
    }
    expect(env.c1.pods('sample', 'app=sleep')).toHaveLength(1);
    expect(env.c2.pods('sample', 'app=sleep')).toHaveLength(0);
    // Remote secrets both ways, each usable against the other cluster.
    expect(env.c1.get('v1', 'Secret', 'istio-system', 'istio-remote-secret-cluster2')?.metadata.annotations?.['networking.istio.io/cluster']).toBe('cluster2');
    expect(env.c2.get('v1', 'Secret', 'istio-system', 'istio-remote-secret-cluster1')?.metadata.labels?.['istio/multiCluster']).toBe('true');
    expect(env.c1.reachablePeers()).toEqual([env.c2]);
    expect(env.c2.reachablePeers()).toEqual([env.c1]);
    expectNoSecrets(r, secrets(env.c1, env.c2));
  });

  it('a second deploy changes nothing', async () => {
    const before = [versions(env.c1), versions(env.c2)];
    const r = await run(deployArgs());
    expect(r.code, r.stderr).toBe(0);
    expect(versions(env.c1)).toEqual(before[0]);
    expect(versions(env.c2)).toEqual(before[1]);
  });

  it('doctor passes every check and shows the endpoints the sleep proxy sees', async () => {
    const r = await run(['doctor', '--context', 'c1', '--context', 'c2']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).not.toContain('FAIL');
    expect(r.stdout).toMatch(/PASS +mesh +root-cert +every cluster has the same root certificate/);
    expect(r.stdout).toMatch(/PASS +cluster1 +endpoints +the sleep proxy sees 2 healthy helloworld endpoint/);
    expect(r.stdout).toMatch(/172\.18\.2\.\d+:15443 +healthy +priority 2 +weight 1 +us-west1\/us-west1-a +\(east-west gateway of cluster2/);
    expect(r.stdout).toMatch(/PASS +cluster2 +eastwest-reachable/);
    // The seed's DestinationRule, read as Istio 1.24 with the 2 hosts the proxy holds: its traps are warnings.
    expect(r.stdout).toMatch(/PASS +cluster1 +destination-rule +DestinationRule helloworld .* read as Istio 1\.24 with 2 host\(s\)/);
    expect(r.stdout).toMatch(/WARN +cluster1 +dr-trap +consecutive-errors-ignored/);
    expect(r.stdout).toMatch(/WARN +cluster1 +dr-trap +max-ejection-never: maxEjectionPercent 10% \(default\) can never eject with 2 hosts/);
    const json = await run(['doctor', '--context', 'c1', '--context', 'c2', '--json']);
    const report = JSON.parse(json.stdout) as { summary: { fail: number; pass: number }; checks: Array<{ id: string; cluster?: string; status: string }> };
    expect(report.summary.fail).toBe(0);
    // The emulators listen on 127.0.0.1: doctor warns that istiod elsewhere could not reach that, but the token works.
    const remote = report.checks.filter((c) => c.id === 'remote-secret') as unknown as Array<{ cluster?: string; status: string; message: string }>;
    expect(remote.map((c) => [c.cluster, c.status])).toEqual([
      ['cluster1', 'warn'],
      ['cluster2', 'warn'],
    ]);
    expect(remote[0]?.message).toMatch(/loopback address.*token is accepted by cluster2/);
    expectNoSecrets(r, secrets(env.c1, env.c2));
    expectNoSecrets(json, secrets(env.c1, env.c2));
  });

  it('cleanup removes what deploy created and leaves Istio', async () => {
    const r = await run(['cleanup', '--context', 'c1', '--context', 'c2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cleaned cluster1 \(context c1\): \d+ object\(s\) deleted/);
    for (const s of [env.c1, env.c2]) {
      expect(managedObjects(s)).toEqual([]);
      expect(s.list('v1', 'Namespace', undefined, MANAGED)).toEqual([]);
      expect(s.get('v1', 'Namespace', undefined, 'sample')).toBeUndefined();
      expect(s.pods('sample')).toEqual([]);
      expect(s.network()).toBe('');
      expect(s.get('apps/v1', 'Deployment', 'istio-system', 'istiod')).toBeDefined();
    }
  });

  it('cleanup --purge-istio uninstalls Istio with istioctl and deletes istio-system', async () => {
    const r = await run(['cleanup', '--context', 'c1', '--context', 'c2', '--purge-istio', '--istioctl', '/opt/istio/bin/istioctl']);
    expect(r.code, r.stderr).toBe(0);
    expect(istioctl.calls.filter((a) => a.includes('uninstall'))).toEqual([
      ['uninstall', '--purge', '-y', '--context', 'c1'],
      ['uninstall', '--purge', '-y', '--context', 'c2'],
    ]);
    expect(env.c1.get('v1', 'Namespace', undefined, 'istio-system')).toBeUndefined();
  });
});

describe('deploy failures', () => {
  let env: TwoClusters;
  let istioctl: FakeIstioctl;
  const run = (argv: string[], spawn = istioctl.spawn) => runCli(argv, { env: { KUBECONFIG: env.kubeconfig }, spawnProcess: spawn });

  beforeAll(async () => {
    env = await startTwoClusters();
    istioctl = fakeIstioctl({ c1: env.c1, c2: env.c2 });
  });
  afterAll(async () => env.close());

  it('403 from one cluster: exit 4, the message names the context, no token printed', async () => {
    env.c2.faults.inject({ status: 403, reason: 'Forbidden', message: 'namespaces "istio-system" is forbidden: User "dev" cannot patch resource "namespaces"' }, { times: 50 });
    const r = await run(deployArgs(['--skip-istio']));
    env.c2.faults.clear();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/error: context 'c2' \(https:\/\/127\.0\.0\.1:\d+\): forbidden \(403\) while applying Namespace istio-system/);
    expect(r.stderr).toMatch(/hint: Check the context and its RBAC/);
    expectNoSecrets(r, secrets(env.c1, env.c2));
  });

  it('a missing istioctl: exit 4 with a hint to pass --istioctl or --skip-istio, before any change', async () => {
    const before = env.c1.requests.length;
    const r = await run(deployArgs(), fakeIstioctl({}, '1.24.2', { missing: true }).spawn);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("istioctl not found at '/opt/istio/bin/istioctl'");
    expect(r.stderr).toMatch(/--istioctl.*--skip-istio/);
    expect(env.c1.requests.length).toBe(before);
  });

  it('an unsupported istioctl version is refused', async () => {
    const r = await run(deployArgs(), fakeIstioctl({ c1: env.c1, c2: env.c2 }, '1.5.10').spawn);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/version '1\.5\.10'.*not support/);
  });

  it('500s and a connection reset are retried and the deploy succeeds', async () => {
    env.c1.faults.inject({ status: 500 }, { times: 2, match: (q) => q.path === '/api/v1/namespaces/istio-system' });
    env.c2.faults.inject('reset', { times: 1, match: (q) => q.path.startsWith('/api/v1/namespaces/istio-system/secrets') });
    const injected = [env.c1.faults.injected, env.c2.faults.injected];
    const r = await run(deployArgs());
    expect(r.code, r.stderr).toBe(0);
    expect(env.c1.faults.injected - (injected[0] as number)).toBe(2);
    expect(env.c2.faults.injected - (injected[1] as number)).toBe(1);
    expect(r.stderr).toMatch(/context 'c1': HTTP 500 while applying Namespace istio-system; retry 1 in \d+\.\d s/);
    expect(r.stderr).toMatch(/context 'c2': connection failure while .*; retry 1/);
  });

  it('an unknown context: exit 4 listing the known ones', async () => {
    const r = await run(['deploy', '--context', 'c1', '--context', 'nope', '--dry-run']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/has no context 'nope' \(known contexts: c1, c2\)/);
  });

  it('--remote-server puts the given API address in that cluster\'s remote secret (istioctl --server)', async () => {
    const r = await run(deployArgs(['--remote-server', 'cluster1=https://10.0.0.5:6443']));
    const secret = env.c2.get('v1', 'Secret', 'istio-system', 'istio-remote-secret-cluster1');
    const kubeconfig = Buffer.from(String((secret?.['data'] as Record<string, string> | undefined)?.['cluster1'] ?? ''), 'base64').toString('utf8');
    expect(kubeconfig).toContain('server: https://10.0.0.5:6443');
    // cluster2's own secret keeps its kubeconfig address.
    const other = env.c1.get('v1', 'Secret', 'istio-system', 'istio-remote-secret-cluster2');
    expect(Buffer.from(String((other?.['data'] as Record<string, string>)['cluster2']), 'base64').toString('utf8')).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).not.toMatch(/cluster1: the API server address .* is a loopback address/);
    const bad = await run(deployArgs(['--remote-server', 'cluster1=10.0.0.5']));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected <cluster>=https://<host>:<port>");
    const unknown = await run(deployArgs(['--remote-server', 'cluster9=https://10.0.0.5:6443', '--dry-run']));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--remote-server names cluster9, which is not one of the clusters (cluster1, cluster2)');
    const dry = await run(deployArgs(['--remote-server', 'cluster1=https://10.0.0.5:6443', '--dry-run']));
    expect(dry.stdout).toContain('<kubeconfig for https://10.0.0.5:6443 with the token of istio-system/istio-reader-service-account in cluster1 (context c1)>');
  });

  it('one context is a usage error', async () => {
    const r = await run(['deploy', '--context', 'c1']);
    expect(r.code).toBe(2);
  });
});

describe('deploy --dry-run', () => {
  let env: TwoClusters;
  beforeAll(async () => {
    env = await startTwoClusters();
  });
  afterAll(async () => env.close());

  it('prints every object as valid multi-document YAML and makes no API call', async () => {
    const { parseAllDocuments } = await import('yaml');
    const { schemaProblems } = await import('../kube/schema.js');
    const r = await runCli([...deployArgs(['--observability']), '--dry-run'], { env: { KUBECONFIG: env.kubeconfig } });
    expect(r.code, r.stderr).toBe(0);
    expect(env.c1.requests).toEqual([]);
    expect(env.c2.requests).toEqual([]);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as KubeObject);
    const kinds = (cluster: string) =>
      r.stdout
        .split('---\n')
        .filter((d) => d.startsWith(`# ${cluster} `))
        .map((d) => /\nkind: (\w+)/.exec(d)?.[1]);
    expect(docs.flatMap(schemaProblems)).toEqual([]);
    expect(kinds('cluster1')).toEqual([
      'Namespace', 'Secret', 'IstioOperator', 'IstioOperator', 'Gateway',
      'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Secret', 'Secret',
      'Namespace', 'Service', 'Deployment', 'ServiceAccount', 'Service', 'Deployment', 'DestinationRule',
      'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'Service', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'Service',
    ]);
    expect(r.stdout).toContain('# cluster2 (context c2): Exercise 2: east-west gateway\n# not applied: /opt/istio/bin/istioctl install -y --context c2 -f <this document>');
    const ew2 = docs.filter((d) => d.kind === 'IstioOperator' && d.metadata?.name === 'eastwest')[1] as KubeObject;
    expect(JSON.stringify(ew2)).toContain('network2');
    expect(JSON.stringify(ew2)).not.toContain('network1');
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    expect(deployments.every((d) => (d['spec'] as { replicas?: number }).replicas === undefined)).toBe(true);
    expect(docs.filter((d) => d.kind !== 'IstioOperator' && d.metadata.name !== 'istio-system').every((d) => d.metadata.labels?.['app.kubernetes.io/managed-by'] === 'meshbench')).toBe(true);
    expect(r.stdout).toContain(`<contents of ${certsDir}/cluster1/ca-key.pem>`);
    expect(r.stdout).toMatch(/<kubeconfig for https:\/\/127\.0\.0\.1:\d+ with the token of istio-system\/istio-reader-service-account in cluster1 \(context c1\)>/);
    expectNoSecrets(r, [env.c1.token, env.c2.token]);
  });

  it('--skip-istio leaves the IstioOperators out', async () => {
    const r = await runCli(['deploy', '--context', 'c1', '--context', 'c2', '--skip-istio', '--dry-run'], { env: { KUBECONFIG: env.kubeconfig } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('kind: IstioOperator');
    expect(r.stdout).toContain('<contents of <certificates generated by deploy>/cluster2/ca-cert.pem>');
  });
});
