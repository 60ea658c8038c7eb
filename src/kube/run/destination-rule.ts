/**
 * Makes the client cluster's DestinationRules for the scenario's service what the scenario says:
 * its manifest, exactly (created, or replaced — not server-side applied, which keeps fields other
 * field managers own; the networking.istio.io version falls back to one the cluster serves), when
 * what is there differs, then read back and compared; or, for a scenario without one, none — as the
 * simulator reads "omitted = none". Other rules selecting the same host are deleted (two rules for
 * one host leave Istio to pick one). Each change is journaled with the rule as it was.
 */
import { destinationRuleSelects } from '../../model/resolve-dr-host.js';
import type { Scenario } from '../../model/scenario.js';
import { servedVariant } from '../deploy/apply.js';
import { EnvironmentError } from '../../errors.js';
import type { KubeObject } from '../gateway.js';
import type { ChangeRecorder } from './changes.js';
import type { RunCluster } from './clusters.js';

/** What a rule says, for comparison: its spec and the labels/annotations the manifest sets. */
function sameRule(current: KubeObject, manifest: KubeObject): boolean {
  const stable = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
  if (stable(current['spec']) !== stable(manifest['spec'])) return false;
  for (const key of ['labels', 'annotations'] as const) {
    for (const [k, v] of Object.entries(manifest.metadata[key] ?? {})) if (current.metadata[key]?.[k] !== v) return false;
  }
  return true;
}

/** Rules in `namespace` whose host selects the scenario's service. */
async function selectingRules(c: RunCluster, s: Scenario, namespace: string, api: string): Promise<KubeObject[]> {
  const rules = await c.gateway.list(api, 'DestinationRule', { namespace });
  return rules.filter((r) => {
    const host = (r['spec'] as { host?: unknown } | undefined)?.host;
    return typeof host === 'string' && destinationRuleSelects({ host, namespace }, s.request.service, s.request.namespace);
  });
}

/** What `syncDestinationRule` did. */
export type RuleChange = 'unchanged' | 'applied' | 'deleted';

/**
 * @param manifest the rule as written in its file; undefined = the scenario wants no rule.
 * @returns what changed (for a progress note).
 */
export async function syncDestinationRule(client: RunCluster, s: Scenario, manifest: KubeObject | undefined, api: string, recorder: ChangeRecorder): Promise<RuleChange> {
  const namespace = manifest?.metadata.namespace ?? s.request.namespace;
  const existing = await selectingRules(client, s, namespace, api);
  let change: RuleChange = 'unchanged';
  for (const r of existing) {
    if (manifest !== undefined && r.metadata.name === manifest.metadata.name) continue;
    await recorder.delete(client, { ...r, apiVersion: api, kind: 'DestinationRule' });
    change = 'deleted';
  }
  if (manifest === undefined) return change;
  const current = existing.find((r) => r.metadata.name === manifest.metadata.name);
  const wanted = await servedVariant(client.gateway, { ...manifest, metadata: { ...manifest.metadata, namespace } });
  if (current !== undefined && sameRule(current, wanted)) return change;
  await recorder.put(client, wanted);
  // What the prediction uses must be what the proxies get: read it back (a mutating webhook or a
  // controller may have changed it).
  const stored = await client.gateway.get({ apiVersion: wanted.apiVersion, kind: 'DestinationRule', namespace, name: wanted.metadata.name });
  if (stored === undefined || !sameRule(stored, wanted)) {
    throw new EnvironmentError(`${client.name}: the DestinationRule ${namespace}/${wanted.metadata.name} in the cluster is not the scenario's after it was written${stored === undefined ? ' (it is gone)' : ''}; the run's prediction would not match`, {
      code: 'KUBE_RULE',
      hint: 'Something changes DestinationRules on write (a mutating admission webhook, a GitOps controller): pause it for the run.',
    });
  }
  return 'applied';
}
