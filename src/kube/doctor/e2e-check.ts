/**
 * The tutorial's end-to-end check: from the sleep pod, `curl helloworld.sample:5000/hello` a few
 * times; with no DestinationRule (no locality preference), answers must come from both versions —
 * v1 in cluster1 and v2 in cluster2, i.e. the cross-network path works. With a rule that turns
 * locality failover on, every answer stays local, so the check is skipped.
 */
import { HELLOWORLD_PORT, HELLOWORLD_SERVICE, SAMPLE_NAMESPACE, SLEEP_DEPLOYMENT } from '../testbed.js';
import type { ConnectedCluster } from '../index.js';
import { findHelloworldRule } from './destination-rule-check.js';
import type { CheckResult } from './types.js';

/** Requests sent: with two equally weighted hosts, all of them going to one has probability 2·2⁻¹² ≈ 0.05%. */
export const E2E_REQUESTS = 12;
const EXEC_TIMEOUT_MS = 20_000;
const WANTED_VERSIONS = ['v1', 'v2'];

export async function checkEndToEnd(client: ConnectedCluster, sleepPod: string): Promise<CheckResult> {
  const base = { id: 'end-to-end', cluster: client.spec.name };
  const rule = await findHelloworldRule(client);
  if (rule !== undefined) {
    return { ...base, status: 'skip', message: `DestinationRule ${rule.metadata.name} is set (locality preference keeps answers local); the both-versions check runs without one` };
  }
  const url = `http://${HELLOWORLD_SERVICE}.${SAMPLE_NAMESPACE}:${HELLOWORLD_PORT}/hello`;
  const seen = new Map<string, number>();
  const failures: string[] = [];
  for (let i = 0; i < E2E_REQUESTS; i++) {
    const r = await client.gateway.exec({ namespace: SAMPLE_NAMESPACE, pod: sleepPod, container: SLEEP_DEPLOYMENT, argv: ['curl', '-sS', '--max-time', '5', url], timeoutMs: EXEC_TIMEOUT_MS });
    const m = /Hello version: (\S+?), instance: (\S+)/.exec(r.stdout);
    if (r.exitCode === 0 && m !== null) seen.set(m[1] as string, (seen.get(m[1] as string) ?? 0) + 1);
    else failures.push(r.exitCode !== 0 ? `curl exit ${r.exitCode}: ${r.stderr.trim().split('\n')[0] ?? ''}` : r.stdout.trim().slice(0, 80));
  }
  const got = [...seen].map(([v, n]) => `${v} ×${n}`).join(', ') || 'no version';
  const missing = WANTED_VERSIONS.filter((v) => !seen.has(v));
  if (missing.length === 0) return { ...base, status: 'pass', message: `${E2E_REQUESTS} requests from the sleep pod reached both versions (${got})` };
  return {
    ...base,
    status: 'fail',
    message: `${E2E_REQUESTS} requests from the sleep pod reached ${got}${failures.length > 0 ? `, ${failures.length} failed` : ''}; never ${missing.join(', ')}`,
    ...(failures.length > 0 ? { details: [...new Set(failures)].slice(0, 3) } : {}),
    fix: `The other cluster's helloworld is not reachable: fix remote-secret, remote-clusters, cross-network-gateway and eastwest-gateway above, then kubectl --context ${client.spec.context} -n ${SAMPLE_NAMESPACE} exec deploy/${SLEEP_DEPLOYMENT} -c ${SLEEP_DEPLOYMENT} -- curl -sS ${url}`,
  };
}
