/**
 * Issue 14: "A k6 constant-arrival-rate run is called 'closed, concurrency 7' when it dropped no
 * iterations." The model is read from the request starts: an arrival-rate schedule starts one
 * iteration every 1/rate whatever the responses take; a closed VU starts its next one when the
 * previous ends.
 */
import { describe, expect, it } from 'vitest';
import { importFiles, type ImportOptions, type ImportSource } from '../../src/app/import.js';
import type { Progress } from '../../src/app/ports.js';
import { K6StartSampler } from '../../src/ingest/k6-load-shape.js';

/** Deterministic response times (ms) between 3 and ~80, varying request to request. */
function responseMs(i: number): number {
  return 3 + ((i * 7919) % 97) * 0.8;
}

/** Starts (µs) of an arrival-rate run: one every 1e6/rate µs, a few µs late. */
function openStarts(n: number, ratePerS: number): Array<[number, number]> {
  return Array.from({ length: n }, (_, i) => [Math.round((i * 1e6) / ratePerS) + ((i * 31) % 40), responseMs(i) * 1000] as [number, number]);
}

/** Starts (µs) of `vus` closed VUs with no think time: each starts when its previous request ended. */
function closedStarts(n: number, vus: number): Array<[number, number]> {
  const next = Array.from({ length: vus }, (_, v) => v * 100);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const v = i % vus;
    const d = responseMs(i) * 1000;
    out.push([next[v]!, d]);
    next[v]! += d + 50;
  }
  return out;
}

function shapeOf(samples: Array<[number, number]>) {
  const s = new K6StartSampler();
  for (const [start, d] of samples) s.record(start, d);
  return s.shape();
}

describe('K6StartSampler', () => {
  it('an arrival-rate schedule that kept up is open, at its rate', () => {
    const shape = shapeOf(openStarts(600, 10));
    expect(shape.kind).toBe('open-schedule');
    if (shape.kind === 'open-schedule') expect(shape.ratePerS).toBeCloseTo(10, 1);
  });

  it('closed VUs (1 and 7) are irregular: starts follow response times', () => {
    expect(shapeOf(closedStarts(600, 1)).kind).toBe('irregular');
    expect(shapeOf(closedStarts(600, 7)).kind).toBe('irregular');
  });

  it('even starts with even response times cannot be told apart, and few requests are not judged', () => {
    expect(shapeOf(Array.from({ length: 100 }, (_, i) => [i * 20_000, 15_000] as [number, number])).kind).toBe('ambiguous');
    expect(shapeOf(openStarts(10, 10))).toEqual({ kind: 'too-few', requests: 10 });
  });
});

const TAGS = '"group":"","method":"GET","name":"http://helloworld.sample:5000/hello","proto":"HTTP/1.1","scenario":"default","status":"200","expected_response":"true"';

/** k6 --out json lines of a constant-arrival-rate run at 10 req/s with 7 VUs that dropped nothing. */
function arrivalRateFile(n: number): string {
  const t0 = Date.UTC(2026, 7, 21, 10, 15, 0);
  const lines = ['{"metric":"vus","type":"Point","data":{"time":"2026-08-21T10:15:00.000000000Z","value":7,"tags":{}}}'];
  for (const [startUs, durationUs] of openStarts(n, 10)) {
    const end = new Date(t0 + (startUs + durationUs) / 1000).toISOString();
    const point = (metric: string, value: number) => `{"metric":"${metric}","type":"Point","data":{"time":"${end}","value":${value},"tags":{${TAGS}}}}`;
    lines.push(point('http_reqs', 1), point('http_req_duration', durationUs / 1000), point('http_req_failed', 0));
  }
  return `${lines.join('\n')}\n`;
}

function memorySource(name: string, text: string): ImportSource {
  return {
    name,
    sizeBytes: text.length,
    head: (n) => Promise.resolve(text.slice(0, n)),
    forEachLine: (onLine) => {
      text.split('\n').forEach((l, i) => onLine(l, i + 1));
      return Promise.resolve();
    },
    text: () => Promise.resolve(text),
  };
}

const quiet: Progress = { update: () => undefined, note: () => undefined, done: () => undefined };
const OPTS: ImportOptions = { labels: {}, toolVersion: '0.1.0', makeId: (s) => `20260821-101500-${s}-000000`, sha256: () => '0'.repeat(64) };

describe('import of a constant-arrival-rate run that dropped nothing', () => {
  it('is an open model at 10 req/s, not "closed, concurrency 7", and the notes say it was inferred', async () => {
    const out = await importFiles([memorySource('car.ndjson', arrivalRateFile(200))], OPTS, { progress: quiet });
    expect(out.result.summary.load.model).toBe('open');
    expect(out.result.summary.load.ratePerS).toBeCloseTo(10, 1);
    expect(out.notes.join('\n')).toMatch(/open model \(inferred\): requests start every 100\.\d+ ms/);
  });
});
