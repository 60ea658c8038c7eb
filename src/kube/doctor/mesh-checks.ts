/**
 * Checks across clusters: one root certificate everywhere (SHA-256 fingerprints of each
 * `cacerts` root-cert.pem, and each intermediate signed by it), and remote secrets both ways
 * (present, pointing at the cluster's API server, and their token accepted there).
 */
import { X509Certificate } from 'node:crypto';
import type { Clock } from '../../app/ports.js';
import { ToolError } from '../../errors.js';
import { createClusterGateway } from '../client-gateway.js';
import { ClusterUnreachableError, KubeAuthError } from '../errors.js';
import type { KubeObject } from '../gateway.js';
import type { ConnectedCluster } from '../index.js';
import { contextFromKubeconfigText, isLoopbackServer } from '../kubeconfig.js';
import { CLUSTER_ANNOTATION, MULTICLUSTER_LABEL, remoteSecretName } from '../remote-secret.js';
import { CACERTS_SECRET, ISTIO_NAMESPACE } from '../testbed.js';
import type { CheckResult } from './types.js';

function secretText(s: KubeObject | undefined, key: string): string | undefined {
  const v = (s?.['data'] as Record<string, string> | undefined)?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

/** `AB:CD:...` SHA-256 fingerprint of the first certificate in a PEM text. */
function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** Per cluster: cacerts present and consistent; across clusters: the same root. */
export async function checkRootCerts(clusters: readonly ConnectedCluster[]): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const roots = new Map<string, string>();
  for (const c of clusters) {
    const base = { id: 'cacerts', cluster: c.spec.name };
    const s = await c.gateway.get({ apiVersion: 'v1', kind: 'Secret', namespace: ISTIO_NAMESPACE, name: CACERTS_SECRET });
    const root = secretText(s, 'root-cert.pem');
    const ca = secretText(s, 'ca-cert.pem');
    if (s === undefined || root === undefined || ca === undefined) {
      out.push({
        ...base,
        status: 'fail',
        message: s === undefined ? 'no cacerts secret in istio-system (istiod made its own self-signed root)' : 'cacerts lacks root-cert.pem or ca-cert.pem',
        fix: `meshbench certs --out certs --cluster ${c.spec.name} and meshbench deploy --certs certs ..., then kubectl --context ${c.spec.context} -n istio-system rollout restart deployment/istiod`,
      });
      continue;
    }
    let fp: string;
    try {
      fp = fingerprint(root);
      const signed = new X509Certificate(ca).verify(new X509Certificate(root).publicKey);
      if (!signed) {
        out.push({ ...base, status: 'fail', message: 'ca-cert.pem is not signed by the root-cert.pem next to it', fix: 'Recreate cacerts from one certificate directory (meshbench certs, then deploy --certs).' });
        roots.set(c.spec.name, fp);
        continue;
      }
    } catch (err) {
      out.push({ ...base, status: 'fail', message: `cacerts holds an unreadable certificate (${(err as Error).message})`, fix: 'Recreate cacerts (meshbench certs, then deploy --certs).' });
      continue;
    }
    roots.set(c.spec.name, fp);
    out.push({ ...base, status: 'pass', message: `root ${fp.slice(0, 23)}…, intermediate signed by it` });
  }
  const distinct = new Set(roots.values());
  if (roots.size === clusters.length && distinct.size === 1) {
    out.push({ id: 'root-cert', status: 'pass', message: `every cluster has the same root certificate (SHA-256 ${[...distinct][0]})` });
  } else if (distinct.size > 1) {
    out.push({
      id: 'root-cert',
      status: 'fail',
      message: `the clusters have different root certificates: ${[...roots].map(([n, f]) => `${n} ${f.slice(0, 23)}…`).join(', ')}; cross-cluster mTLS fails`,
      fix: 'Make every intermediate from one root: meshbench certs --out certs --force --cluster cluster1 --cluster cluster2; meshbench deploy --certs certs --context ...; then restart istiod and the workloads in every cluster.',
      details: [...roots].map(([n, f]) => `${n}: openssl x509 -noout -fingerprint -sha256 on cacerts root-cert.pem → ${f}`),
    });
  } else {
    out.push({ id: 'root-cert', status: 'skip', message: 'not every cluster has cacerts; nothing to compare' });
  }
  return out;
}

