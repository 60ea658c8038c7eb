import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('meshbench demo', () => {
  it('tells the seed experiments and the version comparison with measured figures and charts', async () => {
    const out = mkdtempSync(join(tmpdir(), 'meshbench-demo-'));
    const r = await runCli(['demo', '--trials', '3', '--out', out, '--no-color']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    // Paragraphs wrap at the terminal width: match on whitespace-collapsed text.
    const text = r.stdout.replace(/\s+/g, ' ');
    for (const heading of ['1. Cross-cluster traffic', '2. Locality load balancing', '3. Failover', '4. Why Istio versions matter']) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/The policy predicts v1 50\.0% \/ v2 50\.0%; χ² p=[\d.]+: consistent with it/);
    expect(text).toMatch(/v1 100\.0%/);
    expect(text).toMatch(/3 trials \(seeds 1…3\): recovery (p50 )?4\d\dms/);
    expect(text).toContain('= 450ms');
    expect(text).toContain('Share of requests per version over time');
    expect(text).toContain('^fault');
    expect(text).toMatch(/Istio 1\.18: 0% of requests failed, v1 was ejected once\. Istio 1\.31: 50\.0% failed, v1 was never ejected/);
    // One trial per Istio version: the request-level Fisher test is shown, described, without a verdict.
    expect(text).toMatch(/no verdict \(Fisher exact p<0\.001, requests\)\*/);
    expect(readdirSync(out).filter((f) => f.endsWith('.json'))).toHaveLength(5);
  });
});
