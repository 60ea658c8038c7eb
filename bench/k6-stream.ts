/**
 * Writes a k6 `--out json` stream of at least `bytes` bytes: Metric declarations once, then one
 * iteration (16 Point lines, the shape of k6 v2 with the meshbench script's custom counter) per
 * request at 100 req/s, v1/v2 answers and a few 503s. Generated on the fly, never committed.
 */
import { createWriteStream } from 'node:fs';

const METRICS = [
  ['http_reqs', 'counter', 'default'],
  ['http_req_duration', 'trend', 'time'],
  ['http_req_blocked', 'trend', 'time'],
  ['http_req_connecting', 'trend', 'time'],
  ['http_req_tls_handshaking', 'trend', 'time'],
  ['http_req_sending', 'trend', 'time'],
  ['http_req_waiting', 'trend', 'time'],
  ['http_req_receiving', 'trend', 'time'],
  ['http_req_failed', 'rate', 'default'],
  ['checks', 'rate', 'default'],
  ['helloworld_responses', 'counter', 'default'],
  ['data_sent', 'counter', 'data'],
  ['data_received', 'counter', 'data'],
  ['iteration_duration', 'trend', 'time'],
  ['iterations', 'counter', 'default'],
] as const;

function stamp(baseMs: number, offsetUs: number): string {
  const totalNs = baseMs * 1e6 + offsetUs * 1000;
  const s = Math.floor(totalNs / 1e9);
  const ns = totalNs - s * 1e9;
  const hh = Math.floor(s / 3600) % 24;
  const mm = Math.floor(s / 60) % 60;
  const ss = s % 60;
  return `2026-08-21T${String(10 + hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}.${String(ns).padStart(9, '0')}Z`;
}

function iteration(i: number): string {
  const t = stamp(0, i * 10_000);
  const fail = i % 997 === 500;
  const v = i % 2 === 0 ? 'v1' : 'v2';
  const dur = fail ? 0.61 : v === 'v1' ? 2.5 + (i % 17) / 10 : 63 + (i % 23) / 10;
  const status = fail ? '503' : '200';
  const tags = `{"expected_response":"${fail ? 'false' : 'true'}",${fail ? '"error_code":"1503",' : ''}"group":"","method":"GET","name":"http://helloworld.sample:5000/hello","proto":"HTTP/1.1","scenario":"failover","status":"${status}","url":"http://helloworld.sample:5000/hello"}`;
  const p = (m: string, value: number, tg = tags) => `{"metric":"${m}","type":"Point","data":{"time":"${t}","value":${value},"tags":${tg}}}\n`;
  const plain = '{"group":"","scenario":"failover"}';
  return (
    p('http_reqs', 1) +
    p('http_req_duration', dur) +
    p('http_req_blocked', 0.004) +
    p('http_req_connecting', 0) +
    p('http_req_tls_handshaking', 0) +
    p('http_req_sending', 0.02) +
    p('http_req_waiting', dur - 0.05) +
    p('http_req_receiving', 0.03) +
    p('http_req_failed', fail ? 1 : 0) +
    p('checks', fail ? 0 : 1, '{"check":"status is 200","group":"","scenario":"failover"}') +
    (fail ? '' : p('helloworld_responses', 1, `{"group":"","scenario":"failover","version":"${v}"}`)) +
    p('data_sent', 106, plain) +
    p('data_received', 243, plain) +
    p('iteration_duration', dur + 0.2, plain) +
    p('iterations', 1, plain)
  );
}

/** Writes the stream to `path`; resolves with the bytes written. */
export async function writeK6Stream(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  const header = METRICS.map(
    ([name, type, contains]) => `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":[],"submetrics":null},"metric":"${name}"}\n`,
  ).join('');
  out.write(header);
  written += Buffer.byteLength(header);
  let i = 0;
  while (written < bytes) {
    let chunk = '';
    while (chunk.length < 1 << 20) chunk += iteration(i++);
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return written;
}
