/**
 * Checks from the client's point of view (the sleep pod in cluster1): the helloworld endpoints its
 * proxy holds (`pilot-agent request GET clusters` in istio-proxy, parsed), and whether the other
 * clusters' east-west gateways answer `http://<address>:15021/healthz/ready` from there.
 */
import type { ConnectedCluster } from '../index.js';
import { hasIstioProxy, isPodReady } from '../images.js';
import { HELLOWORLD_PORT, HELLOWORLD_SERVICE, SAMPLE_NAMESPACE, SLEEP_DEPLOYMENT } from '../testbed.js';
import { clusterHosts, hostIp, outboundClusterName, type EnvoyHost } from './envoy-clusters.js';
import type { CheckResult } from './types.js';

export const HELLOWORLD_FQDN = `${HELLOWORLD_SERVICE}.${SAMPLE_NAMESPACE}.svc.cluster.local`;
const EXEC_TIMEOUT_MS = 20_000;

/** What doctor learnt about each cluster before the traffic checks. */
export interface ClusterFacts {
  cluster: ConnectedCluster;
  network: string;
  /** East-west gateway address, when it has one. */
  gatewayAddress?: string;
}

/** The ready sleep pod with a sidecar in the client cluster, if any. */
export async function findSleepPod(client: ConnectedCluster): Promise<string | undefined> {
  const pods = await client.gateway.list('v1', 'Pod', { namespace: SAMPLE_NAMESPACE, labelSelector: `app=${SLEEP_DEPLOYMENT}` });
  return pods.find((p) => isPodReady(p) && hasIstioProxy(p))?.metadata.name;
}

function describe(h: EnvoyHost, owner: string): string {
  const loc = [h.region, h.zone, h.subZone].filter((x) => x !== undefined && x !== '').join('/');
  const flags = h.healthy ? 'healthy' : h.healthFlags.join(',');
  return `${h.address}  ${flags}  priority ${h.priority}${h.weight !== undefined ? `  weight ${h.weight}` : ''}${loc ? `  ${loc}` : ''}  (${owner})`;
}

/**
 * The helloworld hosts of the sleep proxy, compared with what should be there: every ready local
 * helloworld pod, and for every other cluster with ready helloworld pods its east-west gateway
 * (other network) or its pods (same network).
 * @returns the check and the number of hosts (for the DestinationRule check).
 */
