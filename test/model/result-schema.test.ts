import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/model/result.js';
import { validateResult } from '../../src/model/result-schema.js';
import { buildResult } from '../support/results.js';

describe('validateResult', () => {
  const result = buildResult({ ratePerS: 20, target: 'kube' });

  it('accepts a complete result and sorts data-keyed records', () => {
    const shuffled: Result = { ...result, labels: { z: '1', a: '2' } };
    const r = validateResult(JSON.parse(JSON.stringify(shuffled)), '0.1.0');
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.keys(r.result.labels)).toEqual(['a', 'z']);
  });

  it('checks nested fields, unions and formats', () => {
    const bad = structuredClone(result) as unknown as Record<string, any>;
    bad['target'].load = 'jmeter';
    bad['startedAt'] = 'yesterday';
    bad['histograms'].latency = 'not base64!';
    bad['summary'].statusCodes = { ok: 3 };
    bad['events'] = [{ name: 'fault', atMs: -1, action: 'scale' }];
    const r = validateResult(bad, '0.1.0');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const paths = r.problems.map((p) => p.path.join('.'));
      expect(paths).toEqual(expect.arrayContaining(['target.load', 'startedAt', 'histograms.latency', 'summary.statusCodes.ok', 'events.0.atMs']));
    }
  });

  it('names an older schema with a hint about the older meshbench', () => {
    const r = validateResult({ ...result, schema: 'meshbench.dev/result/v0' }, '0.1.0');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.hint).toContain('older meshbench');
  });
});
