import { describe, expect, it } from 'vitest';
import { InvalidInputError, UsageError } from '../../src/errors.js';
import { gridValues, parseSetFlag, planSweep, typedValue } from '../../src/app/sweep-plan.js';
import { loadSweepSources } from '../../src/fs/sweep-sources.js';

const sources = await loadSweepSources('failover', undefined, process.cwd(), '1.24');

function problemsOf(fn: () => unknown): Array<{ file: string; path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInputError) return [...err.problems].map((p) => ({ file: p.file, path: p.path, message: p.message }));
    throw err;
  }
  throw new Error('expected InvalidInputError');
}

describe('sweep plan', () => {
  it('parses --set and rejects a malformed one as usage', () => {
    expect(parseSetFlag('istio=1.22, 1.24,1.22')).toEqual({ path: 'istio', values: ['1.22', '1.24'] });
    expect(() => parseSetFlag('istio')).toThrow(UsageError);
    expect(() => parseSetFlag('istio=1.22,')).toThrow(UsageError);
    expect(typedValue('10')).toBe(10);
    expect(typedValue('1s')).toBe('1s');
  });

  it('builds the grid first dimension slowest', () => {
    expect(gridValues([{ path: 'a', values: ['1', '2'] }, { path: 'b', values: ['x', 'y', 'z'] }])).toEqual([
      ['1', 'x'], ['1', 'y'], ['1', 'z'], ['2', 'x'], ['2', 'y'], ['2', 'z'],
    ]);
  });

  it('applies dr, load, mesh and istio values to each cell through the validators', () => {
    const cells = planSweep(sources, [
      { path: 'dr.trafficPolicy.outlierDetection.maxEjectionPercent', values: ['10', '100'] },
      { path: 'load.rate', values: ['5'] },
      { path: 'istio', values: ['1.18'] },
    ]);
    expect(cells).toHaveLength(2);
    expect(cells.map((c) => c.scenario.destinationRule?.trafficPolicy?.outlierDetection?.maxEjectionPercent)).toEqual([10, 100]);
    expect(cells.every((c) => c.istio === '1.18')).toBe(true);
    expect(JSON.stringify(cells[0]!.scenario.load)).toContain('5');
    // The sources themselves are untouched (each cell works on its own copy).
    expect(JSON.stringify(sources.destinationRules)).not.toContain('"maxEjectionPercent":10');
  });

  it('names the --set path of a bad value or an unknown field, exit 3, before anything runs', () => {
    const bad = problemsOf(() => planSweep(sources, [{ path: 'dr.trafficPolicy.outlierDetection.interval', values: ['1s', 'soon'] }]));
    expect(bad).toEqual([expect.objectContaining({ path: 'dr.trafficPolicy.outlierDetection.interval', message: expect.stringContaining('"soon"') })]);
    const unknown = problemsOf(() => planSweep(sources, [{ path: 'dr.trafficPolicy.outlierDetection.intervl', values: ['1s'] }]));
    expect(unknown[0]?.path).toBe('dr.trafficPolicy.outlierDetection.intervl');
    const istio = problemsOf(() => planSweep(sources, [{ path: 'istio', values: ['1.99'] }]));
    expect(istio[0]).toMatchObject({ path: 'istio', message: expect.stringContaining('1.99') });
    const rate = problemsOf(() => planSweep(sources, [{ path: 'load.rate', values: ['-5'] }]));
    expect(rate[0]?.path).toBe('load.rate');
    const prefix = problemsOf(() => planSweep(sources, [{ path: 'destinationRule.x', values: ['1'] }]));
    expect(prefix[0]).toMatchObject({ path: 'destinationRule.x', message: 'not a sweep path' });
    expect(() => planSweep(sources, [{ path: 'istio', values: ['1.22'] }, { path: 'istio', values: ['1.24'] }])).toThrow(UsageError);
  });
});
