import { describe, expect, it } from 'vitest';
import { renderVerify } from '../../../src/render/verify.js';
import { createStyle, plainStyle } from '../../../src/render/style.js';

const outcomes = [
  { id: 'A-1', kind: 'priority_load', status: 'PASS' as const, failures: [] },
  { id: 'B-22', kind: 'panic', status: 'FAIL' as const, failures: [{ path: 'in_panic', expected: '[true]', got: '[false]' }, { path: 'x', expected: '1', got: '2' }] },
  { id: 'C', kind: 'teleport', status: 'SKIP' as const, reason: 'unknown kind "teleport"', failures: [] },
];

describe('renderVerify', () => {
  it('prints one line per vector, failures with expected and got, and a summary', () => {
    const text = renderVerify(outcomes, { total: 3, passed: 1, failed: 1, skipped: 1 }, plainStyle);
    expect(text.split('\n')).toEqual([
      'PASS  A-1   priority_load',
      'FAIL  B-22  panic          in_panic: expected [true] got [false]',
      '                           x: expected 1 got 2',
      'SKIP  C     teleport       (unknown kind "teleport")',
      '',
      '3 vectors: 1 passed, 1 failed, 1 skipped',
      '',
    ]);
  });
  it('colours statuses when asked', () => {
    const text = renderVerify(outcomes, { total: 3, passed: 1, failed: 1, skipped: 1 }, createStyle({ color: true, width: 100 }));
    expect(text).toContain('\u001b[32mPASS\u001b[39m');
    expect(text).toContain('\u001b[31mFAIL\u001b[39m');
  });
});
