/**
 * Two verification steps of the tutorial that read objects only: the `cross-network-gateway`
 * Gateway that exposes `*.local` on the east-west gateway (manifests/04-expose-services.yaml), and
 * the trust bundle workloads get — the `istio-ca-root-cert` ConfigMap istiod writes into every
 * namespace (pilot/pkg/keycertbundle, namespace controller) — holding the shared root. istiod reads
 * `cacerts` only when it starts, so a cacerts plugged in after istiod started leaves its self-signed
 * root in that bundle, and cross-cluster mTLS fails although `cacerts` looks right.
 */
import { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../gateway.js';
import type { ConnectedCluster } from '../index.js';
import { CACERTS_SECRET, ISTIO_NAMESPACE, SAMPLE_NAMESPACE } from '../testbed.js';
import type { CheckResult } from './types.js';

export const CROSS_NETWORK_GATEWAY = 'cross-network-gateway';
export const ROOT_CERT_CONFIGMAP = 'istio-ca-root-cert';

/** The Gateway, from the newest networking.istio.io version the cluster serves. */
async function getGateway(c: ConnectedCluster): Promise<KubeObject | undefined> {
  for (const v of ['v1', 'v1beta1', 'v1alpha3']) {
    const apiVersion = `networking.istio.io/${v}`;
    if (await c.gateway.serves(apiVersion, 'Gateway')) return c.gateway.get({ apiVersion, kind: 'Gateway', namespace: ISTIO_NAMESPACE, name: CROSS_NETWORK_GATEWAY });
  }
  return undefined;
}

/** The Gateway exists and passes 15443 through (TLS AUTO_PASSTHROUGH) for `*.local`. */
export async function checkCrossNetworkGateway(c: ConnectedCluster): Promise<CheckResult> {
  const base = { id: 'cross-network-gateway', cluster: c.spec.name };
  const fix = `kubectl --context ${c.spec.context} apply -n ${ISTIO_NAMESPACE} -f manifests/04-expose-services.yaml`;
  const gw = await getGateway(c);
  if (gw === undefined) return { ...base, status: 'fail', message: `no Gateway ${ISTIO_NAMESPACE}/${CROSS_NETWORK_GATEWAY}: the east-west gateway does not expose this cluster's services to the other network`, fix };
  const servers = ((gw['spec'] as { servers?: Array<{ port?: { number?: number }; tls?: { mode?: string }; hosts?: string[] }> } | undefined)?.servers ?? []);
  const ok = servers.some((s) => s.port?.number === 15443 && s.tls?.mode === 'AUTO_PASSTHROUGH' && (s.hosts ?? []).some((h) => h === '*.local' || h === '*'));
  if (!ok) return { ...base, status: 'fail', message: `Gateway ${CROSS_NETWORK_GATEWAY} has no server on port 15443 with TLS AUTO_PASSTHROUGH for *.local`, fix };
  return { ...base, status: 'pass', message: `Gateway ${CROSS_NETWORK_GATEWAY}: 15443 AUTO_PASSTHROUGH for *.local` };
}

/** SHA-256 fingerprints of every certificate in a PEM bundle (unreadable blocks skipped). */
export function bundleFingerprints(pem: string): string[] {
  const out: string[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)) {
    try {
      out.push(new X509Certificate(m[0]).fingerprint256);
    } catch {
      // not a certificate meshbench can read: it cannot be the root either
    }
  }
  return out;
}

function dataText(o: KubeObject | undefined, key: string, base64: boolean): string | undefined {
  const v = (o?.['data'] as Record<string, string> | undefined)?.[key];
  if (v === undefined) return undefined;
  return base64 ? Buffer.from(v, 'base64').toString('utf8') : v;
}

/**
 * In each cluster, the sample namespace's `istio-ca-root-cert` holds the root of that cluster's
 * `cacerts` — and, when every cluster has the same root, that shared root.
 */
export async function checkTrustBundles(clusters: readonly ConnectedCluster[]): Promise<CheckResult[]> {
  const roots = new Map<ConnectedCluster, string | undefined>();
  for (const c of clusters) {
    const s = await c.gateway.get({ apiVersion: 'v1', kind: 'Secret', namespace: ISTIO_NAMESPACE, name: CACERTS_SECRET });
    const pem = dataText(s, 'root-cert.pem', true);
    roots.set(c, pem !== undefined ? bundleFingerprints(pem)[0] : undefined);
  }
  const distinct = new Set([...roots.values()].filter((x) => x !== undefined));
  const shared = distinct.size === 1 && [...roots.values()].every((x) => x !== undefined) ? [...distinct][0] : undefined;
  const out: CheckResult[] = [];
  for (const c of clusters) {
    const base = { id: 'trust-bundle', cluster: c.spec.name };
    const ctx = c.spec.context;
    const restart = `kubectl --context ${ctx} -n ${ISTIO_NAMESPACE} rollout restart deployment/istiod, then restart the workloads (kubectl --context ${ctx} -n ${SAMPLE_NAMESPACE} rollout restart deployment) so they get certificates from the shared root`;
    const want = roots.get(c);
    if (want === undefined) {
      out.push({ ...base, status: 'skip', message: 'no readable cacerts root to look for (see cacerts)' });
      continue;
    }
    const cm = await c.gateway.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: SAMPLE_NAMESPACE, name: ROOT_CERT_CONFIGMAP });
    const pem = dataText(cm, 'root-cert.pem', false);
    if (pem === undefined) {
      out.push({ ...base, status: 'fail', message: `no ${ROOT_CERT_CONFIGMAP} ConfigMap with root-cert.pem in ${SAMPLE_NAMESPACE}: istiod has not written the namespace's trust bundle`, fix: `Check istiod: kubectl --context ${ctx} -n ${ISTIO_NAMESPACE} logs deploy/istiod; ${restart}` });
      continue;
    }
    const held = bundleFingerprints(pem);
    if (!held.includes(want)) {
      out.push({
        ...base,
        status: 'fail',
        message: `${SAMPLE_NAMESPACE}/${ROOT_CERT_CONFIGMAP} does not hold the cacerts root (${want.slice(0, 23)}…): istiod signs with another root, probably its self-signed one from before cacerts existed`,
        details: held.map((f) => `bundle holds ${f}`),
        fix: restart,
      });
      continue;
    }
    out.push({
      ...base,
      status: 'pass',
      message: `${SAMPLE_NAMESPACE}/${ROOT_CERT_CONFIGMAP} holds the ${shared !== undefined ? 'shared ' : ''}cacerts root ${want.slice(0, 23)}…`,
    });
  }
  return out;
}
