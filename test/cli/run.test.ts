import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/model/result.js';
import { runCli } from '../support/cli.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'meshbench-run-'));

function onlyResult(dir: string): Result {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(dir, files[0] as string), 'utf8')) as Result;
}

/** A result without what legitimately differs between two runs of the same seed. */
function comparable(r: Result): unknown {
  const { id: _id, startedAt: _s, finishedAt: _f, ...rest } = r;
  return rest;
}

describe('meshbench run --target sim', () => {
  it('runs the failover scenario, saves a result and prints its report', async () => {
    const out = fresh();
    const r = await runCli(['run', 'failover', '--seed', '7', '--out', out, '--no-color']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const result = onlyResult(out);
    expect(result.target).toMatchObject({ kind: 'sim', istio: '1.31', seed: 7 });
    expect(result.labels['istio']).toBe('1.31');
    // One request at a time: ≈ 30/s on v1 (33 ms each), ≈ 11/s on v2 through the gateway (93 ms).
    expect(result.summary.requests).toBeGreaterThan(1000);
    const f = result.summary.failover;
    // Errors, if any, end when the EDS update reaches the client (≈ 450 ms median after the fault).
    expect(f?.recoveryMs?.p50).toBeLessThan(2000);
    expect(f?.firstFailoverSuccessMs?.p50).toBeGreaterThan(100);
    expect(f?.failbackMs?.p50).toBeGreaterThan(2000);
    expect(result.thresholds.every((t) => t.ok)).toBe(true);
    expect(r.stdout).toContain('Failover (fault → restore)');
    expect(r.stdout).toContain(`saved ${join(out, result.id)}.json`);
  });

  it('the same seed gives a byte-identical result apart from id and timestamps; another seed does not', async () => {
    const [a, b, c] = [fresh(), fresh(), fresh()];
    await runCli(['run', 'failover', '--seed', '3', '--out', a]);
    await runCli(['run', 'failover', '--seed', '3', '--out', b]);
    await runCli(['run', 'failover', '--seed', '4', '--out', c]);
    expect(JSON.stringify(comparable(onlyResult(b)))).toBe(JSON.stringify(comparable(onlyResult(a))));
    expect(JSON.stringify(comparable(onlyResult(c)))).not.toBe(JSON.stringify(comparable(onlyResult(a))));
  });

  it('Ex. 5: the chi-square test against the predicted 50/50 split does not reject at ≥2,000 requests', async () => {
    const out = fresh();
    const r = await runCli(['run', 'distribution', '--seed', '11', '--out', out]);
    expect(r.code).toBe(0);
    const s = onlyResult(out).summary;
    expect(s.requests).toBeGreaterThanOrEqual(2000);
    expect(s.distributionTest?.expected).toEqual({ v1: 0.5, v2: 0.5 });
    expect(s.distributionTest?.pValue).toBeGreaterThan(0.05);
  });

  it('Ex. 6: the seed DestinationRule keeps ≥ 99% of traffic on v1', async () => {
    const out = fresh();
    expect((await runCli(['run', 'locality', '--seed', '1', '--out', out])).code).toBe(0);
    expect(onlyResult(out).summary.distribution['v1']?.share).toBeGreaterThanOrEqual(0.99);
  });

  it('a failed threshold exits 10 after the result is saved', async () => {
    const out = fresh();
    const r = await runCli(['run', 'outlier-503', '--seed', '1', '--istio', '1.24', '--out', out]);
    expect(r.code).toBe(10);
    const result = onlyResult(out);
    expect(result.thresholds.some((t) => !t.ok)).toBe(true);
    const older = fresh();
    expect((await runCli(['run', 'outlier-503', '--seed', '1', '--istio', '1.18', '--out', older])).code).toBe(0);
  });

  it('--repeat over worker threads gives the same result as in-process trials', async () => {
    const [one, two] = [fresh(), fresh()];
    const a = await runCli(['run', 'failover', '--seed', '5', '--repeat', '4', '--workers', '1', '--out', one]);
    const b = await runCli(['run', 'failover', '--seed', '5', '--repeat', '4', '--workers', '2', '--out', two]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ra = onlyResult(one);
    expect(ra.trials).toBe(4);
    expect(ra.summary.failover?.recoveryMs?.n).toBe(4);
    expect(JSON.stringify(comparable(onlyResult(two)))).toBe(JSON.stringify(comparable(ra)));
  });

  it('prints the seed when it was drawn, and rejects bad options and files', async () => {
    const out = fresh();
    const r = await runCli(['run', 'locality', '--out', out]);
    expect(r.stderr).toMatch(/seed 42 \(replay with --seed 42\)/);
    expect((await runCli(['run', 'failover', '--istio', '2.0'])).code).toBe(2);
    expect((await runCli(['run', 'failover', '--repeat', '0'])).code).toBe(2);
    const missing = await runCli(['run', 'no-such-scenario', '--out', out]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('no-such-scenario');
  });

  it('--json prints the result document on stdout', async () => {
    const r = await runCli(['run', 'locality', '--seed', '2', '--json', '--out', fresh()]);
    const doc = JSON.parse(r.stdout) as Result;
    expect(doc.schema).toBe('meshbench.dev/result/v2');
    expect(doc.summary.perTrial).toHaveLength(1);
    expect(r.stderr).toMatch(/saved /);
  });
});

describe('meshbench compare on simulator results', () => {
  it('single-trial runs get no verdict, only the request-level p-value described; two Istio profiles on outlier-503 show it with the right sign', async () => {
    const [s1, s2, old, neu] = [fresh(), fresh(), fresh(), fresh()];
    await runCli(['run', 'locality', '--seed', '1', '--out', s1]);
    await runCli(['run', 'locality', '--seed', '2', '--out', s2]);
    const same = await runCli(['compare', join(s1, readdirSync(s1)[0] as string), join(s2, readdirSync(s2)[0] as string), '--json']);
    expect(same.code).toBe(0);
    const kinds = [...JSON.stringify(JSON.parse(same.stdout)).matchAll(/"kind":"([a-z-]+)"/g)].map((m) => m[1]);
    expect(kinds).toContain('no-test');
    expect(same.stdout).toContain('"descriptive": true');
    expect(kinds.filter((k) => k === 'worse' || k === 'better' || k === 'differs')).toEqual([]);
    await runCli(['run', 'outlier-503', '--seed', '1', '--istio', '1.18', '--out', old]);
    await runCli(['run', 'outlier-503', '--seed', '1', '--istio', '1.24', '--out', neu]);
    const diff = await runCli(['compare', join(old, readdirSync(old)[0] as string), join(neu, readdirSync(neu)[0] as string), '--by', 'istio', '--baseline', '1.18', '--no-color']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/1\.24\s+1,7\d\d\s+8\d\d\s+\S+\s+no verdict \(Fisher exact p<0\.001, requests\)\*/);
    expect(diff.stdout).toMatch(/Δ\s+\+\d/);
  });
});
