import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/model/result.js';
import { runCli } from '../support/cli.js';

const FIXTURES = 'test/fixtures/imports';
const dir = mkdtempSync(join(tmpdir(), 'meshbench-import-'));

function onlyResult(out: string): { path: string; result: Result; text: string } {
  const files = readdirSync(out).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  const path = join(out, files[0]!);
  const text = readFileSync(path, 'utf8');
  return { path, result: JSON.parse(text) as Result, text };
}

describe('meshbench import', () => {
  it('imports the k6 fixture: 5 requests, v1/v2 from the version tags, one 503', async () => {
    const out = join(dir, 'k6');
    const r = await runCli(['import', `${FIXTURES}/k6-out.ndjson`, '--out', out, '--label', 'istio=1.24', '--label', 'run=a=b']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const { result } = onlyResult(out);
    expect(result.id).toBe('20261123-214500-failover-00002a');
    expect(result.scenario.name).toBe('failover');
    expect(result.target).toEqual({ kind: 'import', format: 'k6', files: [`${FIXTURES}/k6-out.ndjson`], skippedLines: 0 });
    expect(result.labels).toEqual({ istio: '1.24', run: 'a=b' });
    expect(result.summary.requests).toBe(5);
    expect(result.summary.errors).toBe(1);
    expect(result.summary.statusCodes).toEqual({ '200': 4, '503': 1 });
    expect(result.summary.distribution['v1']!.count).toBe(2);
    expect(result.summary.distribution['v2']!.count).toBe(2);
    expect(result.summary.load.model).toBe('open');
    expect(result.startedAt).toBe('2026-08-21T10:15:00.001Z');
    expect(result.histograms['latency.v2']).toBeDefined();
    expect(r.stdout).toContain('imported test/fixtures/imports/k6-out.ndjson (k6): 5 requests, 1 dropped iteration');
    expect(r.stdout).toContain('requests 5, 1 error (20.0%)');
    expect(r.stdout).toContain('versions v1 50.0% (2), v2 50.0% (2)');
    expect(r.stderr).toContain('k6 dropped 1 iteration');
  });

  it('imports the fortio fixture: 3000 calls, 2963 × 200, 37 × 503', async () => {
    const out = join(dir, 'fortio');
    const r = await runCli(['import', `${FIXTURES}/fortio-result.json`, '--out', out, '--name', 'fortio run']);
    expect(r.code).toBe(0);
    const { result } = onlyResult(out);
    expect(result.id).toBe('20261123-214500-fortio-run-00002a');
    expect(result.summary.requests).toBe(3000);
    expect(result.summary.statusCodes).toEqual({ '200': 2963, '503': 37 });
    expect(result.summary.locality).toBeNull();
    expect(result.target).toMatchObject({ kind: 'import', format: 'fortio' });
    expect(r.stdout).toContain('requests 3,000, 37 errors (1.2%)');
  });

  it('--json prints the stored document on stdout', async () => {
    const out = join(dir, 'json');
    const r = await runCli(['import', `${FIXTURES}/k6-out.ndjson`, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const { text, path } = onlyResult(out);
    expect(r.stdout).toBe(text);
    expect(r.stderr).toContain(`saved ${path}`);
  });

  it('reads gzip by content and gives the same result; two files are two trials', async () => {
    const gz = join(dir, 'k6-out.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(`${FIXTURES}/k6-out.ndjson`)));
    const plainOut = join(dir, 'plain');
    const gzOut = join(dir, 'gz');
    await runCli(['import', `${FIXTURES}/k6-out.ndjson`, '--out', plainOut]);
    expect((await runCli(['import', gz, '--out', gzOut])).code).toBe(0);
    expect(onlyResult(gzOut).result.summary).toEqual(onlyResult(plainOut).result.summary);
    const twoOut = join(dir, 'two');
    expect((await runCli(['import', `${FIXTURES}/k6-out.ndjson`, gz, '--out', twoOut])).code).toBe(0);
    const two = onlyResult(twoOut).result;
    expect(two.trials).toBe(2);
    expect(two.summary.requests).toBe(10);
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    const a = join(dir, 'det-a');
    const b = join(dir, 'det-b');
    await runCli(['import', `${FIXTURES}/k6-out.ndjson`, '--out', a]);
    await runCli(['import', `${FIXTURES}/k6-out.ndjson`, '--out', b]);
    expect(onlyResult(a).text).toBe(onlyResult(b).text);
  });

  it('skips a few malformed lines and reports them', async () => {
    const file = join(dir, 'damaged.ndjson');
    const lines = readFileSync(`${FIXTURES}/k6-out.ndjson`, 'utf8').split('\n');
    lines.splice(30, 0, 'garbage', '{"type":"Mystery"}');
    writeFileSync(file, `${lines.join('\n')}{"metric":"iterations","type":"Point","data":{"ti`);
    const out = join(dir, 'damaged');
    const r = await runCli(['import', file, '--out', out]);
    expect(r.code).toBe(0);
    expect(onlyResult(out).result.target).toMatchObject({ skippedLines: 3 });
    expect(r.stderr).toContain(`skipped 3 of ${lines.length} lines that are not k6 output (first: ${file}:31:1 not JSON)`);
    expect(r.stdout).toContain('3 malformed lines skipped');
  });

  it('reads a mostly-junk capture (kubectl logs interleaving k6 log lines) and reports the junk with file:line:col', async () => {
    const file = join(dir, 'interleaved.ndjson');
    const good = readFileSync(`${FIXTURES}/k6-out.ndjson`, 'utf8').split('\n').filter((l) => l !== '');
    // Three log lines after every k6 line: 75% junk, still a k6 run.
    const log = (i: number) => [`time="2026-08-21T10:15:0${i % 10}Z" level=info msg="iteration ${i}" source=console`, `{"level":"debug","msg":"request ${i}"}`, `Request: GET /hello`];
    writeFileSync(file, good.flatMap((l, i) => [l, ...log(i)]).join('\n') + '\n');
    const out = join(dir, 'interleaved');
    const r = await runCli(['import', file, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const plain = await runCli(['import', `${FIXTURES}/k6-out.ndjson`, '--out', join(dir, 'interleaved-plain')]);
    expect(plain.code).toBe(0);
    expect(onlyResult(out).result.summary).toEqual(onlyResult(join(dir, 'interleaved-plain')).result.summary);
    expect(onlyResult(out).result.target).toMatchObject({ skippedLines: 3 * good.length });
    expect(r.stderr).toContain(`skipped ${3 * good.length} of ${4 * good.length} lines that are not k6 output (first: ${file}:2:1 not JSON)`);
  });

  it('refuses a file where fewer than 1 line in 20 is k6 output, with exit 3 and the first bad lines', async () => {
    const file = join(dir, 'garbage.ndjson');
    const good = readFileSync(`${FIXTURES}/k6-out.ndjson`, 'utf8').split('\n').slice(0, 10);
    writeFileSync(file, [...good, ...Array.from({ length: 200 }, (_, i) => `line ${i} of noise`)].join('\n'));
    const r = await runCli(['import', file, '--out', join(dir, 'garbage')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('only 10 of 210 lines are k6 JSON output (fewer than 1 in 20): probably not a k6 `--out json` file');
    expect(r.stderr).toContain(`${file}:11:1`);
    expect(r.stderr).toContain(`${file}:12:1`);
  });

  it("the README's tour: k6 and fortio files together give one result per format", async () => {
    const out = join(dir, 'mixed');
    const k6b = join(dir, 'second.ndjson');
    copyFileSync(`${FIXTURES}/k6-out.ndjson`, k6b);
    const mixed = await runCli(['import', `${FIXTURES}/k6-out.ndjson`, `${FIXTURES}/fortio-result.json`, k6b, '--out', out, '--name', 'tour']);
    expect(mixed.code, mixed.stderr).toBe(0);
    const files = readdirSync(out).filter((f) => f.endsWith('.json')).sort();
    expect(files).toHaveLength(2); // distinct ids although both are named 'tour'
    const results = files.map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as Result);
    const byFormat = Object.fromEntries(results.map((r) => [(r.target as { format: string }).format, r]));
    expect(byFormat['k6']?.target).toMatchObject({ files: [`${FIXTURES}/k6-out.ndjson`, k6b] });
    expect(byFormat['k6']?.trials).toBe(2);
    expect(byFormat['fortio']?.summary.requests).toBe(3000);
    for (const f of files) expect(mixed.stdout).toContain(join(out, f));
    const json = await runCli(['import', `${FIXTURES}/k6-out.ndjson`, `${FIXTURES}/fortio-result.json`, '--out', join(dir, 'mixed-json'), '--json']);
    expect((JSON.parse(json.stdout) as Result[]).map((r) => (r.target as { format: string }).format)).toEqual(['k6', 'fortio']);
  });

  it('usage and input errors: missing file 3, unknown format 3 (before anything is saved), bad label 2', async () => {
    const early = await runCli(['import', `${FIXTURES}/k6-out.ndjson`, `${FIXTURES}/k6-summary.json`, '--out', join(dir, 'early')]);
    expect(early.code).toBe(3);
    expect(() => readdirSync(join(dir, 'early'))).toThrow();
    const missing = await runCli(['import', join(dir, 'nope.ndjson'), '--out', join(dir, 'missing')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('file not found');
    const summary = join(dir, 'summary.json');
    copyFileSync(`${FIXTURES}/k6-summary.json`, summary);
    const wrong = await runCli(['import', summary, '--out', join(dir, 'wrong')]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('k6 end-of-test summary');
    const label = await runCli(['import', `${FIXTURES}/k6-out.ndjson`, '--label', 'novalue']);
    expect(label.code).toBe(2);
  });
});
