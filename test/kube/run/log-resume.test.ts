/**
 * LogResume (src/kube/run/log-resume.ts): a reopened follow from the last line's whole second
 * repeats that second's lines; they are dropped by exact stamp and text, counted, so identical
 * lines at one instant both survive and nothing after the resume point is dropped.
 */
import { describe, expect, it } from 'vitest';
import { LogResume, rfc3339Second } from '../../../src/kube/run/log-resume.js';

describe('LogResume', () => {
  it('drops exactly the repeated lines of the resume second, keeping identical lines counted', () => {
    const r = new LogResume();
    const first = ['2026-11-23T21:45:01.9Z a', '2026-11-23T21:45:02.1Z b', '2026-11-23T21:45:02.1Z b', '2026-11-23T21:45:02.5Z c'];
    expect(first.map((l) => r.accept(l))).toEqual(['a', 'b', 'b', 'c']);
    // The follow was cut after c; the kubelet serves everything from 21:45:02 again, then more.
    expect(r.resume()).toBe('2026-11-23T21:45:02Z');
    const again = ['2026-11-23T21:45:02.1Z b', '2026-11-23T21:45:02.1Z b', '2026-11-23T21:45:02.1Z b', '2026-11-23T21:45:02.5Z c', '2026-11-23T21:45:02.7Z d', '2026-11-23T21:45:03Z e'];
    // A third identical `b` at the same instant is a new line (the runtime received three).
    expect(again.map((l) => r.accept(l))).toEqual([undefined, undefined, 'b', undefined, 'd', 'e']);
    expect(r.resume()).toBe('2026-11-23T21:45:03Z');
    expect(r.accept('2026-11-23T21:45:03Z e')).toBeUndefined();
    expect(r.accept('2026-11-23T21:45:03Z e')).toBe('e');
    expect(r.resumes).toBe(2);
  });

  it('passes unstamped lines through; resumes from the start when nothing stamped was read', () => {
    const r = new LogResume();
    expect(r.accept('no stamp here')).toBe('no stamp here');
    expect(r.resume()).toBeUndefined();
    expect(rfc3339Second(0)).toBe('1970-01-01T00:00:00Z');
  });
});