export async function checkEndpoints(facts: readonly ClusterFacts[], sleepPod: string): Promise<{ result: CheckResult; hostCount: number }> {
  const client = facts[0] as ClusterFacts;
  const base = { id: 'endpoints', cluster: client.cluster.spec.name };
  const argv = ['pilot-agent', 'request', 'GET', 'clusters'];
  const r = await client.cluster.gateway.exec({ namespace: SAMPLE_NAMESPACE, pod: sleepPod, container: 'istio-proxy', argv, timeoutMs: EXEC_TIMEOUT_MS });
  if (r.exitCode !== 0) {
    return { hostCount: 0, result: { ...base, status: 'fail', message: `pilot-agent request GET clusters failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n')[0] ?? ''}` } };
  }
  const hosts = clusterHosts(r.stdout, outboundClusterName(HELLOWORLD_PORT, HELLOWORLD_FQDN));
  const owners = new Map<string, string>();
  const missing: string[] = [];
  for (const f of facts) {
    const pods = (await f.cluster.gateway.list('v1', 'Pod', { namespace: SAMPLE_NAMESPACE, labelSelector: `app=${HELLOWORLD_SERVICE}` })).filter(isPodReady);
    if (pods.length === 0) continue;
    const direct = f === client || (f.network !== '' && f.network === client.network);
    if (direct) {
      for (const p of pods) {
        const ip = (p['status'] as { podIP?: string } | undefined)?.podIP;
        if (ip === undefined) continue;
        owners.set(ip, `${f.cluster.spec.name} pod ${p.metadata.name}`);
        if (!hosts.some((h) => hostIp(h.address) === ip)) missing.push(`${f.cluster.spec.name} pod ${p.metadata.name} (${ip})`);
      }
    } else if (f.gatewayAddress !== undefined) {
      owners.set(f.gatewayAddress, `east-west gateway of ${f.cluster.spec.name}, standing for ${pods.length} pod(s)`);
      if (!hosts.some((h) => hostIp(h.address) === f.gatewayAddress)) missing.push(`${f.cluster.spec.name} via its east-west gateway ${f.gatewayAddress}:15443`);
    } else {
      missing.push(`${f.cluster.spec.name} (its east-west gateway has no address)`);
    }
  }
  const details = hosts.map((h) => describe(h, owners.get(hostIp(h.address)) ?? 'unknown'));
  const fix =
    'Check the remote secrets (doctor above), the cross-network Gateway in each cluster (kubectl -n istio-system get gateway cross-network-gateway), ' +
    'the east-west gateway addresses, and istiod\'s log (kubectl -n istio-system logs deploy/istiod | grep -i remote).';
  if (hosts.length === 0) {
    return { hostCount: 0, result: { ...base, status: 'fail', message: `the sleep proxy has no endpoint for ${HELLOWORLD_FQDN}:${HELLOWORLD_PORT}`, fix } };
  }
  if (missing.length > 0) {
    return { hostCount: hosts.length, result: { ...base, status: 'fail', message: `the sleep proxy does not see ${missing.join('; ')}`, fix, details } };
  }
  const unhealthy = hosts.filter((h) => !h.healthy);
  if (unhealthy.length > 0) {
    return {
      hostCount: hosts.length,
      result: {
        ...base,
        status: 'warn',
        message: `${unhealthy.length} of ${hosts.length} helloworld endpoint(s) are not healthy (${[...new Set(unhealthy.flatMap((h) => h.healthFlags))].join(', ')})`,
        fix: 'failed_outlier_check: the endpoint was ejected by outlier detection and returns after baseEjectionTime; failed_eds_health: the pod is not ready.',
        details,
      },
    };
  }
  return { hostCount: hosts.length, result: { ...base, status: 'pass', message: `the sleep proxy sees ${hosts.length} healthy helloworld endpoint(s)`, details } };
}

/** `curl http://<ew address>:15021/healthz/ready` from the sleep container, for every other cluster. */
export async function checkGatewayReachability(facts: readonly ClusterFacts[], sleepPod: string): Promise<CheckResult[]> {
  const client = facts[0] as ClusterFacts;
  const out: CheckResult[] = [];
  for (const f of facts.slice(1)) {
    if (f.gatewayAddress === undefined) continue;
    const base = { id: 'eastwest-reachable', cluster: f.cluster.spec.name };
    const url = `http://${f.gatewayAddress}:15021/healthz/ready`;
    const r = await client.cluster.gateway.exec({
      namespace: SAMPLE_NAMESPACE,
      pod: sleepPod,
      container: SLEEP_DEPLOYMENT,
      argv: ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', url],
      timeoutMs: EXEC_TIMEOUT_MS,
    });
    if (r.exitCode === 0 && r.stdout.trim() === '200') {
      out.push({ ...base, status: 'pass', message: `${url} answers 200 from ${client.cluster.spec.name}'s sleep pod` });
    } else {
      out.push({
        ...base,
        status: 'warn',
        message: `${url} does not answer 200 from ${client.cluster.spec.name}'s sleep pod (curl exit ${r.exitCode}${r.stdout.trim() ? `, HTTP ${r.stdout.trim()}` : ''}): ${r.stderr.trim().split('\n')[0] ?? ''}`,
        fix: `Allow traffic from ${client.cluster.spec.name} to ${f.gatewayAddress} on ports 15021 and 15443 (firewalls, security groups), and check the gateway pods: kubectl --context ${f.cluster.spec.context} -n istio-system get pods -l istio=eastwestgateway`,
      });
    }
  }
  return out;
}
