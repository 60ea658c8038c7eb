import { describe, expect, it } from 'vitest';
import { lineProgress } from '../../src/cli/progress.js';
import { FakeClock } from '../fakes/fake-clock.js';

describe('lineProgress', () => {
  it('redraws one live line on a terminal and clears it before a note', () => {
    let out = '';
    const p = lineProgress((s) => (out += s), { isTTY: true, clock: new FakeClock() });
    p.update('a');
    p.update('b');
    p.note('done a');
    p.done();
    expect(out).toBe('\r\u001b[2Ka\r\u001b[2Kb\r\u001b[2Kdone a\n');
  });

  it('prints a changed status at most every few seconds on a pipe; notes always', () => {
    let out = '';
    const clock = new FakeClock();
    const p = lineProgress((s) => (out += s), { isTTY: false, clock, plainEveryMs: 5_000 });
    p.update('waiting 1');
    p.update('waiting 2');
    clock.advance(5_000);
    p.update('waiting 2');
    p.update('waiting 3');
    p.note('step');
    expect(out).toBe('waiting 1\nwaiting 2\nstep\n');
  });
});
