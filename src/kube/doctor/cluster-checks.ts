/**
 * Checks of one cluster, from the seed's Verification and Troubleshooting sections: istiod up and
 * its version, the network label, the east-west gateway Service (address, ports 15443/15021),
 * sidecar injection on `sample`, and the helloworld/sleep workloads ready with a sidecar.
 */
import type { ConnectedCluster } from '../index.js';
import { hasIstioProxy, isPodReady, istiodVersion } from '../images.js';
import { rolloutStatus } from '../rollout-status.js';
import {
  EASTWEST_GATEWAY,
  INJECTION_LABEL,
  ISTIO_NAMESPACE,
  NETWORK_LABEL,
  SAMPLE_NAMESPACE,
  SLEEP_DEPLOYMENT,
  helloworldVersion,
} from '../testbed.js';
import type { CheckResult } from './types.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };

export async function checkIstiod(c: ConnectedCluster): Promise<{ result: CheckResult; version?: string }> {
  const ctx = c.spec.context;
  const istiod = await c.gateway.get({ ...DEPLOYMENT, namespace: ISTIO_NAMESPACE, name: 'istiod' });
  if (istiod === undefined) {
    return {
      result: {
        id: 'istiod',
        cluster: c.spec.name,
        status: 'fail',
        message: 'no istiod Deployment in istio-system',
        fix: `Install Istio: meshbench deploy --context ... (or istioctl install -y --context ${ctx} -f manifests/0${Math.min(c.spec.index + 1, 2)}-cluster${Math.min(c.spec.index + 1, 2)}-istiooperator.yaml)`,
      },
    };
  }
  const version = istiodVersion(istiod);
  const st = rolloutStatus(istiod);
  const v = version !== undefined ? `, version ${version}` : '';
  if (st.state !== 'done') {
    return {
      result: { id: 'istiod', cluster: c.spec.name, status: 'fail', message: `istiod not ready${v}: ${st.message}`, fix: `kubectl --context ${ctx} -n istio-system describe deployment istiod` },
      ...(version !== undefined ? { version } : {}),
    };
  }
  return { result: { id: 'istiod', cluster: c.spec.name, status: 'pass', message: `istiod ready${v}` }, ...(version !== undefined ? { version } : {}) };
}

export async function checkNetworkLabel(c: ConnectedCluster): Promise<{ result: CheckResult; network: string }> {
  const ns = await c.gateway.get({ apiVersion: 'v1', kind: 'Namespace', name: ISTIO_NAMESPACE });
  const network = ns?.metadata.labels?.[NETWORK_LABEL] ?? '';
  if (network === '') {
    return {
      network,
      result: {
        id: 'network-label',
        cluster: c.spec.name,
        status: 'warn',
        message: `istio-system has no ${NETWORK_LABEL} label`,
        fix: `kubectl --context ${c.spec.context} label namespace istio-system ${NETWORK_LABEL}=${c.spec.network}`,
      },
    };
  }
  return { network, result: { id: 'network-label', cluster: c.spec.name, status: 'pass', message: `istio-system is on network ${network}` } };
}

