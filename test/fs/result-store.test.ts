import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError, InvalidInputError, UsageError } from '../../src/errors.js';
import { createFileResultStore, type ResultStoreFs } from '../../src/fs/result-store.js';
import { nodeResultStoreFs } from '../../src/fs/result-store-fs.js';
import type { Result } from '../../src/model/result.js';
import { buildResult } from '../support/results.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/results');
let dir: string;
let result: Result;

beforeAll(() => {
  result = buildResult({ id: '20261123-214500-failover-3fa2c1', ratePerS: 20 });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbench-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** Writes text as a result file and loads it, returning the InvalidInputError. */
async function loadInvalid(text: string, name = 'bad.json'): Promise<InvalidInputError> {
  await writeFile(join(dir, name), text);
  const err = await failure(createFileResultStore(dir, { cwd: dir }).load(name));
  expect(err).toBeInstanceOf(InvalidInputError);
  return err as InvalidInputError;
}

describe('save', () => {
  it('creates the directory and writes <id>.json with stable 2-space JSON and sorted data keys', async () => {
    const store = createFileResultStore(join(dir, 'nested', 'results'));
    const shuffled: Result = { ...result, histograms: Object.fromEntries(Object.entries(result.histograms).reverse()) };
    const path = await store.save(shuffled);
    expect(path).toBe(join(dir, 'nested', 'results', `${result.id}.json`));
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('{\n  "schema": "meshbench.dev/result/v2",\n  "id": ')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    const keys = Object.keys((JSON.parse(text) as Result).histograms);
    expect(keys).toEqual([...keys].sort());
    // Same result, same bytes.
    await store.save(result);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await store.load(result.id)).toEqual(JSON.parse(text));
  });

  it('leaves neither a temp file nor a partial result when a write dies half-way', async () => {
    const halfWrite: ResultStoreFs = {
      ...nodeResultStoreFs,
      async openForWrite(path) {
        const real = await nodeResultStoreFs.openForWrite(path);
        return {
          async write(text) {
            await real.write(text.slice(0, text.length / 2));
            throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
          },
          sync: () => real.sync(),
          close: () => real.close(),
        };
      },
    };
    const err = await failure(createFileResultStore(dir, { fs: halfWrite }).save(result));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).message).toContain('write failed (ENOSPC)');
    expect(await readdir(dir)).toEqual([]);
  });

  it.each(['sync', 'rename'] as const)('cleans up when %s fails', async (step) => {
    const fs: ResultStoreFs = {
      ...nodeResultStoreFs,
      async openForWrite(path) {
        const real = await nodeResultStoreFs.openForWrite(path);
        return step === 'sync' ? { ...real, sync: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) } : real;
      },
      rename: step === 'rename' ? () => Promise.reject(Object.assign(new Error('EXDEV'), { code: 'EXDEV' })) : nodeResultStoreFs.rename,
    };
    await expect(createFileResultStore(dir, { fs }).save(result)).rejects.toThrow(EnvironmentError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes through a temp file in the same directory, then renames it', async () => {
    const calls: string[] = [];
    const fs: ResultStoreFs = {
      ...nodeResultStoreFs,
      openForWrite: (path) => (calls.push(`open ${path.slice(dir.length + 1)}`), nodeResultStoreFs.openForWrite(path)),
      rename: (from, to) => (calls.push(`rename ${from.slice(dir.length + 1)} ${to.slice(dir.length + 1)}`), nodeResultStoreFs.rename(from, to)),
      syncDir: (d) => (calls.push(`syncDir ${d === dir}`), nodeResultStoreFs.syncDir(d)),
    };
    await createFileResultStore(dir, { fs, tempSuffix: () => '1-ab' }).save(result);
    const tmp = `.${result.id}.json.tmp-1-ab`;
    expect(calls).toEqual([`open ${tmp}`, `rename ${tmp} ${result.id}.json`, 'syncDir true']);
  });

  it('refuses to write an invalid result (a writer bug) and writes nothing', async () => {
    const broken = { ...result, summary: { ...result.summary, requests: -1 } };
    await expect(createFileResultStore(dir).save(broken)).rejects.toThrow(/refusing to write an invalid result .*summary\.requests/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('round-trips a refuted goodness of fit (chiSquare Infinity is stored as null)', async () => {
    const refuted: Result = structuredClone(result);
    refuted.summary.distributionTest = { phase: 'before', expected: { v1: 1, v2: 0 }, chiSquare: Infinity, df: 0, pValue: 0 };
    const store = createFileResultStore(dir);
    await store.save(refuted);
    expect((await store.load(refuted.id)).summary.distributionTest?.chiSquare).toBe(Infinity);
  });
});

describe('load', () => {
  it('accepts a path relative to cwd, an id, or a unique id prefix', async () => {
    const store = createFileResultStore('results', { cwd: dir });
    await store.save(result);
    expect((await store.load(`results/${result.id}.json`)).id).toBe(result.id);
    expect((await store.load(result.id)).id).toBe(result.id);
    expect((await store.load(`${result.id}.json`)).id).toBe(result.id);
    expect((await store.load('20261123-2145')).id).toBe(result.id);
  });

  it('refuses an ambiguous id prefix with a usage error listing the matches', async () => {
    const store = createFileResultStore(dir);
    await store.save(result);
    await store.save({ ...result, id: '20261123-214500-failover-000000' });
    const err = await failure(store.load('20261123-2145'));
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain('matches 2 results');
  });

  it('reports a missing result as exit 3 with a hint to list results', async () => {
    const err = await failure(createFileResultStore('results', { cwd: dir }).load('20990101-000000-nope-abcdef'));
    expect(err).toBeInstanceOf(InvalidInputError);
    const e = err as InvalidInputError;
    expect(e.exitCode).toBe(3);
    expect(e.problems[0]?.message).toMatch(/^result not found \(looked for 20990101-000000-nope-abcdef, results\/20990101-000000-nope-abcdef\.json\)$/);
    expect(e.hint).toContain('meshbench list');
  });

  it('reports a truncated file with the line and column where it ends', async () => {
    const text = `${JSON.stringify(result, null, 2)}\n`;
    const cut = text.slice(0, Math.floor(text.length / 2));
    const err = await loadInvalid(cut);
    const p = err.problems[0]!;
    expect(p.message).toMatch(/^truncated JSON: /);
    expect(p.file).toBe('bad.json');
    expect(p.line).toBe(cut.split('\n').length);
    expect(err.problems[0]?.hint).toContain('ends too early');
  });

  it('reports a hand-edited field with its path, line and column', async () => {
    const text = JSON.stringify(result, null, 2).replace('"requests": 1200,', '"requests": "1200",');
    const err = await loadInvalid(text);
    expect(err.problems).toHaveLength(1);
    const p = err.problems[0]!;
    expect(p.path).toBe('summary.requests');
    expect(p.message).toBe('expected a number, got "1200"');
    const line = text.split('\n').findIndex((l) => l.includes('"requests": "1200"')) + 1;
    expect([p.line, p.col]).toEqual([line, 17]);
  });

  it('lists every problem of a file, including inconsistent series', async () => {
    const edited: Record<string, unknown> = structuredClone(result) as unknown as Record<string, unknown>;
    const summary = edited['summary'] as Record<string, unknown>;
    delete summary['errorRate'];
    (summary['distribution'] as Record<string, { share: number }>)['v1']!.share = 1.7;
    (edited['series'] as { errors: number[] }).errors.pop();
    const err = await loadInvalid(JSON.stringify(edited, null, 2));
    expect(err.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(
      expect.arrayContaining([
        'summary.errorRate: missing required field "errorRate"',
        'summary.distribution.v1.share: share must be ≤ 1, got 1.7',
        'series.errors: has 59 buckets but series.requests has 60',
      ]),
    );
  });

  it('names a newer schema and the supported ones instead of listing field errors', async () => {
    const err = await loadInvalid(JSON.stringify({ ...result, schema: 'meshbench.dev/result/v3', summary: 'whatever' }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.message).toBe('result schema meshbench.dev/result/v3 is not supported by meshbench 0.1.0; supported: meshbench.dev/result/v1, meshbench.dev/result/v2');
    expect(err.problems[0]?.hint).toContain('newer meshbench');
    expect(err.problems[0]?.path).toBe('schema');
  });

  it('says when a file is not a meshbench result at all', async () => {
    const err = await loadInvalid(JSON.stringify({ apiVersion: 'meshbench.dev/v1alpha1', kind: 'Scenario' }));
    expect(err.problems[0]?.message).toContain('this is not a meshbench result');
    const foreign = await loadInvalid(JSON.stringify({ schema: 'k6/summary' }), 'k6.json');
    expect(foreign.problems[0]?.message).toContain('"k6/summary" is not a meshbench result schema');
  });

  it('still reads the result file meshbench 0.1.0 wrote (schema v1)', async () => {
    const store = createFileResultStore(fixtures);
    const loaded = await store.load('20261123-214500-failover-3fa2c1');
    expect(loaded.summary.requests).toBe(600);
    expect(loaded.summary.failover?.fault).toBe('fault');
  });
});

describe('list', () => {
  it('lists results newest first and reports unreadable files without failing', async () => {
    const store = createFileResultStore(dir);
    await store.save({ ...result, id: 'a-older', startedAt: '2026-11-22T10:00:00.000Z' });
    await store.save({ ...result, id: 'b-newest', startedAt: '2026-11-24T10:00:00.000Z' });
    await store.save({ ...result, id: 'c-middle', startedAt: '2026-11-23T10:00:00+02:00' });
    await writeFile(join(dir, 'broken.json'), '{"schema": "meshbench.dev/result/v2", ');
    await writeFile(join(dir, '.x.json.tmp-1-ab'), 'partial');
    await writeFile(join(dir, 'notes.txt'), 'not a result');
    const { results, unreadable } = await store.list();
    expect(results.map((r) => r.result.id)).toEqual(['b-newest', 'c-middle', 'a-older']);
    expect(unreadable).toEqual([{ path: join(dir, 'broken.json'), reason: expect.stringMatching(/^1:\d+ truncated JSON/) as unknown as string }]);
  });

  it('lists nothing when the directory does not exist', async () => {
    expect(await createFileResultStore(join(dir, 'none')).list()).toEqual({ results: [], unreadable: [] });
  });
});
