import type { DestinationRule } from './destination-rule.js';

/** Kubernetes cluster domain istiod assumes for short names (the default `cluster.local`). */
export const CLUSTER_DOMAIN = 'cluster.local';

/** `helloworld.sample.svc.cluster.local` for service `helloworld` in namespace `sample`. */
export function serviceFqdn(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/**
 * The host a DestinationRule really names. Mirrors istio `pilot/pkg/model/config.go`
 * ResolveShortnameToFQDN: a name without a dot is completed with the rule's namespace (or, when the
 * manifest has none, the namespace it will be applied in) and `.svc.cluster.local`; anything with a
 * dot, and `*`, is taken as written.
 */
export function resolveDestinationRuleHost(rule: Pick<DestinationRule, 'host' | 'namespace'>, applyNamespace: string): string {
  if (rule.host === '*' || rule.host.includes('.')) return rule.host;
  return serviceFqdn(rule.host, rule.namespace ?? applyNamespace);
}

/** True when the rule's host selects the service (exact FQDN, or a `*.suffix` / `*` wildcard). */
export function destinationRuleSelects(rule: Pick<DestinationRule, 'host' | 'namespace'>, service: string, namespace: string): boolean {
  const host = resolveDestinationRuleHost(rule, namespace);
  const fqdn = serviceFqdn(service, namespace);
  if (host === '*') return true;
  if (host.startsWith('*.')) return fqdn.endsWith(host.slice(1));
  return host === fqdn;
}
