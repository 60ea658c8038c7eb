import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('meshbench demo', () => {
  it('tells the seed experiments and the version comparison with measured figures and charts', async () => {
    // No --out: the results land in ./results, so the ids the story prints name stored files.
    const cwd = mkdtempSync(join(tmpdir(), 'meshbench-demo-'));
    const out = join(cwd, 'results');
    const r = await runCli(['demo', '--trials', '3', '--no-color'], { cwd });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    // Paragraphs wrap at the terminal width: match on whitespace-collapsed text.
    const text = r.stdout.replace(/\s+/g, ' ');
    for (const heading of ['1. Cross-cluster traffic', '2. Locality load balancing', '3. Failover', '4. Why Istio versions matter']) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/The policy predicts v1 50\.0% \/ v2 50\.0%; χ² p=[\d.]+: consistent with it/);
    expect(text).toMatch(/v1 100\.0%/);
    expect(text).toMatch(/3 trials \(seeds 1…3\): recovery (p50 )?\d+ms/);
    expect(text).toContain('= 450ms');
    expect(text).toContain('Share of requests per version over time');
    expect(text).toContain('^fault');
    expect(text).toMatch(/Istio 1\.18: [\d.]+% of requests failed, v1 was ejected once\. Istio 1\.31: 50\.0% failed, v1 was never ejected/);
    // One trial per Istio version: the request-level Fisher test is shown, described, without a verdict.
    expect(text).toMatch(/no verdict \(Fisher exact p<0\.001, requests\)\*/);
    const saved = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(saved).toHaveLength(5);
    const printedIds = r.stdout.match(/\d{8}-\d{6}-[a-z0-9-]+-[0-9a-f]{6}/g) ?? [];
    expect(printedIds.length).toBeGreaterThan(0);
    for (const id of printedIds) expect(saved).toContain(`${id}.json`);
  });

  it('--quiet prints a verdict line and a path per result, nothing else', async () => {
    const out = mkdtempSync(join(tmpdir(), 'meshbench-demo-'));
    const r = await runCli(['demo', '--trials', '1', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    for (let i = 0; i < 10; i += 2) {
      expect(lines[i]).toMatch(/^(PASS|FAIL|DONE) [a-z0-9-]+  /);
      expect(lines[i + 1]).toMatch(new RegExp(`^${out}/\\d{8}-\\d{6}-[a-z0-9-]+-[0-9a-f]{6}\\.json$`));
    }
  });

  it('--older equal to --istio fails up front (exit 2), before simulating anything', async () => {
    const out = mkdtempSync(join(tmpdir(), 'meshbench-demo-'));
    const r = await runCli(['demo', '--istio', '1.18', '--older', '1.18', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--older 1.18 is the same as --istio 1.18');
    expect(r.stderr).not.toContain('simulating');
    expect(readdirSync(out)).toEqual([]);
  });
});
