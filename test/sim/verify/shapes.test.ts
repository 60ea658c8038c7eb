import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runVector, runVectors } from '../../../src/sim/verify/run.js';
import { inputVersionMinors } from '../../../src/sim/verify/versions.js';

// Vector shapes the bundled file does not show, written for these tests (issue 12 item 8).
const shapes = JSON.parse(readFileSync('test/fixtures/vectors/shapes.json', 'utf8')) as Array<Record<string, unknown>>;
const byId = new Map(runVectors(shapes).map((o) => [o.id, o]));
const outcome = (id: string) => {
  const o = byId.get(id);
  if (o === undefined) throw new Error(id);
  return o;
};

describe('verify-model reads vectors as written', () => {
  it('compares only the fields an expected group names (group, weight, priority; the output also has ips)', () => {
    expect(outcome('S-01')).toMatchObject({ status: 'PASS', checks: 1 });
  });

  it('SKIPs naming the fields it cannot interpret', () => {
    expect(outcome('S-02')).toMatchObject({ status: 'SKIP', reason: 'expected.output_groups[0].locality_weight not interpreted' });
  });

  it('a wrong value in a named field still fails, whatever other fields are missing', () => {
    const v = structuredClone(shapes.find((x) => x['id'] === 'S-01')) as { expected: { output_groups: Array<{ priority: number }> } };
    (v.expected.output_groups[1] as { priority: number }).priority = 0;
    expect(runVector(v, 0).status).toBe('FAIL');
  });

  it('honours an input istio_version range: checked at both ends, versions outside it never', () => {
    expect(outcome('S-03')).toMatchObject({ status: 'PASS', checks: 2 });
    // 1.12–1.19 ignore `failover` next to failoverPriority (loadbalancer.go at tag 1.18.0).
    expect(outcome('S-04')).toMatchObject({ status: 'PASS', checks: 2 });
    expect(outcome('S-05')).toMatchObject({ status: 'PASS', checks: 2 });
    expect(outcome('S-06').status).toBe('PASS');
    // The same expectation over a range reaching 1.20 fails at its newer end.
    const wide = structuredClone(shapes.find((x) => x['id'] === 'S-04')) as { input: Record<string, unknown> };
    wide.input['istio_version'] = '>=1.18';
    const o = runVector(wide, 0);
    expect(o.status).toBe('FAIL');
    expect(o.failures.map((f) => f.path)).toEqual(['priorities [istio 1.31]']);
  });

  it('SKIPs a range with no supported version, or text that is no version, saying so', () => {
    expect(outcome('S-07')).toMatchObject({ status: 'SKIP', reason: 'input.istio_version "<=1.5" covers no supported version (1.6…1.31)' });
    expect(outcome('S-08').status).toBe('SKIP');
    expect(outcome('S-08').reason).toContain('"newest" is not a version or range');
  });

  it('parses versions, comparisons, conjunctions and hyphen ranges', () => {
    expect(inputVersionMinors('<=1.6')).toEqual([6]);
    expect(inputVersionMinors('1.18.3')).toEqual([18]);
    expect(inputVersionMinors('>= 1.29')).toEqual([29, 30, 31]);
    expect(inputVersionMinors('>1.10 <1.13')).toEqual([11, 12]);
    expect(inputVersionMinors('1.12 - 1.14')).toEqual([12, 13, 14]);
    expect(inputVersionMinors('1.x')).toBeUndefined();
  });
});
