/**
 * Puts the driver's clock and the cluster's clock on one axis. Request times come from the pods
 * (curl's start stamps, k6's point times), timeline actions from the driver; an NTP-style probe —
 * `date +%s%N` exec'd in the client container a few times, the round trip with the shortest time
 * kept — gives the offset between the two, with half that round trip as its uncertainty.
 */
import type { Clock } from '../../app/ports.js';
import { EnvironmentError } from '../../errors.js';
import type { ClusterGateway } from '../gateway.js';

/** cluster epoch (ms) = driver clock (ms) + offsetMs. */
export interface ClockSync {
  offsetMs: number;
  /** Half the shortest probe round trip: how far off the offset can be. */
  uncertaintyMs: number;
}

/** The container the probe runs in (the client's application container). */
export interface SyncTarget {
  gateway: ClusterGateway;
  namespace: string;
  pod: string;
  container: string;
}

const EPOCH_NS = /^\d{16,20}$/;

/** Nanoseconds since the epoch printed by `date +%s%N`, or undefined when it printed something else. */
export function parseEpochNs(text: string): bigint | undefined {
  const t = text.trim();
  return EPOCH_NS.test(t) ? BigInt(t) : undefined;
}

/** Epoch ns → epoch ms with µs precision kept (a double holds epoch ms to ~0.2 µs). */
export function nsToMs(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}

/**
 * Probes `tries` times and keeps the probe with the shortest round trip.
 * @throws EnvironmentError when `date` does not print nanoseconds (the curl loop needs them) or fails.
 */
export async function syncClock(target: SyncTarget, clock: Clock, tries = 3, signal?: AbortSignal): Promise<ClockSync> {
  let best: ClockSync | undefined;
  for (let i = 0; i < tries; i++) {
    const d0 = clock.now();
    const r = await target.gateway.exec({
      namespace: target.namespace,
      pod: target.pod,
      container: target.container,
      argv: ['date', '+%s%N'],
      timeoutMs: 20_000,
      ...(signal !== undefined ? { signal } : {}),
    });
    const d1 = clock.now();
    const ns = r.exitCode === 0 ? parseEpochNs(r.stdout) : undefined;
    if (ns === undefined) {
      throw new EnvironmentError(
        `context '${target.gateway.context}': \`date +%s%N\` in ${target.namespace}/${target.pod} container ${target.container} did not print nanoseconds since the epoch (exit ${r.exitCode}: ${JSON.stringify(r.stdout.trim().slice(0, 40))})`,
        { code: 'KUBE_CLOCK', hint: 'The client container needs a date that supports %N (GNU coreutils or busybox with nanoseconds, as in curlimages/curl); or use --load k6.' },
      );
    }
    const rttMs = d1 - d0;
    const candidate = { offsetMs: nsToMs(ns) - (d0 + d1) / 2, uncertaintyMs: rttMs / 2 };
    if (best === undefined || candidate.uncertaintyMs < best.uncertaintyMs) best = candidate;
  }
  return best as ClockSync;
}
