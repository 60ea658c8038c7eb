/**
 * Timeline actions of product.md §3.2 applied to the simulated world at their scheduled time.
 */
import type { Mesh } from '../../model/mesh.js';
import { describeAction, type TimelineEntry } from '../../model/scenario.js';
import type { Istiod } from './control-plane.js';
import type { ControlPlaneDelays } from './control-plane-delays.js';
import type { Observer } from './observer.js';
import type { World } from './world.js';

export interface TimelineContext {
  world: World;
  mesh: Mesh;
  observer: Observer;
  /**
   * istiods of the clients' clusters: where a DestinationRule is applied (the seed applies it to
   * cluster1; with clients in several primaries, each primary gets it).
   */
  clientIstiods: readonly Istiod[];
  delays: ControlPlaneDelays;
  schedule(atUs: number, fn: (t: number) => void): void;
}

export function applyTimelineAction(entry: TimelineEntry, nowUs: number, ctx: TimelineContext): void {
  const a = entry.action;
  ctx.observer.timeline(nowUs, entry.name ?? a.kind, describeAction(a));
  const { world } = ctx;
  switch (a.kind) {
    case 'scale':
      world.scale(world.deployment(a.cluster, a.deployment), a.replicas, nowUs);
      return;
    case 'deletePods':
      world.deletePods(world.deployment(a.cluster, a.deployment), a.count, nowUs);
      return;
    case 'fail': {
      const d = world.deployment(a.cluster, a.deployment);
      const pods = world.livePods(d);
      const n = a.pods === undefined ? pods.length : Math.min(a.pods, pods.length);
      for (const p of pods.slice(0, n)) {
        p.failStatus = a.status;
        p.failFraction = a.fraction;
      }
      return;
    }
    case 'heal':
      for (const p of world.deployment(a.cluster, a.deployment).pods) {
        p.failStatus = 0;
        p.failFraction = 0;
      }
      return;
    case 'delay':
      world.deployment(a.cluster, a.deployment).extraDelayUs = a.addUs;
      return;
    case 'gatewayDown': {
      const gw = world.cluster(a.cluster).gateway;
      if (gw) gw.up = false;
      return;
    }
    case 'gatewayUp': {
      const gw = world.cluster(a.cluster).gateway;
      // The gateway Deployment comes back: its pod must start before it serves.
      if (gw) ctx.schedule(nowUs + ctx.mesh.defaults.podStartupUs, () => (gw.up = true));
      return;
    }
    case 'applyDestinationRule': {
      // kubectl apply → API server → istiod config watch, then a debounced full push.
      const dr = a.destinationRule;
      for (const istiod of ctx.clientIstiods) ctx.schedule(nowUs + ctx.delays.endpointUpdateUs(), (t) => istiod.configSeen(dr, t));
      return;
    }
  }
}
