import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { detectImportFormat } from '../../src/ingest/detect.js';
import { checkK6Stats, k6LoadSummary } from '../../src/ingest/k6-check.js';
import { newK6Stats } from '../../src/ingest/k6-stats.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/imports/${name}`, import.meta.url), 'utf8');

describe('detectImportFormat', () => {
  it('tells k6 NDJSON from fortio JSON by content', () => {
    expect(detectImportFormat(fixture('k6-out.ndjson'), 'a')).toBe('k6');
    expect(detectImportFormat(fixture('fortio-result.json'), 'b')).toBe('fortio');
    expect(detectImportFormat('{"type":"Point","data":{},"metric":"x"}\n', 'c')).toBe('k6');
    expect(detectImportFormat('{"metric":"http_req_durat', 'd')).toBe('k6');
  });

  it('refuses k6 summaries, empty and unknown files with a hint', () => {
    for (const [text, message] of [
      [fixture('k6-summary.json'), /end-of-test summary/],
      [fixture('k6-summary-export.json'), /end-of-test summary/],
      ['', /empty/],
      ['hello world\n', /not a k6/],
    ] as const) {
      let err: unknown;
      try {
        detectImportFormat(text, 'f.json');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).problems[0]!.message).toMatch(message);
    }
  });
});

describe('checkK6Stats', () => {
  it('refuses a file where fewer than 1 line in 20 is k6 output, naming the first bad lines with line:col', () => {
    const stats = { ...newK6Stats(), lines: 100, points: 4, requests: 2, malformed: 96, firstMalformed: [{ line: 3, reason: 'not JSON' }, { line: 4, col: 12, reason: 'truncated line' }] };
    let err: InvalidInputError | undefined;
    try {
      checkK6Stats(stats, 'bad.ndjson');
    } catch (e) {
      err = e as InvalidInputError;
    }
    expect(err?.exitCode).toBe(3);
    expect(err?.problems.map((p) => [p.file, p.line, p.col, p.message])).toEqual([
      ['bad.ndjson', undefined, undefined, 'only 4 of 100 lines are k6 JSON output (fewer than 1 in 20): probably not a k6 `--out json` file'],
      ['bad.ndjson', 3, 1, 'not JSON'],
      ['bad.ndjson', 4, 12, 'truncated line'],
    ]);
  });

  it('reads a file that is mostly junk when 1 line in 20 or more is k6 output (kubectl logs with --http-debug)', () => {
    expect(() => checkK6Stats({ ...newK6Stats(), lines: 100, points: 5, requests: 1, malformed: 95 }, 'f')).not.toThrow();
    expect(() => checkK6Stats({ ...newK6Stats(), lines: 100, points: 30, requests: 3, malformed: 70 }, 'f')).not.toThrow();
  });

  it('refuses a file without requests, accepts a few bad lines', () => {
    let err: InvalidInputError | undefined;
    try {
      checkK6Stats({ ...newK6Stats(), lines: 3, requests: 0 }, 'f');
    } catch (e) {
      err = e as InvalidInputError;
    }
    expect(err?.problems[0]!.message).toMatch(/no http_req_duration Point in 3 lines/);
    expect(() => checkK6Stats({ ...newK6Stats(), lines: 10, points: 5, requests: 5, malformed: 5 }, 'f')).not.toThrow();
  });

  it('infers the load model', () => {
    expect(k6LoadSummary({ ...newK6Stats(), requests: 98, droppedIterations: 2 }, 2_000_000).load).toEqual({ model: 'open', ratePerS: 50, durationMs: 2000, resolutionMs: 20 });
    expect(k6LoadSummary({ ...newK6Stats(), requests: 11, maxVus: 3 }, 1_000_000).load).toEqual({ model: 'closed', concurrency: 3, durationMs: 1000, resolutionMs: 100 });
  });
});

describe('detectImportFormat: leading junk', () => {
  it('reads k6 NDJSON after junk lines (the k6 reader skips and counts them)', () => {
    const text = 'Running k6…\nsome banner\n{"metric":"http_req_duration","type":"Point","data":{"time":"2026-08-21T10:15:00Z","value":5,"tags":{}}}\n';
    expect(detectImportFormat(text, 'x.ndjson')).toBe('k6');
  });

  it('reads k6 NDJSON after JSON log lines (k6 --log-format json in kubectl logs)', () => {
    const text = '{"level":"info","msg":"Starting test","time":"2026-08-21T10:15:00Z"}\n{"metric":"http_req_duration","type":"Point","data":{"time":"2026-08-21T10:15:00Z","value":5,"tags":{}}}\n';
    expect(detectImportFormat(text, 'x.ndjson')).toBe('k6');
  });
});
