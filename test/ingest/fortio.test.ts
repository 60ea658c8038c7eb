import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { parseFortio } from '../../src/ingest/fortio.js';
import { fortioMeasures } from '../../src/ingest/fortio-measures.js';
import { mergeTrials } from '../../src/measure/merge.js';

const TEXT = readFileSync(new URL('../fixtures/imports/fortio-result.json', import.meta.url), 'utf8');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInputError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('parseFortio', () => {
  it('reads the load parameters, status counts and duration buckets', () => {
    const run = parseFortio(TEXT, 'fortio-result.json');
    expect(run.requestedQps).toBe(50);
    expect(run.threads).toBe(4);
    expect(run.durationUs).toBeCloseTo(60_004_183.211, 3);
    expect(run.statusCodes).toEqual({ '200': 2963, '503': 37 });
    expect(run.count).toBe(3000);
    expect(run.buckets.reduce((s, b) => s + b.count, 0)).toBe(3000);
    expect(run.startEpochUs).toBe(Date.parse('2026-08-21T10:15:00.182Z') * 1000 + 734);
  });

  it('maps socket errors (-1) to status 0 and "max" to a closed model', () => {
    const doc = JSON.parse(TEXT) as Record<string, unknown>;
    doc['RetCodes'] = { '200': 10, '-1': 2 };
    doc['RequestedQPS'] = 'max';
    const run = parseFortio(JSON.stringify(doc), 'x.json');
    expect(run.statusCodes).toEqual({ '0': 2, '200': 10 });
    expect(run.requestedQps).toBeNull();
    expect(fortioMeasures(run).load).toMatchObject({ model: 'closed', concurrency: 4 });
  });

  it('lists every missing or mistyped field', () => {
    const doc = JSON.parse(TEXT) as Record<string, unknown>;
    delete doc['StartTime'];
    doc['NumThreads'] = 'four';
    doc['DurationHistogram'] = { Count: 1, Data: [{ Start: 0.1, End: 0.05, Count: 1 }] };
    expect(problemsOf(() => parseFortio(JSON.stringify(doc), 'x.json'))).toEqual([
      'StartTime: missing or not an RFC 3339 time',
      'NumThreads: missing or not a positive integer',
      'DurationHistogram.Data[0]: bucket with a negative count or End before Start',
    ]);
  });

  it('refuses gRPC results and non-JSON', () => {
    const doc = JSON.parse(TEXT) as Record<string, unknown>;
    doc['RunType'] = 'GRPC';
    doc['RetCodes'] = { SERVING: 100 };
    const problems = problemsOf(() => parseFortio(JSON.stringify(doc), 'x.json'));
    expect(problems[0]).toMatch(/RunType "GRPC" is not supported/);
    expect(problems[1]).toMatch(/RetCodes.SERVING/);
    expect(problemsOf(() => parseFortio('{"RunType": "HTTP",', 'x.json'))[0]).toMatch(/not valid JSON/);
  });
});

describe('fortio measures', () => {
  const merged = mergeTrials([fortioMeasures(parseFortio(TEXT, 'fortio-result.json'))]);
  const s = merged.summary;

  it('counts 3000 calls, 37 errors, no attribution', () => {
    expect(s.requests).toBe(3000);
    expect(s.errors).toBe(37);
    expect(s.statusCodes).toEqual({ '200': 2963, '503': 37 });
    expect(s.distribution).toEqual({});
    expect(s.locality).toBeNull();
    // -qps 50 with 4 threads: each thread waits for its answer before its next paced call (closed).
    expect(s.load).toEqual({ model: 'closed', concurrency: 4, ratePerS: 50, durationMs: 60_004.183211, resolutionMs: 20 });
    expect(merged.series.requests).toEqual([]);
  });

  it('rebuilds the latency histogram within fortio bucket resolution', () => {
    expect(s.latencyMs.count).toBe(3000);
    // fortio's own percentiles (linear interpolation in its buckets): p50 4.89 ms, p90 24.0 ms, p99 29.8 ms
    expect(s.latencyMs.p50).toBeGreaterThan(4);
    expect(s.latencyMs.p50).toBeLessThan(5);
    expect(s.latencyMs.p90).toBeGreaterThan(20);
    expect(s.latencyMs.p90).toBeLessThan(25);
    expect(s.latencyMs.p99).toBeGreaterThan(25);
    expect(s.latencyMs.p99).toBeLessThan(30.1);
    expect(s.latencyMs.max).toBeLessThan(903);
    expect(s.latencyMs.mean).toBeCloseTo(14.05, 0);
  });
});

describe('fortio: exact figures and out-of-range files', () => {
  it("keeps the file's exact Min, Max, Avg and Count; percentiles are marked as bucket-limited", () => {
    const summary = mergeTrials([fortioMeasures(parseFortio(TEXT, 'f.json'))]).summary;
    // DurationHistogram.Max 0.9028895612741117 s and Avg 0.01404834765083442 s, not bucket midpoints.
    expect(summary.latencyMs.max).toBeCloseTo(902.8895612741117, 9);
    expect(summary.latencyMs.mean).toBeCloseTo(14.04834765083442, 9);
    expect(summary.latencyBuckets).toMatchObject({ tool: 'fortio', exact: { count: 3000 } });
    expect(summary.latencyBuckets!.exact!.minMs).toBeCloseTo(0.20301774598066412, 9);
  });

  function located(doc: Record<string, unknown>): Array<{ path: string; line?: number; col?: number; message: string }> {
    const text = JSON.stringify(doc, null, 2);
    try {
      parseFortio(text, 'x.json');
    } catch (err) {
      if (err instanceof InvalidInputError) return err.problems.map((p) => ({ path: p.path, line: p.line, col: p.col, message: p.message }));
      throw err;
    }
    return [];
  }

  it('refuses a bucket count of 1e15 with file:line:col', () => {
    const doc = JSON.parse(TEXT) as { DurationHistogram: { Data: Array<{ Count: number }> } };
    doc.DurationHistogram.Data[1]!.Count = 1e15;
    const [p] = located(doc as unknown as Record<string, unknown>);
    expect(p).toMatchObject({ path: 'DurationHistogram.Data[1]', message: expect.stringContaining('Count 1000000000000000') as unknown as string });
    const lines = JSON.stringify(doc, null, 2).split('\n');
    expect(lines[p!.line! - 1]![p!.col! - 1]).toBe('{');
  });

  it('refuses an empty Data when Count says there were calls', () => {
    const doc = JSON.parse(TEXT) as { DurationHistogram: { Data: unknown[] } };
    doc.DurationHistogram.Data = [];
    const [p] = located(doc as unknown as Record<string, unknown>);
    expect(p).toMatchObject({ path: 'DurationHistogram.Data', message: 'empty Data, but Count says 3000 calls: no latency can be read' });
    expect(p!.line).toBeGreaterThan(1);
  });
});
