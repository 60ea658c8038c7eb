/**
 * Preflight's capacity check (a warning, never a refusal): an open-model load sends its rate
 * whatever the pods can take, so a rate above what the serving pods can serve queues requests
 * until they time out, and the run measures the overload instead of the routing. Each version's
 * share of the rate (the split the policy predicts for this client) is compared with what its
 * pods serve — replicas as read from the cluster, per-pod rate from the mesh's server model
 * (model/server-capacity.ts; the built-in helloworld ≈ 30 req/s) — and a warning names the
 * figures and a rate that fits (80% of the tightest version's capacity over its share). Closed
 * models wait for each answer, so they cannot overload a pod: not checked. Only the scenario's
 * requests count (meshbench's own control requests, such as the sidecar's quitquitquit, are one
 * per runner per run).
 */
import { podCapacityPerS } from '../../model/server-capacity.js';
import type { Mesh } from '../../model/mesh.js';
import type { Scenario } from '../../model/scenario.js';

/** How far under capacity the suggested rate stays (queues grow fast near saturation). */
const HEADROOM = 0.8;

/** Warnings for a load above what the serving pods can take (empty when it fits or cannot be judged). */
export function capacityWarnings(observed: Mesh, s: Scenario, expectedShares: Readonly<Record<string, number>> | undefined): string[] {
  if (s.load.kind !== 'open') return [];
  const rate = s.load.ratePerS;
  const byVersion = new Map<string, { pods: number; perPod: number; where: string[] }>();
  for (const c of observed.clusters) {
    for (const w of c.workloads) {
      if (w.service !== s.request.service || w.namespace !== s.request.namespace || w.server === undefined || w.version === undefined) continue;
      const v = byVersion.get(w.version) ?? { pods: 0, perPod: podCapacityPerS(w.server), where: [] };
      v.pods += w.replicas;
      v.perPod = Math.min(v.perPod, podCapacityPerS(w.server));
      v.where.push(`${c.name}/${w.name} ×${w.replicas}`);
      byVersion.set(w.version, v);
    }
  }
  if (byVersion.size === 0) return [];
  const shares = expectedShares !== undefined && Object.keys(expectedShares).length > 0 ? expectedShares : Object.fromEntries([...byVersion.keys()].map((v) => [v, 1 / byVersion.size]));
  const over: string[] = [];
  let fits = Infinity;
  for (const [version, share] of Object.entries(shares)) {
    const v = byVersion.get(version);
    if (v === undefined || share <= 0) continue;
    const capacity = v.pods * v.perPod;
    fits = Math.min(fits, (HEADROOM * capacity) / share);
    if (rate * share > capacity) {
      over.push(`${version}: ${round(rate * share)} req/s (${Math.round(share * 100)}% of ${rate}) against ${v.pods} pod(s) serving about ${round(v.perPod)} req/s each (${v.where.join(', ')}) = ${round(capacity)} req/s`);
    }
  }
  if (over.length === 0) return [];
  const suggest = Math.max(1, Math.floor(fits));
  return [
    `the load's ${rate} req/s is more than the serving pods can take (per-request CPU from the mesh's server model): ${over.join('; ')}. Requests will queue and time out, and the run will measure the overload rather than the routing; a rate of ${suggest} req/s or less fits (${Math.round(HEADROOM * 100)}% of capacity), or scale the Deployments up.`,
  ];
}

function round(x: number): string {
  return x >= 10 ? String(Math.round(x)) : x.toFixed(1);
}
