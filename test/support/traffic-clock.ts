/**
 * Clocks for the emulated load (curl loops and k6 runners inside the API emulator), which must see
 * time pass the way the driver does:
 *
 * - `VirtualClock`: the driver's injected Clock in in-process tests. Time moves only when the
 *   driver sleeps (its trial loop is the only sleeper), by exactly what it asked for; listeners hear
 *   each move at once, so the emulated pods produce the requests of the elapsed interval — from the
 *   deployment states recorded at their virtual times — before the driver goes on. Each sleep then
 *   yields one macrotask so the loopback sockets can deliver what was written (this is not a wait
 *   for the scenario's time: a 60 s scenario runs in milliseconds).
 * - `realTrafficClock`: for a CLI child process on the real clock; a ticker tells listeners.
 */
import type { Clock } from '../../src/app/ports.js';
import { FakeClock } from '../fakes/fake-clock.js';

/** What the emulated load generators need from a clock. */
export interface TrafficClock {
  /** Monotonic ms (the same axis as the driver's Clock in virtual tests). */
  now(): number;
  /** Wall-clock epoch ms of a `now()` value (what `date +%s%N` and k6 timestamps show). */
  epochMsAt(nowMs: number): number;
  /** Called after time moved; returns the unsubscribe function. */
  onAdvance(fn: () => void): () => void;
}

export class VirtualClock extends FakeClock implements TrafficClock, Clock {
  private readonly listeners = new Set<() => void>();
  private readonly wallStart: number;

  constructor(opts: { startMs?: number; wall?: Date } = {}) {
    super({ ...opts, autoAdvance: false });
    this.wallStart = (opts.wall ?? new Date('2026-11-23T21:45:00Z')).getTime() - (opts.startMs ?? 0);
  }

  epochMsAt(nowMs: number): number {
    return this.wallStart + nowMs;
  }

  onAdvance(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  override advance(ms: number): void {
    super.advance(ms);
    for (const l of [...this.listeners]) l();
  }

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.advance(ms);
    return new Promise((resolve, reject) => {
      setTimeout(() => (signal?.aborted ? reject(signal.reason) : resolve()), 1);
    });
  }
}

/** Real time for emulators serving a child process; stop it with the returned `stop`. */
export function realTrafficClock(tickMs = 10): TrafficClock & { stop(): void } {
  const listeners = new Set<() => void>();
  const timer = setInterval(() => {
    for (const l of [...listeners]) l();
  }, tickMs);
  timer.unref();
  return {
    now: () => performance.now(),
    epochMsAt: (nowMs) => performance.timeOrigin + nowMs,
    onAdvance(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop: () => clearInterval(timer),
  };
}
