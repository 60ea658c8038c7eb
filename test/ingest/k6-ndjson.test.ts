import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createK6Parser } from '../../src/ingest/k6-ndjson.js';
import type { Sample } from '../../src/model/sample.js';

const FIXTURE = new URL('../fixtures/imports/k6-out.ndjson', import.meta.url);

function parse(text: string) {
  const samples: Sample[] = [];
  const parser = createK6Parser((s) => samples.push({ ...s }));
  text.split('\n').forEach((line, i) => parser.line(line, i + 1));
  const stats = parser.end();
  samples.sort((a, b) => a.endUs - b.endUs);
  return { samples, stats };
}

const TAGS = '"group":"","method":"GET","name":"http://helloworld.sample:5000/hello","proto":"HTTP/1.1","scenario":"failover"';

/** The ~15 lines k6 writes for one iteration of the fixtures' script. */
function iteration(t: string, durationMs: number, status: number, version?: string, vu?: number): string[] {
  const tags = `{"expected_response":"${status === 200}",${TAGS},"status":"${status}","url":"http://helloworld.sample:5000/hello"}`;
  const meta = vu === undefined ? '' : `,"metadata":{"vu":"${vu}"}`;
  const point = (metric: string, value: number) => `{"metric":"${metric}","type":"Point","data":{"time":"${t}","value":${value},"tags":${tags}${meta}}}`;
  const lines = [
    point('http_reqs', 1),
    point('http_req_duration', durationMs),
    ...['http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving'].map((m) => point(m, 0.1)),
    point('http_req_failed', status === 200 ? 0 : 1),
    `{"metric":"checks","type":"Point","data":{"time":"${t}","value":1,"tags":{"check":"status is 200","group":"","scenario":"failover"}}}`,
  ];
  if (version !== undefined) {
    lines.push(`{"metric":"helloworld_responses","type":"Point","data":{"time":"${t}","value":1,"tags":{"group":"","scenario":"failover","version":"${version}"}${meta}}}`);
  }
  lines.push(`{"metric":"iterations","type":"Point","data":{"time":"${t}","value":1,"tags":{"group":"","scenario":"failover"}}}`);
  return lines;
}

describe('k6 NDJSON parser on the fixture', () => {
  const { samples, stats } = parse(readFileSync(FIXTURE, 'utf8').replace(/\n$/, ''));

  it('finds every request with its status and version', () => {
    // The fixture holds 5 HTTP requests (two v1, one 503 without a version, two v2) and one dropped iteration.
    expect(samples.map((s) => [s.status, s.version])).toEqual([
      [200, 'v1'],
      [200, 'v1'],
      [503, undefined],
      [200, 'v2'],
      [200, 'v2'],
    ]);
    expect(stats.requests).toBe(5);
    expect(stats.droppedIterations).toBe(1);
    expect(stats.httpReqFailed).toBe(1);
    expect(stats.versionPoints).toBe(4);
    expect(stats.unattributedVersionPoints).toBe(0);
    expect(stats.malformed).toBe(0);
    expect(stats.scenario).toBe('failover');
    expect(stats.maxVus).toBe(12);
  });

  it('times requests in µs from the first point: scheduled = end − duration', () => {
    // first Point at 10:15:00.001084911; the slow v2 request ended at 10:15:30.687071304 after 525.833797 ms
    const slow = samples[3]!;
    expect(slow.endUs).toBe(Math.round(30_687_071.304 - 1084.911));
    expect(Math.abs(slow.endUs - slow.scheduledUs - 525_833.797)).toBeLessThanOrEqual(1);
    expect(slow.startUs).toBe(slow.scheduledUs);
    expect(samples[0]!.endUs - samples[0]!.scheduledUs).toBe(2569);
  });

  it('counts declarations and points it does not use', () => {
    expect(stats.lines).toBe(104);
    expect(stats.metricLines).toBe(18);
    expect(stats.points).toBe(104 - 18);
    expect(stats.otherMetrics).toEqual([]);
    expect(stats.firstEpochUs).toBe(Date.parse('2026-08-21T10:15:00.001Z') * 1000 + 84);
  });
});

