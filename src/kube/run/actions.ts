/**
 * Timeline actions through the API, each journaled first: `scale` (the scale subresource),
 * `deletePods` (the first `count` pods of the Deployment, by name), `gatewayDown`/`gatewayUp`
 * (istio-system/istio-eastwestgateway to 0, then back to the replicas it had), and
 * `applyDestinationRule` (server-side apply of the manifest as written). Simulator-only actions
 * never get here (preflight refuses them).
 */
import type { TimelineAction } from '../../model/scenario.js';
import { EASTWEST_GATEWAY, ISTIO_NAMESPACE } from '../testbed.js';
import type { ChangeRecorder } from './changes.js';
import { clusterNamed, namespaceOf, type RunCluster } from './clusters.js';
import { readyPodsOf } from './preflight.js';
import { JOURNAL_VERSION } from './journal.js';
import type { Scenario } from '../../model/scenario.js';
import type { KubeObject } from '../gateway.js';
import { syncDestinationRule } from './destination-rule.js';

/** What performing timeline actions needs. */
export interface ActionContext {
  clusters: readonly RunCluster[];
  scenario: Scenario;
  recorder: ChangeRecorder;
  /** The manifest of each DestinationRule the scenario names, by its `source` and name. */
  ruleManifest: (source: string, name: string) => KubeObject;
  /** The DestinationRule apiVersion the client cluster serves. */
  ruleApi: string;
  /** Replicas each east-west gateway had before gatewayDown, by cluster. */
  gatewayReplicas: Map<string, number>;
}

/** Performs one action. Resolves once the API accepted it. */
export async function performAction(a: TimelineAction, ctx: ActionContext): Promise<void> {
  switch (a.kind) {
    case 'scale': {
      const c = clusterNamed(ctx.clusters, a.cluster);
      await ctx.recorder.scale(c, namespaceOf(c, a.deployment, ctx.scenario), a.deployment, a.replicas);
      return;
    }
    case 'deletePods': {
      const c = clusterNamed(ctx.clusters, a.cluster);
      const namespace = namespaceOf(c, a.deployment, ctx.scenario);
      const dep = await c.gateway.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: a.deployment });
      if (dep === undefined) throw new RangeError(`Deployment ${namespace}/${a.deployment} vanished in ${c.name}`);
      const pods = (await readyPodsOf(c, namespace, dep)).slice(0, a.count).map((p) => p.metadata.name);
      ctx.recorder.record({ op: 'deletePods', v: JOURNAL_VERSION, context: c.context, cluster: c.name, namespace, deployment: a.deployment, pods });
      for (const pod of pods) await c.gateway.delete({ apiVersion: 'v1', kind: 'Pod', namespace, name: pod });
      return;
    }
    case 'gatewayDown': {
      const c = clusterNamed(ctx.clusters, a.cluster);
      const from = await ctx.recorder.scale(c, ISTIO_NAMESPACE, EASTWEST_GATEWAY, 0);
      if (from > 0 && !ctx.gatewayReplicas.has(c.name)) ctx.gatewayReplicas.set(c.name, from);
      return;
    }
    case 'gatewayUp': {
      const c = clusterNamed(ctx.clusters, a.cluster);
      // Back to what it had before it was taken down (1 when this run never took it down).
      await ctx.recorder.scale(c, ISTIO_NAMESPACE, EASTWEST_GATEWAY, ctx.gatewayReplicas.get(c.name) ?? 1);
      return;
    }
    case 'applyDestinationRule': {
      const client = clusterNamed(ctx.clusters, ctx.scenario.client.cluster);
      const manifest = ctx.ruleManifest(a.destinationRule.source, a.destinationRule.name);
      await syncDestinationRule(client, ctx.scenario, manifest, ctx.ruleApi, ctx.recorder);
      return;
    }
    case 'fail':
    case 'heal':
    case 'delay':
      throw new RangeError(`simulator-only action ${a.kind} reached the kube driver`);
  }
}
