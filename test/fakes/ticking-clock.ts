import { FakeClock } from './fake-clock.js';

/**
 * A fake clock that moves forward by `stepMs` every time it is read, so throttled progress lines
 * (a plain line every few seconds) appear during a CPU-bound run without real time passing.
 */
export class TickingClock extends FakeClock {
  constructor(private readonly stepMs: number) {
    super({ autoAdvance: true });
  }

  override now(): number {
    this.advance(this.stepMs);
    return super.now();
  }
}
