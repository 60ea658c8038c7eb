import { describe, expect, it } from 'vitest';
import { packedSlots, putPacked } from '../../src/measure/packed-array.js';

describe('packed tables', () => {
  it('start empty and pad with undefined instead of leaving holes', () => {
    const t = packedSlots<string>();
    expect(t).toEqual([]);
    putPacked(t, 3, 'v2');
    putPacked(t, 0, 'v1');
    expect(t).toEqual(['v1', undefined, undefined, 'v2']);
    // No holes: every index below the length is an own property.
    expect([0, 1, 2, 3].every((i) => Object.hasOwn(t, i))).toBe(true);
  });
});
