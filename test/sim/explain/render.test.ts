import { describe, expect, it } from 'vitest';
import { renderExplain } from '../../../src/render/explain.js';
import { createStyle, plainStyle, visibleWidth } from '../../../src/render/style.js';
import { explainMesh } from '../../../src/sim/explain/explain.js';
import { istioProfile } from '../../../src/sim/istio-profile.js';
import { seedRule, twoClusterMesh } from './mesh-fixture.js';

const report = explainMesh({ mesh: twoClusterMesh(), destinationRule: seedRule(), profile: istioProfile('1.24')! });

describe('renderExplain', () => {
  it('shows groups, loads, split, settings with defaults and warnings', () => {
    const text = renderExplain(report, plainStyle);
    expect(text).toContain('Istio 1.24 · mesh two-cluster · DestinationRule helloworld (manifests/08-locality-lb.yaml)');
    expect(text).toContain('client cluster1/sleep (network1, us-east1/us-east1-b) → helloworld.sample');
    expect(text).toMatch(/P0 +us-east1\/us-east1-b +1 +helloworld-v1-\w+-\w+ +10\.1\.0\.1 +1 +v1/);
    expect(text).toMatch(/P1 +us-west1\/us-west1-a +1 +east-west gateway \(cluster2\) +172\.18\.2\.1 +1 +v2/);
    expect(text).toContain('priority load, all hosts healthy: P0 100%  P1 0%');
    expect(text).toContain('predicted split: v1 100.0%');
    expect(text).toContain('consecutive_5xx 5 (default)');
    expect(text).toContain('ejection: at most 0 of 2 hosts at once (strict max-ejection-percent rule)');
    expect(text).toContain('warning: consecutiveErrors: 1 is ignored since Istio 1.7');
  });
  it('fits the terminal width', () => {
    for (const width of [60, 80, 120]) {
      const long = renderExplain(report, createStyle({ color: true, width })).split('\n').filter((l) => visibleWidth(l) > width);
      expect(long).toEqual([]);
    }
  });
});