export interface ProbeDeps {
  clock: Clock;
  jitter: () => number;
}

/** In each cluster, a remote secret for every other cluster; its kubeconfig reaches that cluster and its token works. */
export async function checkRemoteSecrets(clusters: readonly ConnectedCluster[], deps: ProbeDeps): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const holder of clusters) {
    const secrets = await holder.gateway.list('v1', 'Secret', { namespace: ISTIO_NAMESPACE, labelSelector: `${MULTICLUSTER_LABEL}=true` });
    for (const target of clusters) {
      if (target === holder) continue;
      const base = { id: 'remote-secret', cluster: holder.spec.name };
      const s = secrets.find((x) => x.metadata.annotations?.[CLUSTER_ANNOTATION] === target.spec.name || x.metadata.name === remoteSecretName(target.spec.name));
      const fix = `meshbench deploy --context ... (or: istioctl create-remote-secret --context=${target.spec.context} --name=${target.spec.name} | kubectl apply -f - --context=${holder.spec.context})`;
      if (s === undefined) {
        out.push({ ...base, status: 'fail', message: `no remote secret for ${target.spec.name}: istiod in ${holder.spec.name} does not see ${target.spec.name}'s endpoints`, fix });
        continue;
      }
      const data = (s['data'] ?? {}) as Record<string, string>;
      const key = data[target.spec.name] !== undefined ? target.spec.name : Object.keys(data)[0];
      const text = key !== undefined ? secretText(s, key) : undefined;
      if (text === undefined) {
        out.push({ ...base, status: 'fail', message: `remote secret ${s.metadata.name} holds no kubeconfig`, fix });
        continue;
      }
      const label = `remote secret ${ISTIO_NAMESPACE}/${s.metadata.name} in ${holder.spec.name}`;
      out.push(await probeRemoteSecret(base, label, text, target, fix, deps));
    }
  }
  return out;
}

async function probeRemoteSecret(
  base: { id: string; cluster: string },
  label: string,
  kubeconfigText: string,
  target: ConnectedCluster,
  fix: string,
  deps: ProbeDeps,
): Promise<CheckResult> {
  let cfg;
  try {
    cfg = contextFromKubeconfigText(kubeconfigText, label);
  } catch (err) {
    return { ...base, status: 'fail', message: (err as Error).message, fix };
  }
  const details: string[] = [];
  const loopback = isLoopbackServer(cfg.server);
  if (!loopback && cfg.server !== target.gateway.server) details.push(`it points at ${cfg.server}; your kubeconfig reaches ${target.spec.name} at ${target.gateway.server}`);
  const probe = createClusterGateway(cfg, { clock: deps.clock, jitter: deps.jitter, retryPolicy: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
  try {
    await probe.list('v1', 'Namespace');
  } catch (err) {
    if (err instanceof KubeAuthError) {
      return { ...base, status: 'fail', message: `${label}: ${target.spec.name} rejects its token`, fix, details };
    }
    if (err instanceof ClusterUnreachableError) {
      return { ...base, status: 'warn', message: `${label}: cannot reach ${cfg.server} from here to try its token (it may be reachable only from inside the clusters)`, details };
    }
    if (err instanceof ToolError) return { ...base, status: 'warn', message: `${label}: ${err.message}`, details };
    throw err;
  }
  if (loopback) {
    return {
      ...base,
      status: 'warn',
      message: `${label} points at ${cfg.server}, a loopback address istiod in ${base.cluster} cannot reach (its token is accepted by ${target.spec.name})`,
      fix: 'Recreate it with the API server address as seen from the other cluster (kind: `kind get kubeconfig --internal`; istioctl create-remote-secret --server=...), or run meshbench deploy with such a kubeconfig.',
    };
  }
  return {
    ...base,
    status: details.length > 0 ? 'warn' : 'pass',
    message: `remote secret for ${target.spec.name} present; its token is accepted by ${target.spec.name}`,
    ...(details.length > 0 ? { details, fix: 'Check that this address is the one istiod should use.' } : {}),
  };
}
