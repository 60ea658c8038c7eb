import type { Mesh } from './mesh.js';

/**
 * A copy of `mesh` whose server workloads are light apps again (log-normal 3 ms / 20 ms, no
 * capacity limit): the model before pods had capacity, for measuring routing alone at rates a
 * one-worker helloworld could not serve (benchmarks, tests of the routing algorithms).
 */
export function asLightApps(mesh: Mesh): Mesh {
  const copy = structuredClone(mesh);
  for (const c of copy.clusters) {
    for (const w of c.workloads) {
      if (w.server === undefined) continue;
      delete w.server;
      w.latency = { p50Us: 3000, p99Us: 20_000 };
    }
  }
  return copy;
}
