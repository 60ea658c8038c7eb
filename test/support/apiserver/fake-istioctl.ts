/**
 * A fake istioctl for deploy/cleanup tests: a ProcessSpawner that understands `version`,
 * `install -y --context C -f FILE` and `[x] uninstall --purge -y --context C`, and acts on the
 * emulator the context points at the way istioctl would (istiod Deployment, east-west gateway
 * Deployment + LoadBalancer Service labelled with the network).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ProcessResult, ProcessSpawner } from '../../../src/kube/istioctl.js';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { fakeAnalyze } from './fake-analyze.js';
import type { ApiServer } from './server.js';

export interface FakeIstioctl {
  spawn: ProcessSpawner;
  /** Every call's argv (without the executable). */
  calls: string[][];
  /** Exit code to return from the next install (then back to 0). */
  failNextInstall?: { exitCode: number; stderr: string };
}

interface Operator {
  metadata?: { name?: string };
  spec?: {
    components?: { ingressGateways?: Array<{ name: string; label?: Record<string, string>; k8s?: { service?: { ports?: Array<{ name: string; port: number; targetPort?: number }> } } }> };
    values?: { global?: { network?: string; multiCluster?: { clusterName?: string } } };
  };
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** @param byContext emulator of each kubeconfig context. */
export function fakeIstioctl(byContext: Record<string, ApiServer>, version = '1.24.2', opts: { missing?: boolean } = {}): FakeIstioctl {
  const fake: FakeIstioctl = {
    calls: [],
    spawn: async (_cmd, args): Promise<ProcessResult> => {
      if (opts.missing) throw Object.assign(new Error(`spawn ${_cmd} ENOENT`), { code: 'ENOENT' });
      fake.calls.push([...args]);
      const ok = (stdout: string): ProcessResult => ({ exitCode: 0, stdout, stderr: '' });
      if (args[0] === 'version') return ok(`${version}\n`);
      const ctx = flag(args, '--context');
      const server = ctx !== undefined ? byContext[ctx] : undefined;
      if (server === undefined) return { exitCode: 1, stdout: '', stderr: `Error: context "${ctx}" does not exist\n` };
      if (args[0] === 'analyze') return fakeAnalyze(server);
      if (args[0] === 'install') {
        if (fake.failNextInstall !== undefined) {
          const f = fake.failNextInstall;
          delete fake.failNextInstall;
          return { exitCode: f.exitCode, stdout: '', stderr: f.stderr };
        }
        const file = flag(args, '-f');
        const op = parse(readFileSync(file as string, 'utf8')) as Operator;
        install(server, op, version);
        return ok('✔ Istio core installed\n✔ Installation complete\n');
      }
      if (args.includes('uninstall')) {
        for (const name of ['istiod', 'istio-eastwestgateway']) server.remove('apps/v1', 'Deployment', 'istio-system', name);
        server.remove('v1', 'Service', 'istio-system', 'istio-eastwestgateway');
        return ok('✔ Uninstall complete\n');
      }
      return { exitCode: 1, stdout: '', stderr: `unknown command ${args[0]}\n` };
    },
  };
  return fake;
}

function deployment(name: string, labels: Record<string, string>, container: string, image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'istio-system', labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false' } }, spec: { containers: [{ name: container, image }] } },
    },
  };
}

/** Write like an installer re-applying its manifests: the server-owned status is kept. */
function installObject(server: ApiServer, obj: KubeObject): void {
  const cur = server.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
  server.put(cur?.['status'] !== undefined ? { ...obj, status: cur['status'] } : obj);
}

function install(server: ApiServer, op: Operator, version: string): void {
  if (server.get('v1', 'Namespace', undefined, 'istio-system') === undefined) {
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
  }
  const gateways = op.spec?.components?.ingressGateways ?? [];
  if (gateways.length === 0) {
    installObject(server, deployment('istiod', { app: 'istiod', istio: 'pilot' }, 'discovery', `docker.io/istio/pilot:${version}`));
    return;
  }
  for (const g of gateways) {
    const labels = g.label ?? {};
    installObject(server, deployment(g.name, labels, 'istio-proxy', `docker.io/istio/proxyv2:${version}`));
    installObject(server, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: g.name, namespace: 'istio-system', labels },
      spec: { type: 'LoadBalancer', selector: { app: labels['app'] ?? g.name }, ports: g.k8s?.service?.ports ?? [] },
    });
  }
}
