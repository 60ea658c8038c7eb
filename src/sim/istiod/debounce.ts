/**
 * istiod's push debounce as a state machine for a discrete-event caller.
 */

/** PILOT_DEBOUNCE_AFTER / PILOT_DEBOUNCE_MAX / PILOT_ENABLE_EDS_DEBOUNCE. */
export interface DebounceOptions {
  debounceAfterUs: number;
  debounceMaxUs: number;
  /** When false, endpoint-only events are pushed at once, outside the debounce (and never wait for a push). */
  enableEdsDebounce: boolean;
}

/** Defaults from istio pilot/pkg/features/tuning.go: 100 ms, 10 s, EDS debounce on. */
export const DEFAULT_DEBOUNCE_OPTIONS: Readonly<DebounceOptions> = {
  debounceAfterUs: 100_000,
  debounceMaxUs: 10_000_000,
  enableEdsDebounce: true,
};

/**
 * Concurrent proxy pushes when PILOT_PUSH_THROTTLE is 0 (the default): min(15 + 5 × GOMAXPROCS, 100).
 * Mirrors istio tuning.go PushThrottle.
 */
export function defaultPushThrottle(gomaxprocs: number, pilotPushThrottle = 0): number {
  if (pilotPushThrottle > 0) return pilotPushThrottle;
  return Math.min(15 + 5 * gomaxprocs, 100);
}

/** `full`: any config change (full push); `eds`: an endpoint-only change. */
export type DebounceEventKind = 'full' | 'eds';

/**
 * What the caller must do next:
 * - `none`: nothing;
 * - `arm-timer`: schedule `onTimer(atUs)` (it replaces any timer armed before, which may still be
 *   delivered: the debouncer ignores stale timers);
 * - `push`: start a push now. `full` says whether any merged event was a full one, `events` how
 *   many events it merges. When `exclusive` is true the debouncer is busy until the caller reports
 *   `pushDone`; an `exclusive: false` push (EDS with debounce disabled) runs alongside and must not
 *   be reported.
 */
export type DebounceStep =
  | { action: 'none' }
  | { action: 'arm-timer'; atUs: number }
  | { action: 'push'; full: boolean; events: number; exclusive: boolean };

const NONE: DebounceStep = { action: 'none' };

/**
 * istiod's debounce loop. Contract: call `onEvent(nowUs, kind)` for every config/endpoint event,
 * `onTimer(nowUs)` when a timer the debouncer asked for fires, and `pushDone(nowUs)` when an
 * exclusive push finishes; act on each returned step. Time never goes backwards.
 * Semantics: the first event of a batch arms a timer of DEBOUNCE_AFTER; every event records the
 * time of the last event and merges into the pending request. When the timer fires while no push
 * runs, push if `now - firstEvent >= DEBOUNCE_MAX` or `now - lastEvent >= DEBOUNCE_AFTER`, else
 * re-arm for `DEBOUNCE_AFTER - quiet`. A timer firing during a push does nothing: the check runs
 * again when the push finishes. Pushes never overlap.
 * Mirrors istio pilot/pkg/xds/discovery.go debounce.
 */
export class Debouncer {
  private readonly opts: DebounceOptions;
  private timerAtUs: number | undefined;
  private startDebounceUs = Number.NEGATIVE_INFINITY;
  private lastEventUs = Number.NEGATIVE_INFINITY;
  private debouncedEvents = 0;
  private pending: { full: boolean } | undefined;
  private free = true;

  constructor(opts: DebounceOptions = DEFAULT_DEBOUNCE_OPTIONS) {
    this.opts = { ...opts };
  }

  /** True while an exclusive push runs. */
  get busy(): boolean {
    return !this.free;
  }

  /** Events merged into the request waiting to be pushed. */
  get pendingEvents(): number {
    return this.debouncedEvents;
  }

  /** The timer the debouncer currently waits for, if any. */
  get armedTimerUs(): number | undefined {
    return this.timerAtUs;
  }

  /** A config or endpoint event arrived. */
  onEvent(nowUs: number, kind: DebounceEventKind): DebounceStep {
    if (!this.opts.enableEdsDebounce && kind === 'eds') {
      return { action: 'push', full: false, events: 1, exclusive: false };
    }
    this.lastEventUs = nowUs;
    let step: DebounceStep = NONE;
    if (this.debouncedEvents === 0) {
      this.timerAtUs = nowUs + this.opts.debounceAfterUs;
      this.startDebounceUs = nowUs;
      step = { action: 'arm-timer', atUs: this.timerAtUs };
    }
    this.debouncedEvents++;
    this.pending = { full: (this.pending?.full ?? false) || kind === 'full' };
    return step;
  }

  /** A timer fired; timers other than the one armed last are ignored. */
  onTimer(nowUs: number): DebounceStep {
    if (this.timerAtUs === undefined || nowUs !== this.timerAtUs) return NONE;
    this.timerAtUs = undefined;
    return this.free ? this.pushWorker(nowUs) : NONE;
  }

  /** The exclusive push finished. */
  pushDone(nowUs: number): DebounceStep {
    this.free = true;
    return this.pushWorker(nowUs);
  }

  private pushWorker(nowUs: number): DebounceStep {
    const eventDelayUs = nowUs - this.startDebounceUs;
    const quietUs = nowUs - this.lastEventUs;
    if (eventDelayUs >= this.opts.debounceMaxUs || quietUs >= this.opts.debounceAfterUs) {
      if (this.pending === undefined) return NONE;
      const step: DebounceStep = { action: 'push', full: this.pending.full, events: this.debouncedEvents, exclusive: true };
      this.free = false;
      this.pending = undefined;
      this.debouncedEvents = 0;
      return step;
    }
    this.timerAtUs = nowUs + (this.opts.debounceAfterUs - quietUs);
    return { action: 'arm-timer', atUs: this.timerAtUs };
  }
}
