import { describe, expect, it } from 'vitest';
import { parseLocality } from '../../../src/model/locality.js';
import { lbPriority, localityMatch, localityRulesOverlap } from '../../../src/sim/istiod/locality.js';

describe('istiod locality helpers', () => {
  const proxy = parseLocality('r1/z1/s1');
  it('ranks by region, zone, subzone (util.go LbPriority)', () => {
    expect(lbPriority(proxy, parseLocality('r1/z1/s1'))).toBe(0);
    expect(lbPriority(proxy, parseLocality('r1/z1/s2'))).toBe(1);
    expect(lbPriority(proxy, parseLocality('r1/z2/s1'))).toBe(2);
    expect(lbPriority(proxy, parseLocality('r2/z1/s1'))).toBe(3);
    expect(lbPriority(parseLocality(''), parseLocality(''))).toBe(0);
  });
  it('matches rules with * and missing segments (LocalityMatch)', () => {
    expect(localityMatch(proxy, 'r1')).toBe(true);
    expect(localityMatch(proxy, 'r1/*')).toBe(true);
    expect(localityMatch(proxy, 'r1/z1/*')).toBe(true);
    expect(localityMatch(proxy, '*/z1/s1')).toBe(true);
    expect(localityMatch(proxy, 'r1/z2/*')).toBe(false);
    expect(localityMatch(proxy, 'r2')).toBe(false);
  });
  it('detects overlapping distribute targets', () => {
    expect(localityRulesOverlap('region1/*', 'region1/zone1/*')).toBe(true);
    expect(localityRulesOverlap('region1/zone1', 'region1/zone1/sub')).toBe(true);
    expect(localityRulesOverlap('region1/zone1/*', 'region1/zone2/*')).toBe(false);
    expect(localityRulesOverlap('region1', 'region2')).toBe(false);
  });
});
