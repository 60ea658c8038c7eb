import { describe, expect, it } from 'vitest';
import { bucketSortByKey } from '../../src/measure/columns.js';
import { createRng } from '../../src/sim/rng.js';

describe('bucketSortByKey', () => {
  it('matches a stable comparison sort on shuffled, duplicated and skewed keys', () => {
    const rng = createRng('sort');
    for (const n of [1, 2, 10, 1000, 20000]) {
      for (const shape of ['near', 'random', 'dupes', 'skewed']) {
        const keys = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          keys[i] =
            shape === 'near' ? i * 10 + rng.int(200) : shape === 'random' ? rng.int(1e9) : shape === 'dupes' ? rng.int(5) : Math.floor(Math.exp(rng.next() * 20));
        }
        const idx = Uint32Array.from({ length: n }, (_, i) => i);
        const expected = [...idx].sort((a, b) => keys[a]! - keys[b]! || a - b);
        expect([...bucketSortByKey(idx, keys)]).toEqual(expected);
      }
    }
  });
});
