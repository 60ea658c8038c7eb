/**
 * `recoveryOutcome` and `failbackOutcome` (failover.ts) computed as the rows arrive in scheduled
 * order, holding only the rows of one judgement window (max(1 s, 20 requests)) instead of every
 * row from the fault on. Each tracker is the row-based function turned inside out, step for step,
 * so both give the same outcome on the same rows (test/measure/stream-failover.test.ts checks
 * them against each other on random traffic, test/app/streaming-rows.test.ts on simulated faults).
 */
import type { TimedOutcome, WindowRule } from './failover.js';

const NEVER: TimedOutcome = { outcome: 'never', us: null };
const RUN_ENDED: TimedOutcome = { outcome: 'run-ended', us: null };

/**
 * Recovery from the fault (`recoveryOutcome`). Feed every row scheduled at or after the fault, in
 * scheduled order; `endUs()` is the restore (or Infinity) as known when the row is fed: a restore
 * not seen yet is later than the row.
 */
export class RecoveryStream {
  /** seek: no failure yet · candidate: the next row starts a window · window: judging one · unjudged: decided at the end. */
  private state: 'seek' | 'candidate' | 'window' | 'unjudged' | 'done' = 'seek';
  private result: TimedOutcome | null = null;
  private candidateUs = 0;
  private inWindow = 0;
  /** Tail of the rows (for `endedUnjudged`): any row seen, the last one's status, the start of the trailing run of successes. */
  private rows = 0;
  private lastOk = false;
  private trailingFromUs = 0;

  constructor(
    private readonly faultUs: number,
    private readonly rule: WindowRule,
  ) {}

  add(scheduledUs: number, ok: boolean, endUs: number): void {
    if (ok && !this.lastOk) this.trailingFromUs = scheduledUs;
    this.lastOk = ok;
    this.rows++;
    switch (this.state) {
      case 'seek':
        if (scheduledUs >= endUs) this.finishWith({ outcome: 'reached', us: 0 });
        else if (!ok) this.state = 'candidate';
        return;
      case 'candidate':
        this.takeCandidate(scheduledUs, ok, endUs);
        return;
      case 'window':
        if (this.inWindow < this.rule.minRequests || scheduledUs < this.candidateUs + this.rule.spanUs) {
          if (!ok) this.state = 'candidate';
          else this.inWindow++;
          return;
        }
        // The first row past a full, clean window.
        this.finishWith({ outcome: 'reached', us: this.candidateUs - this.faultUs });
        return;
      default:
        return;
    }
  }

  /** A row that may start a judgement window (the first after a failure). */
  private takeCandidate(scheduledUs: number, ok: boolean, endUs: number): void {
    if (scheduledUs >= endUs) return this.finishWith(NEVER);
    if (scheduledUs + this.rule.spanUs > this.rule.runEndUs) {
      this.state = 'unjudged';
      return;
    }
    if (!ok) return; // the window would hold this failure: the next row is the candidate
    this.state = 'window';
    this.candidateUs = scheduledUs;
    this.inWindow = 1;
  }

  private finishWith(r: TimedOutcome): void {
    this.result = r;
    this.state = 'done';
  }

  /** The outcome once every row was fed; `endUs` is the restore as finally known. */
  outcome(endUs: number): TimedOutcome {
    if (this.result !== null) return this.result;
    switch (this.state) {
      case 'seek':
        return { outcome: 'reached', us: 0 };
      case 'candidate':
        return NEVER;
      case 'window':
        // The window reaches the last row: judged when it holds enough rows and fits before the
        // end (an interrupted trial's end comes earlier than planned), clean by construction.
        if (this.inWindow >= this.rule.minRequests && this.candidateUs + this.rule.spanUs <= this.rule.runEndUs) return { outcome: 'reached', us: this.candidateUs - this.faultUs };
        return this.endedUnjudged(endUs);
      default:
        return this.endedUnjudged(endUs);
    }
  }

  /** failover.ts `endedUnjudged`: run-ended when the last row succeeded and the trailing successes began before `endUs`. */
  private endedUnjudged(endUs: number): TimedOutcome {
    if (this.rows === 0 || !this.lastOk) return NEVER;
    return this.trailingFromUs < endUs ? RUN_ENDED : NEVER;
  }
}

/**
 * Failback after the restore (`failbackOutcome`). Feed every row scheduled at or after the restore,
 * in scheduled order, with whether the restored workload served it; holds the rows of the window
 * being judged.
 */
export class FailbackStream {
  private s: number[] = [];
  /** cum[i]: rows served by the restored workload among the held rows up to i (inclusive), plus `base`. */
  private cum: number[] = [];
  private head = 0;
  private base = 0;
  private judged = false;
  private result: TimedOutcome | null = null;
  /** Last position (absolute in the held list) of the window of the head row found so far. */
  private windowEnd = -1;

  constructor(
    private readonly restoreUs: number,
    private readonly rule: WindowRule,
    private readonly share: number,
  ) {}

  add(scheduledUs: number, served: boolean): void {
    if (this.result !== null) return;
    const prev = this.cum.length > 0 ? this.cum[this.cum.length - 1]! : this.base;
    this.s.push(scheduledUs);
    this.cum.push(prev + (served ? 1 : 0));
    this.judge(false);
    this.compact();
  }

  /** The outcome once every row was fed. */
  outcome(): TimedOutcome {
    if (this.result === null) this.judge(true);
    return this.result ?? (this.judged ? NEVER : RUN_ENDED);
  }

  /** Judges the windows of the held rows from the head on, as far as the rows allow. */
  private judge(final: boolean): void {
    const { spanUs, minRequests, runEndUs } = this.rule;
    while (this.result === null && this.head < this.s.length) {
      const p = this.head;
      const startUs = this.s[p]!;
      if (startUs + spanUs > runEndUs) {
        this.result = this.judged ? NEVER : RUN_ENDED;
        return;
      }
      const last = this.s.length - 1;
      if (p + minRequests - 1 > last) {
        if (final) this.result = this.judged ? NEVER : RUN_ENDED;
        return;
      }
      let e = Math.max(this.windowEnd, p + minRequests - 1);
      while (e + 1 <= last && this.s[e + 1]! < startUs + spanUs) e++;
      // Not complete until a row past the window has arrived (or the rows ended).
      if (e === last && !final) {
        this.windowEnd = e;
        return;
      }
      this.windowEnd = e;
      this.judged = true;
      const before = p > 0 ? this.cum[p - 1]! : this.base;
      const servedIn = this.cum[e]! - before;
      if (servedIn >= this.share * (e - p + 1)) {
        this.result = { outcome: 'reached', us: startUs - this.restoreUs };
        return;
      }
      this.head++;
    }
  }

  /** Drops the rows before the head once they are half the list (amortised O(1) per row). */
  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.s.length) return;
    this.base = this.cum[this.head - 1]!;
    this.s = this.s.slice(this.head);
    this.cum = this.cum.slice(this.head);
    this.windowEnd -= this.head;
    this.head = 0;
  }
}
