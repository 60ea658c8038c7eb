import { describe, expect, it } from 'vitest';
import { backoffDelayMs, withRetry, type RetryPolicy } from '../../src/kube/retry.js';
import { createRng } from '../../src/sim/rng.js';
import { FakeClock } from '../fakes/fake-clock.js';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 1_000 };
const apiError = (code: number, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP ${code}`), { code, body: '{}', headers });

describe('back-off', () => {
  it('doubles, stays between half and all of the step, and is capped', () => {
    expect([0, 1, 2, 3, 4].map((r) => backoffDelayMs(r, 0, policy))).toEqual([100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4].map((r) => backoffDelayMs(r, 0.999999, policy))).toEqual([200, 400, 800, 1000, 1000]);
  });

  it('retries transient failures on the injected clock with seeded jitter, then succeeds', async () => {
    const clock = new FakeClock({ autoAdvance: true });
    const rng = createRng(3);
    const waits: number[] = [];
    let calls = 0;
    const out = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw apiError(503);
        if (calls === 2) throw Object.assign(new Error('socket hang up'), { name: 'FetchError', code: 'ECONNRESET' });
        return 'ok';
      },
      { clock, jitter: () => rng.next(), policy, onRetry: (i) => waits.push(i.delayMs) },
    );
    expect(out).toBe('ok');
    expect(calls).toBe(3);
    expect(clock.now()).toBe(waits[0]! + waits[1]!);
    expect(waits[0]).toBeGreaterThanOrEqual(100);
    expect(waits[0]).toBeLessThanOrEqual(200);
    expect(waits[1]).toBeGreaterThanOrEqual(200);
    // same seed, same waits
    const rng2 = createRng(3);
    expect([backoffDelayMs(0, rng2.next(), policy), backoffDelayMs(1, rng2.next(), policy)]).toEqual(waits);
  });

  it('gives up after maxAttempts and rethrows the last failure', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw apiError(500);
      },
      { clock: new FakeClock({ autoAdvance: true }), jitter: () => 0.5, policy },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect((err as { code: number }).code).toBe(500);
  });

  it('does not retry 403/404/409 and honours Retry-After on 429 (capped)', async () => {
    for (const code of [403, 404, 409, 422]) {
      let calls = 0;
      await withRetry(
        async () => {
          calls++;
          throw apiError(code);
        },
        { clock: new FakeClock({ autoAdvance: true }), jitter: () => 0, policy },
      ).catch(() => undefined);
      expect(calls, String(code)).toBe(1);
    }
    const clock = new FakeClock({ autoAdvance: true });
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ === 0) throw apiError(429, { 'retry-after': '60' });
        return 1;
      },
      { clock, jitter: () => 0, policy },
    );
    expect(clock.now()).toBe(1_000);
  });

  it('waits for real on a non-advancing clock until advanced', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const p = withRetry(
      async () => {
        if (calls++ === 0) throw apiError(502);
        return 'done';
      },
      { clock, jitter: () => 0, policy },
    );
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    clock.advance(100);
    await expect(p).resolves.toBe('done');
  });
});
