/**
 * How many requests a second a pod's app server can serve, from the mesh's server model: its
 * workers each hold a request for its CPU time, log-normal through p50 and p99 (the simulator's
 * service-time model, docs/simulator.md), so the sustained rate is workers ÷ mean CPU time, and a
 * CPU limit below the workers stretches every request by workers ÷ limit (the simulator's worst
 * case when the server is saturated). The built-in helloworld (1 worker, 33/41 ms): ≈ 30 req/s.
 */
import type { ServerModel } from './mesh.js';

/** z of the 99th percentile of the standard normal. */
const Z99 = 2.326347874;

/** Mean of a log-normal given its median and 99th percentile (µs): p50 · e^(σ²/2), σ = ln(p99/p50)/z99. */
export function logNormalMeanUs(p50Us: number, p99Us: number): number {
  const sigma = p99Us > p50Us && p50Us > 0 ? Math.log(p99Us / p50Us) / Z99 : 0;
  return p50Us * Math.exp((sigma * sigma) / 2);
}

/** Requests per second one pod serves at most (sustained). */
export function podCapacityPerS(server: ServerModel): number {
  const cores = server.cpuLimitMillicores !== undefined ? Math.min(server.workers, server.cpuLimitMillicores / 1000) : server.workers;
  return (cores * 1e6) / logNormalMeanUs(server.cpuP50Us, server.cpuP99Us);
}
