/**
 * Puts the driver's clock and a pod's clock on one axis. Request times come from the pods (the
 * curl loop's stamps, k6's point times), timeline actions from the driver; an NTP-style probe —
 * the pod clock read a few times over exec, the round trip with the shortest time kept — gives the
 * offset between the two. Its uncertainty is half that round trip plus half the clock's resolution
 * (a reading is truncated: the true time lies up to one resolution after it).
 */
import type { Clock } from '../../app/ports.js';
import { EnvironmentError } from '../../errors.js';
import { POD_CLOCKS, PROBE_TIMEOUT_MS, type ClockTarget, type PodClock } from './pod-clock.js';

/** pod clock (ms) = driver clock (ms) + offsetMs. */
export interface ClockSync {
  offsetMs: number;
  /** How far off the offset can be: half the shortest round trip plus half a resolution step. */
  uncertaintyMs: number;
  /** The pod clock the offset is to (the load's stamps must use the same one). */
  clock: PodClock;
}

/** Epoch ns → epoch ms with µs precision kept (a double holds epoch ms to ~0.2 µs). */
export function nsToMs(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}

/** Nanoseconds since the epoch printed by `date +%s%N`, or undefined when it printed something else. */
export function parseEpochNs(text: string): bigint | undefined {
  return POD_CLOCKS['date-ns'].parse(text);
}

/**
 * Probes `tries` times and keeps the probe with the shortest round trip.
 * @throws EnvironmentError when the clock's command fails or prints something else.
 */
export async function syncClock(target: ClockTarget, clock: Clock, podClock: PodClock, tries = 3, signal?: AbortSignal): Promise<ClockSync> {
  let best: ClockSync | undefined;
  for (let i = 0; i < tries; i++) {
    const d0 = clock.now();
    const r = await target.gateway.exec({
      namespace: target.namespace,
      pod: target.pod,
      container: target.container,
      argv: podClock.argv,
      timeoutMs: PROBE_TIMEOUT_MS,
      ...(signal !== undefined ? { signal } : {}),
    });
    const d1 = clock.now();
    const ns = r.exitCode === 0 ? podClock.parse(r.stdout) : undefined;
    if (ns === undefined) {
      throw new EnvironmentError(
        `context '${target.gateway.context}': \`${podClock.argv.join(' ')}\` in ${target.namespace}/${target.pod} container ${target.container} did not print the time (exit ${r.exitCode}: ${JSON.stringify(r.stdout.trim().slice(0, 40))})`,
        { code: 'KUBE_CLOCK' },
      );
    }
    const halfStep = podClock.resolutionMs / 2;
    const rttMs = d1 - d0;
    const candidate = { offsetMs: nsToMs(ns) + halfStep - (d0 + d1) / 2, uncertaintyMs: rttMs / 2 + halfStep, clock: podClock };
    if (best === undefined || candidate.uncertaintyMs < best.uncertaintyMs) best = candidate;
  }
  return best as ClockSync;
}
