import type { Clock } from '../../src/app/ports.js';

/** A clock that moves only when told to; `sleep` resolves once `advance` passes its deadline. */
export class FakeClock implements Clock {
  private nowMs: number;
  private readonly wallStartMs: number;
  private sleepers: Array<{ at: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  /** When true, every sleep advances time by itself (useful for poll loops in tests). */
  autoAdvance: boolean;

  constructor(opts: { startMs?: number; wall?: Date; autoAdvance?: boolean } = {}) {
    this.nowMs = opts.startMs ?? 0;
    this.wallStartMs = (opts.wall ?? new Date('2026-11-23T21:45:00Z')).getTime();
    this.autoAdvance = opts.autoAdvance ?? false;
  }

  now(): number {
    return this.nowMs;
  }

  wallNow(): Date {
    return new Date(this.wallStartMs + this.nowMs);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.autoAdvance) {
      this.advance(ms);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = { at: this.nowMs + ms, resolve, reject };
      this.sleepers.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== entry);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  advance(ms: number): void {
    this.nowMs += ms;
    const due = this.sleepers.filter((s) => s.at <= this.nowMs);
    this.sleepers = this.sleepers.filter((s) => s.at > this.nowMs);
    for (const s of due) s.resolve();
  }
}