/** The east-west gateway Service: present, with an external address and the ports 15443 and 15021. */
export async function checkEastWestGateway(c: ConnectedCluster, network: string): Promise<{ result: CheckResult; address?: string }> {
  const ctx = c.spec.context;
  const svc = await c.gateway.get({ apiVersion: 'v1', kind: 'Service', namespace: ISTIO_NAMESPACE, name: EASTWEST_GATEWAY });
  const base = { id: 'eastwest-gateway', cluster: c.spec.name };
  if (svc === undefined) {
    return {
      result: {
        ...base,
        status: 'fail',
        message: `no ${EASTWEST_GATEWAY} Service in istio-system`,
        fix: `Install it: sed 's/network1/${network || c.spec.network}/g' manifests/03-eastwest-gateway.yaml | istioctl install -y --context ${ctx} -f -`,
      },
    };
  }
  const ports = ((svc['spec'] as { ports?: Array<{ port: number }> } | undefined)?.ports ?? []).map((p) => p.port);
  const missing = [15443, 15021].filter((p) => !ports.includes(p));
  const ingress = (svc['status'] as { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } | undefined)?.loadBalancer?.ingress?.[0];
  const address = ingress?.ip ?? ingress?.hostname;
  const label = svc.metadata.labels?.[NETWORK_LABEL];
  if (missing.length > 0) {
    return { result: { ...base, status: 'fail', message: `the Service does not expose port${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, fix: 'Reinstall the gateway from manifests/03-eastwest-gateway.yaml (ports 15021, 15443, 15012, 15017).' } };
  }
  if (address === undefined) {
    return {
      result: {
        ...base,
        status: 'fail',
        message: 'the Service has no external address (LoadBalancer pending)',
        fix: `The cluster needs a LoadBalancer implementation (a cloud load balancer; MetalLB or cloud-provider-kind for kind). Watch: kubectl --context ${ctx} -n istio-system get svc ${EASTWEST_GATEWAY}`,
      },
    };
  }
  if (label !== undefined && network !== '' && label !== network) {
    return {
      address,
      result: { ...base, status: 'warn', message: `address ${address}, but labelled ${NETWORK_LABEL}=${label} while istio-system is on ${network}`, fix: 'Reinstall the gateway for this cluster\'s network.' },
    };
  }
  return { address, result: { ...base, status: 'pass', message: `address ${address}, ports 15443 and 15021` } };
}

export async function checkInjection(c: ConnectedCluster): Promise<CheckResult> {
  const ns = await c.gateway.get({ apiVersion: 'v1', kind: 'Namespace', name: SAMPLE_NAMESPACE });
  const base = { id: 'injection', cluster: c.spec.name };
  const fix = `kubectl --context ${c.spec.context} label namespace ${SAMPLE_NAMESPACE} ${INJECTION_LABEL}=enabled --overwrite && kubectl --context ${c.spec.context} -n ${SAMPLE_NAMESPACE} rollout restart deployment`;
  if (ns === undefined) return { ...base, status: 'fail', message: `no namespace ${SAMPLE_NAMESPACE}`, fix: 'Run meshbench deploy.' };
  const labels = ns.metadata.labels ?? {};
  if (labels[INJECTION_LABEL] === 'enabled' || labels['istio.io/rev'] !== undefined) {
    return { ...base, status: 'pass', message: `${SAMPLE_NAMESPACE} has ${labels[INJECTION_LABEL] === 'enabled' ? `${INJECTION_LABEL}=enabled` : `istio.io/rev=${labels['istio.io/rev']}`}` };
  }
  return { ...base, status: 'fail', message: `${SAMPLE_NAMESPACE} is not labelled for sidecar injection`, fix };
}

/** helloworld-v<N> (and sleep in cluster1) rolled out, every pod with an istio-proxy sidecar. */
export async function checkWorkloads(c: ConnectedCluster): Promise<CheckResult[]> {
  const names = [`helloworld-${helloworldVersion(c.spec)}`, ...(c.spec.index === 0 ? [SLEEP_DEPLOYMENT] : [])];
  const out: CheckResult[] = [];
  for (const name of names) {
    const base = { id: 'workload', cluster: c.spec.name };
    const dep = await c.gateway.get({ ...DEPLOYMENT, namespace: SAMPLE_NAMESPACE, name });
    if (dep === undefined) {
      out.push({ ...base, status: 'fail', message: `no Deployment ${SAMPLE_NAMESPACE}/${name}`, fix: 'Run meshbench deploy.' });
      continue;
    }
    const selector = (dep['spec'] as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ?? {};
    const pods = await c.gateway.list('v1', 'Pod', { namespace: SAMPLE_NAMESPACE, labelSelector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',') });
    const ready = pods.filter(isPodReady);
    const without = pods.filter((p) => !hasIstioProxy(p));
    const st = rolloutStatus(dep);
    const replicas = (dep['spec'] as { replicas?: number }).replicas ?? 1;
    if (without.length > 0) {
      out.push({
        ...base,
        status: 'fail',
        message: `${name}: ${without.length} of ${pods.length} pod(s) have no istio-proxy sidecar`,
        fix: `Label the namespace for injection, then kubectl --context ${c.spec.context} -n ${SAMPLE_NAMESPACE} rollout restart deployment/${name}`,
      });
    } else if (replicas === 0) {
      out.push({ ...base, status: 'warn', message: `${name} is scaled to 0`, fix: `kubectl --context ${c.spec.context} -n ${SAMPLE_NAMESPACE} scale deployment/${name} --replicas=1 (or meshbench restore after an interrupted run)` });
    } else if (st.state !== 'done' || ready.length === 0) {
      out.push({ ...base, status: 'fail', message: `${name} not ready: ${st.message}`, fix: `kubectl --context ${c.spec.context} -n ${SAMPLE_NAMESPACE} describe pods -l ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')}` });
    } else {
      out.push({ ...base, status: 'pass', message: `${name}: ${ready.length}/${replicas} ready, with istio-proxy` });
    }
  }
  return out;
}
