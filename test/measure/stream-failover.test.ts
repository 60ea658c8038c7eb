/**
 * The streamed recovery and failback (stream-failover.ts) against the row-based functions they
 * mirror (failover.ts), on seeded random traffic built to hit the edges: bursts of failures,
 * windows cut by the end of the run, fewer than 20 requests left, a restore before recovery.
 */
import { describe, expect, it } from 'vitest';
import { Columns } from '../../src/measure/columns.js';
import { defaultWindow, failbackOutcome, recoveryOutcome } from '../../src/measure/failover.js';
import { FailbackStream, RecoveryStream } from '../../src/measure/stream-failover.js';
import { isSuccess } from '../../src/model/sample.js';
import { createRng } from '../../src/sim/rng.js';

interface Traffic {
  cols: Columns;
  faultUs: number;
  restoreUs: number;
  runEndUs: number;
}

/** Rows in scheduled order: gaps of 5–120 ms, failure bursts with a random start and length, versions 0 and 1. */
function traffic(seed: number): Traffic {
  const rng = createRng(seed);
  const runEndUs = Math.round(4e6 + rng.next() * 20e6);
  const faultUs = Math.round(rng.next() * runEndUs * 0.6);
  const restoreUs = Math.round(faultUs + rng.next() * (runEndUs - faultUs) * 1.1);
  const burstFromUs = faultUs + rng.next() * 3e6 - 0.5e6;
  const burstToUs = burstFromUs + rng.next() * (rng.next() < 0.2 ? 30e6 : 2e6);
  const failbackAtUs = restoreUs + rng.next() * 3e6;
  const cols = new Columns();
  const gapUs = 5_000 + Math.round(rng.next() * 115_000);
  for (let s = Math.round(rng.next() * gapUs); s < runEndUs; s += Math.max(1, Math.round(gapUs * (0.5 + rng.next())))) {
    const failing = s >= burstFromUs && s < burstToUs && rng.next() < 0.7;
    const status = failing ? 503 : rng.next() < 0.01 ? 500 : 200;
    const version = s >= faultUs && s < failbackAtUs && rng.next() < 0.97 ? 1 : 0;
    cols.push(s, s, s + 1000, status, isSuccess(status) ? version : -1, -1, 0);
  }
  return { cols, faultUs, restoreUs, runEndUs };
}

describe('streamed failover outcomes equal the row-based ones', () => {
  it('on 600 random trials', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 600; seed++) {
      const { cols, faultUs, restoreUs, runEndUs } = traffic(seed);
      const rule = defaultWindow(runEndUs);
      const endUs = restoreUs > faultUs ? restoreUs : Infinity;
      const order = cols.orderByScheduled(faultUs);
      const recovery = new RecoveryStream(faultUs, rule);
      const failback = new FailbackStream(restoreUs, rule, 0.99);
      for (const row of order) {
        const s = cols.scheduledUs[row]!;
        const ok = isSuccess(cols.status[row]!);
        // The restore is known to the stream only once it has happened.
        recovery.add(s, ok, s >= restoreUs ? endUs : Infinity);
        if (s >= restoreUs) failback.add(s, ok && cols.version[row] === 0);
      }
      const rowsRecovery = recoveryOutcome(cols, order, faultUs, endUs, rule);
      const rowsFailback = failbackOutcome(cols, order, [0], restoreUs, rule, 0.99);
      expect([seed, recovery.outcome(endUs)]).toEqual([seed, rowsRecovery]);
      expect([seed, failback.outcome()]).toEqual([seed, rowsFailback]);
      seen.add(`recovery ${rowsRecovery.outcome}${rowsRecovery.us === 0 ? ' 0' : ''}`).add(`failback ${rowsFailback.outcome}`);
    }
    // The random trials reach every outcome.
    expect([...seen].sort()).toEqual(['failback never', 'failback reached', 'failback run-ended', 'recovery never', 'recovery reached', 'recovery reached 0', 'recovery run-ended']);
  });
});
