/**
 * Known traps in a DestinationRule for the model's Istio profile (shared with the kube `doctor`).
 */
import type { DestinationRule } from '../../model/destination-rule.js';
import { maxEjectableHosts } from '../envoy/max-ejection.js';
import { ENVOY_OUTLIER_DEFAULTS } from '../envoy/outlier-config.js';
import { localityRulesOverlap } from '../istiod/locality.js';
import type { IstioProfile } from '../istio-profile.js';

/** A finding: `warning` when behaviour likely differs from what the rule's author expects, `note` otherwise. */
export interface ExplainWarning {
  severity: 'warning' | 'note';
  /** Stable id, e.g. `max-ejection-never`. */
  code: string;
  message: string;
}

const STRICT_RULE = 'strict rule 100×(ejected+1)/total ≤ max, Envoy ≥1.28 / Istio ≥1.20';
const OLD_RULE = 'old rule 100×ejected/total < max, Istio ≤1.19';

/**
 * Warnings for a DestinationRule (undefined = none applies) as the profile's Istio would apply it to
 * a cluster of `hostCount` Envoy hosts (all priorities; an east-west gateway counts as one host).
 */
export function destinationRuleWarnings(dr: DestinationRule | undefined, profile: IstioProfile, hostCount: number): ExplainWarning[] {
  const out: ExplainWarning[] = [];
  const tp = dr?.trafficPolicy;
  const od = tp?.outlierDetection;
  const locality = tp?.loadBalancer?.localityLbSetting;
  const hasFailover = (locality?.failover ?? []).length > 0 || (locality?.failoverPriority ?? []).length > 0;
  const hasDistribute = (locality?.distribute ?? []).length > 0;

  if (od === undefined) {
    out.push({
      severity: 'warning',
      code: 'no-outlier-detection',
      message:
        `no outlierDetection${dr === undefined ? ' (no DestinationRule)' : ''}: Envoy never ejects a host and istiod assigns no locality ` +
        'priorities, so every endpoint of every locality, network and cluster sits in P0 and shares traffic by weight' +
        (hasFailover ? '; the failover/failoverPriority settings are ignored' : '') +
        ' (failover happens only when endpoints leave EDS).',
    });
  } else {
    if (od.consecutiveErrors !== undefined) {
      out.push(
        profile.honorsConsecutiveErrors
          ? {
              severity: 'note',
              code: 'consecutive-errors-honoured',
              message: `consecutiveErrors: ${od.consecutiveErrors} is honoured by Istio ${profile.version} as consecutive_gateway_failure (only 502/503/504 and connect failures count; 5xx detection is off).`,
            }
          : {
              severity: 'warning',
              code: 'consecutive-errors-ignored',
              message:
                `consecutiveErrors: ${od.consecutiveErrors} is ignored since Istio 1.7 (deprecated field): ejection follows consecutive5xxErrors, ` +
                `${od.consecutive5xxErrors === undefined ? `which defaults to Envoy's ${ENVOY_OUTLIER_DEFAULTS.consecutive5xx}` : `set to ${od.consecutive5xxErrors}`}.`,
            },
      );
    }
    const explicitMax = od.maxEjectionPercent !== undefined && od.maxEjectionPercent > 0;
    const maxPct = explicitMax ? (od.maxEjectionPercent as number) : ENVOY_OUTLIER_DEFAULTS.maxEjectionPercent;
    const strict = profile.strictMaxEjectionPercent;
    const ejectable = maxEjectableHosts(hostCount, maxPct, strict);
    const what = `maxEjectionPercent ${maxPct}%${explicitMax ? '' : ' (default)'}`;
    const hosts = `${hostCount} host${hostCount === 1 ? '' : 's'}`;
    if (hostCount > 0 && ejectable === 0) {
      out.push({
        severity: 'warning',
        code: 'max-ejection-never',
        message: `${what} can never eject with ${hosts} (${STRICT_RULE}): outlier detection never moves traffic; set maxEjectionPercent ≥ ${Math.ceil(100 / hostCount)} to allow one ejection, 100 to allow all.`,
      });
    } else if (hostCount > 0 && ejectable < hostCount) {
      out.push({
        severity: 'note',
        code: 'max-ejection-limit',
        message: `${what}: at most ${ejectable} of ${hosts} can be ejected at once (${strict ? STRICT_RULE : OLD_RULE}).`,
      });
    }
    if (od.minHealthPercent !== undefined && od.minHealthPercent > 0) {
      out.push({
        severity: 'note',
        code: 'panic-threshold',
        message: `minHealthPercent ${od.minHealthPercent}: a priority whose healthy share drops below it enters panic and sends to all its hosts, ejected or not.`,
      });
    }
  }

  const priorityKeys = (locality?.failoverPriority ?? []).length > 0;
  if (priorityKeys && !profile.supportsFailoverPriority) {
    out.push({
      severity: 'warning',
      code: 'failover-priority-unsupported',
      message: `failoverPriority does not exist in Istio ${profile.version} (added in 1.12): the CRD schema prunes it and istiod ranks by region/zone/subzone${(locality?.failover ?? []).length > 0 ? ' with the failover list' : ''} only.`,
    });
  } else if (priorityKeys && (locality?.failover ?? []).length > 0 && !profile.failoverWithFailoverPriority) {
    out.push({
      severity: 'warning',
      code: 'failover-ignored',
      message: `Istio ${profile.version} ignores failover when failoverPriority is set (1.12–1.19 return right after applyPriorityFailover); both apply from 1.20.`,
    });
  }
  if (profile.autoSendUnhealthyEndpoints && !(od?.minHealthPercent !== undefined && od.minHealthPercent > 0)) {
    out.push({
      severity: 'note',
      code: 'unhealthy-endpoints-sent',
      message:
        `Istio ${profile.version} sends not-ready endpoints as UNHEALTHY (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS): they count in their priority's health, ` +
        'so during a scale-up traffic spills to the next priority until the new pods are ready (minHealthPercent > 0 turns this off).',
    });
  }
  if (locality?.enabled === false) {
    out.push({ severity: 'note', code: 'locality-lb-disabled', message: 'localityLbSetting.enabled: false: no locality priorities or weights, for this rule only (the mesh setting does not apply).' });
  }
  if (hasDistribute && hasFailover) {
    out.push({ severity: 'warning', code: 'distribute-with-failover', message: 'distribute is set together with failover/failoverPriority: istiod applies distribute only, failover is never applied.' });
  }
  for (const [i, d] of (locality?.distribute ?? []).entries()) {
    for (let a = 0; a < d.to.length; a++) {
      for (let b = a + 1; b < d.to.length; b++) {
        const x = d.to[a]?.locality ?? '';
        const y = d.to[b]?.locality ?? '';
        if (!localityRulesOverlap(x, y)) continue;
        out.push({
          severity: 'warning',
          code: 'distribute-overlap',
          message: `distribute[${i}].to keys "${x}" and "${y}" overlap: istiod iterates them in Go map order, so which one claims a locality is random per push (the model uses file order).`,
        });
      }
    }
  }
  const notModelled = new Set(dr?.ignored ?? []);
  if ((dr?.subsets ?? []).length > 0) notModelled.add('spec.subsets');
  if (tp?.portLevelSettings !== undefined) notModelled.add('spec.trafficPolicy.portLevelSettings');
  if (tp?.loadBalancer?.consistentHash !== undefined) notModelled.add('spec.trafficPolicy.loadBalancer.consistentHash');
  if (tp?.loadBalancer?.simple === 'PASSTHROUGH') notModelled.add('spec.trafficPolicy.loadBalancer.simple: PASSTHROUGH');
  if (notModelled.size > 0) {
    out.push({
      severity: 'note',
      code: 'not-modelled',
      message: `parsed but not modelled (the simulator ignores them): ${[...notModelled].sort().join(', ')}.`,
    });
  }
  return out;
}