describe('k6 NDJSON parser: damage and variants', () => {
  it('counts malformed lines without stopping: truncated, not JSON, unknown envelope type', () => {
    const lines = [
      ...iteration('2026-08-21T10:15:00.1Z', 3, 200, 'v1'),
      '{"metric":"http_req_waiting","type":"Point","data":{"time":"2026-08-21T10:15:0',
      'this is not json',
      '{"type":"Snapshot","data":{}}',
      '{"metric":"http_req_duration","type":"Point","data":{"time":"not a time","value":3,"tags":{}}}',
      '',
      ...iteration('2026-08-21T10:15:00.2Z', 4, 200, 'v2'),
    ];
    const { samples, stats } = parse(lines.join('\n'));
    expect(samples.map((s) => s.version)).toEqual(['v1', 'v2']);
    expect(stats.malformed).toBe(4);
    expect(stats.blank).toBe(1);
    expect(stats.firstMalformed.map((m) => m.line)).toEqual([13, 14, 15, 16]);
    expect(stats.firstMalformed.map((m) => m.reason)).toEqual([
      'truncated line',
      'not JSON',
      'unknown envelope type "Snapshot" (expected "Point" or "Metric")',
      'http_req_duration Point without an RFC 3339 time and a numeric value',
    ]);
  });

  it('accepts the older key order, CRLF line ends, null tags and offsets', () => {
    const lines = [
      '{"type":"Point","data":{"time":"2026-08-21T12:15:00.5+02:00","value":12.5,"tags":{"status":"200","version":"v3","instance":"helloworld-v3-abc","cluster":"c3"}},"metric":"http_req_duration"}\r',
      '{"type":"Point","data":{"time":"2026-08-21T10:15:00.9Z","value":1,"tags":null},"metric":"vus"}\r',
      '{"type":"Point","data":{"time":"2026-08-21T10:15:01Z","value":1000,"tags":{"status":"0","error":"dial tcp: i/o timeout"}},"metric":"http_req_duration"}',
    ];
    const { samples, stats } = parse(lines.join('\n'));
    expect(stats.malformed).toBe(0);
    // The clock starts at the earliest request start (10:15:00.0 = 10:15:01 − 1000 ms), not at the
    // first Point (10:15:00.5): no start is clamped, no latency is cut.
    expect(samples[0]).toMatchObject({ status: 200, version: 'v3', instance: 'helloworld-v3-abc', cluster: 'c3', endUs: 500_000, scheduledUs: 487_500 });
    expect(samples[1]).toMatchObject({ status: 0, endUs: 1_000_000, scheduledUs: 0 });
    expect(stats.clampedStarts).toBe(0);
    expect(stats.originBackUs).toBe(500_000);
  });

  it('guesses the status from expected_response when the status tag is disabled', () => {
    const line = '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-08-21T10:15:00Z","value":5,"tags":{"expected_response":"false"}}}';
    const { samples, stats } = parse(line);
    expect(samples[0]!.status).toBe(0);
    expect(stats.statusGuessed).toBe(1);
  });

  it('correlates versions in a long stream with interleaved VUs (thousands of lines)', () => {
    // 2000 iterations from 4 VUs; each VU's version point comes after another VU's request ended.
    const lines: string[] = [];
    const expected = new Map<number, string>();
    for (let i = 0; i < 2000; i++) {
      const ms = 100 + i * 10;
      const t = `2026-08-21T10:${String(15 + Math.floor(ms / 60_000)).padStart(2, '0')}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}Z`;
      const status = i % 97 === 0 ? 503 : 200;
      const version = status === 200 ? (i % 3 === 0 ? 'v2' : 'v1') : undefined;
      if (version !== undefined) expected.set(ms * 1000, version);
      lines.push(...iteration(t, 2 + (i % 5), status, version, i % 4));
    }
    expect(lines.length).toBeGreaterThan(20_000);
    const { samples, stats } = parse(lines.join('\n'));
    expect(stats.requests).toBe(2000);
    expect(samples).toHaveLength(2000);
    expect(samples.filter((s) => s.status === 503)).toHaveLength(21);
    expect(stats.unattributedVersionPoints).toBe(0);
    // The clock starts at the first request's start: 100 ms − its 2 ms.
    const t0 = 98_000;
    for (const s of samples) if (s.status === 200) expect(s.version).toBe(expected.get(s.endUs + t0));
  });
});

describe('k6 import: pairing, groups, junk and out-of-range values', () => {
  const point = (metric: string, time: string, value: number, tags: Record<string, string>, meta?: Record<string, string>) =>
    JSON.stringify({ metric, type: 'Point', data: { time, value, tags, ...(meta ? { metadata: meta } : {}) } });

  it('pairs exactly by vu and iter when k6 writes them, even when another VU ended in between', () => {
    const lines = [
      point('http_req_duration', '2026-08-21T10:15:00.100Z', 5, { status: '200', scenario: 's' }, { vu: '1', iter: '0' }),
      point('http_req_duration', '2026-08-21T10:15:00.101Z', 5, { status: '200', scenario: 's' }, { vu: '2', iter: '0' }),
      point('helloworld_responses', '2026-08-21T10:15:00.102Z', 1, { version: 'v1', scenario: 's' }, { vu: '1', iter: '0' }),
      point('helloworld_responses', '2026-08-21T10:15:00.103Z', 1, { version: 'v2', scenario: 's' }, { vu: '2', iter: '0' }),
    ];
    const { samples, stats } = parse(lines.join('\n'));
    expect(stats).toMatchObject({ pairedExact: 2, pairedNearest: 0, unattributedVersionPoints: 0 });
    // Nearest-in-time pairing would have given v1 to VU 2's request.
    expect(samples.map((s) => s.version)).toEqual(['v1', 'v2']);
  });

  it('attributes a request made inside group() to a version counted outside it', () => {
    const lines = [
      point('http_req_duration', '2026-08-21T10:15:00.100Z', 5, { status: '200', scenario: 's', group: '::hello' }),
      point('helloworld_responses', '2026-08-21T10:15:00.101Z', 1, { version: 'v2', scenario: 's', group: '' }),
    ];
    const { samples, stats } = parse(lines.join('\n'));
    expect(stats.unattributedVersionPoints).toBe(0);
    expect(samples[0]!.version).toBe('v2');
  });

  it('flags durations of 1e300 or -5 with line:col and keeps them out of the data', () => {
    const good = point('http_req_duration', '2026-08-21T10:15:00.100Z', 5, { status: '200' });
    const lines = [good, point('http_req_duration', '2026-08-21T10:15:00.200Z', 1e300, { status: '200' }), point('http_req_duration', '2026-08-21T10:15:00.300Z', -5, { status: '200' })];
    const { samples, stats } = parse(lines.join('\n'));
    expect(samples).toHaveLength(1);
    expect(stats.outOfRange).toBe(2);
    expect(stats.firstMalformed[0]).toEqual({ line: 2, col: lines[1]!.indexOf('"value":') + 9, reason: 'http_req_duration value 1e+300 ms is out of range (0 … 3600000 ms)' });
    expect(stats.firstMalformed[1]!.line).toBe(3);
  });
});
