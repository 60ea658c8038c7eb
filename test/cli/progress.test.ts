import { describe, expect, it } from 'vitest';
import { lineProgress } from '../../src/cli/progress.js';
import { FakeClock } from '../fakes/fake-clock.js';

describe('lineProgress', () => {
  it('redraws one live line on a terminal and clears it before a note', () => {
    let out = '';
    const clock = new FakeClock();
    const p = lineProgress((s) => (out += s), { isTTY: true, clock });
    p.update('a');
    clock.advance(100);
    p.update('b');
    p.note('done a');
    p.done();
    expect(out).toBe('\r\u001b[2Ka\r\u001b[2Kb\r\u001b[2Kdone a\n');
  });

  it('redraws a terminal line at most ten times a second', () => {
    let out = '';
    const clock = new FakeClock();
    const p = lineProgress((s) => (out += s), { isTTY: true, clock });
    for (let i = 0; i < 50; i++) {
      p.update(`trial ${i}`);
      clock.advance(10);
    }
    expect(out.split('\r').length - 1).toBe(5);
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
