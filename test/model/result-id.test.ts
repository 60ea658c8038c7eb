import { describe, expect, it } from 'vitest';
import { makeResultId, parseResultId, resultIdScenario } from '../../src/model/result-id.js';

describe('result ids', () => {
  it('formats the start time in UTC, then the scenario and the hex suffix', () => {
    expect(makeResultId(new Date('2026-11-23T21:45:07.900Z'), 'failover', '3fa2c1')).toBe('20261123-214507-failover-3fa2c1');
    expect(makeResultId(new Date('2026-01-02T03:04:05+02:00'), 'distribution', '000abc')).toBe('20260102-010405-distribution-000abc');
  });

  it('turns any scenario name into a safe file-name part', () => {
    expect(resultIdScenario('k6 out.JSON')).toBe('k6-out-json');
    expect(resultIdScenario('---')).toBe('result');
    expect(resultIdScenario('x'.repeat(60))).toHaveLength(40);
  });

  it('rejects a malformed suffix or date (caller bugs)', () => {
    expect(() => makeResultId(new Date('2026-11-23T21:45:00Z'), 'failover', 'XYZ')).toThrow(RangeError);
    expect(() => makeResultId(new Date('nonsense'), 'failover', 'abcdef')).toThrow(RangeError);
  });

  it('parses ids back into their parts', () => {
    expect(parseResultId('20261123-214500-failover-3fa2c1')).toEqual({ timestamp: '20261123-214500', scenario: 'failover', hex: '3fa2c1' });
    expect(parseResultId('20261123-214500-multi-part-name-3fa2c1')?.scenario).toBe('multi-part-name');
    expect(parseResultId('not-an-id')).toBeNull();
  });
});
