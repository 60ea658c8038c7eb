/**
 * The DestinationRule the client's proxies get for helloworld (Exercise 6): present in `sample`
 * of the client cluster, valid as a DestinationRule, and free of the traps
 * `destinationRuleWarnings` (src/sim/explain, shared with `meshbench explain`) knows for the
 * cluster's Istio version and the number of hosts the client proxy holds (no outlierDetection,
 * deprecated fields, a maxEjectionPercent that can never eject, ...).
 */
import { validateDestinationRuleDocument } from '../../model/validate-destination-rule.js';
import { DEFAULT_ISTIO_VERSION, istioProfile, type IstioProfile } from '../../sim/istio-profile.js';
import { destinationRuleWarnings } from '../../sim/explain/warnings.js';
import type { KubeObject } from '../gateway.js';
import type { ConnectedCluster } from '../index.js';
import { HELLOWORLD_SERVICE, SAMPLE_NAMESPACE } from '../testbed.js';
import type { CheckResult } from './types.js';
import { HELLOWORLD_FQDN } from './traffic-checks.js';

const VERSIONS = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];

/** The helloworld DestinationRule as written (server-added fields dropped), if any. */
export async function findHelloworldRule(c: ConnectedCluster): Promise<KubeObject | undefined> {
  for (const v of VERSIONS) {
    if (!(await c.gateway.serves(v, 'DestinationRule'))) continue;
    const rules = await c.gateway.list(v, 'DestinationRule', { namespace: SAMPLE_NAMESPACE });
    const dr = rules.find((r) => {
      const host = (r['spec'] as { host?: string } | undefined)?.host;
      return host === HELLOWORLD_FQDN || host === HELLOWORLD_SERVICE || host === `${HELLOWORLD_SERVICE}.${SAMPLE_NAMESPACE}`;
    });
    if (dr === undefined) return undefined;
    return { apiVersion: dr.apiVersion, kind: 'DestinationRule', metadata: { name: dr.metadata.name, namespace: SAMPLE_NAMESPACE }, spec: dr['spec'] };
  }
  return undefined;
}

/**
 * @param istioVersion the client cluster's istiod version (for version-dependent effects)
 * @param hostCount endpoints the client proxy holds for helloworld
 */
export async function checkDestinationRule(c: ConnectedCluster, istioVersion: string | undefined, hostCount: number): Promise<CheckResult[]> {
  const base = { id: 'destination-rule', cluster: c.spec.name };
  const dr = await findHelloworldRule(c);
  if (dr === undefined) {
    return [
      {
        ...base,
        status: 'warn',
        message: `no DestinationRule for ${HELLOWORLD_FQDN} in ${SAMPLE_NAMESPACE}: every endpoint stays in priority 0 (no locality preference, no failover)`,
        fix: `kubectl --context ${c.spec.context} -n ${SAMPLE_NAMESPACE} apply -f manifests/08-locality-lb.yaml`,
      },
    ];
  }
  const { rule, problems } = validateDestinationRuleDocument(dr, `DestinationRule ${SAMPLE_NAMESPACE}/${dr.metadata.name} in ${c.spec.name}`);
  if (rule === undefined) {
    return [{ ...base, status: 'warn', message: `DestinationRule ${dr.metadata.name} has fields meshbench cannot interpret: ${problems.map((p) => p.message).join('; ')}` }];
  }
  const known = istioVersion !== undefined ? istioProfile(istioVersion) : undefined;
  const profile = (known ?? istioProfile(DEFAULT_ISTIO_VERSION)) as IstioProfile;
  const findings = destinationRuleWarnings(rule, profile, hostCount);
  const notes = findings.filter((f) => f.severity === 'note').map((f) => f.message);
  const out: CheckResult[] = [
    {
      ...base,
      status: 'pass',
      message: `DestinationRule ${dr.metadata.name} (${dr.apiVersion}) applies to ${HELLOWORLD_FQDN}; read as Istio ${profile.version}${known === undefined ? ' (istiod version unknown)' : ''} with ${hostCount} host(s)`,
      ...(notes.length > 0 ? { details: notes } : {}),
    },
  ];
  for (const f of findings.filter((x) => x.severity === 'warning')) {
    out.push({
      id: 'dr-trap',
      cluster: c.spec.name,
      status: 'warn',
      message: `${f.code}: ${f.message}`,
      fix: `Edit the DestinationRule (manifests/08-locality-lb.yaml) and re-apply it; meshbench explain shows what each Istio version makes of it.`,
    });
  }
  return out;
}
