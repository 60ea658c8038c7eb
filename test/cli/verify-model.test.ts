import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-verify-'));
const variants = JSON.parse(readFileSync('test/fixtures/vectors/variants.json', 'utf8')) as Array<Record<string, unknown>>;

describe('meshbench verify-model', () => {
  it('passes every bundled vector with exit 0', async () => {
    const r = await runCli(['verify-model']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}PRIO-DOC-T1-01 +priority_load$/m);
    expect(r.stdout).toContain('83 vectors: 83 passed, 0 failed, 0 skipped');
  });

  it('exits 10 when a vector fails and says what differs', async () => {
    const wrong = structuredClone(variants.slice(0, 2)) as Array<{ expected: { healthy_priority_load_pct?: number[] } }>;
    wrong[0]!.expected.healthy_priority_load_pct = [81, 19];
    const file = join(dir, 'wrong.json');
    writeFileSync(file, JSON.stringify([...wrong, { id: 'X', kind: 'teleport', input: {}, expected: {} }]));
    const r = await runCli(['verify-model', file]);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('FAIL  V-PRIO-01');
    expect(r.stdout).toContain('healthy_priority_load_pct: expected [81,19] got [80,20]');
    expect(r.stdout).toContain('SKIP  X');
    expect(r.stdout).toContain('3 vectors: 1 passed, 1 failed, 1 skipped');
  });

  it('prints JSON with --json', async () => {
    const file = join(dir, 'variants.json');
    writeFileSync(file, JSON.stringify(variants));
    const r = await runCli(['verify-model', file, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { summary: { passed: number }; outcomes: Array<{ status: string }> };
    expect(doc.summary.passed).toBe(variants.length);
    expect(doc.outcomes.every((o) => o.status === 'PASS')).toBe(true);
  });

  it('exits 3 for a missing, non-JSON or non-vector file', async () => {
    expect((await runCli(['verify-model', join(dir, 'missing.json')])).code).toBe(3);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    const r = await runCli(['verify-model', bad]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('not valid JSON');
    const obj = join(dir, 'obj.json');
    writeFileSync(obj, '{"vectors": []}');
    expect((await runCli(['verify-model', obj])).code).toBe(3);
  });

  it('documents its exit codes', async () => {
    const r = await runCli(['verify-model', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('10 a vector failed');
  });
});
