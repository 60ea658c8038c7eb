/**
 * The curl loop: its lines parse into samples with the pod's times (µs from the first loop's
 * start), failures are status 0 or the HTTP code; the scenario's values travel as arguments of a
 * fixed script. The script itself runs here under the real `timeout` and `sh` with a stand-in curl:
 * hostile values are never executed, the stop file and the time bound end it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURL_LOOP_SCRIPT, curlLineKey, curlLoopArgv, parseCurlEnd, parseCurlLine, parseCurlStart, secondsArg } from '../../../src/kube/run/curl-load.js';
import { parseByteCount, parseDigest } from '../../../src/kube/run/curl-recover.js';
import { POD_CLOCKS } from '../../../src/kube/run/pod-clock.js';
import { TOOLS, describeWithTool } from '../../support/system-tool.js';

const NS = POD_CLOCKS['date-ns'];
const CURL_TIME = POD_CLOCKS['curl-time'];

const ORIGIN = 1795470300000000000n;

describe('curl loop lines', () => {
  it('parse into samples relative to the origin', () => {
    expect(parseCurlStart('MB0 0 1795470300000000000', NS)).toBe(ORIGIN);
    expect(parseCurlLine('MB1 0 7 1795470300002500000 0 200 0.002345 Hello version: v1, instance: helloworld-v1-abc', ORIGIN, NS)).toEqual({
      scheduledUs: 2500,
      startUs: 2500,
      endUs: 4845,
      status: 200,
      version: 'v1',
      instance: 'helloworld-v1-abc',
    });
    expect(parseCurlLine('MB1 0 8 1795470300010000000 0 503 0.001000 no healthy upstream', ORIGIN, NS)).toEqual({ scheduledUs: 10000, startUs: 10000, endUs: 11000, status: 503 });
    // curl timed out (exit 28): a connection error/timeout is status 0 whatever it printed
    expect(parseCurlLine('MB1 1 0 1795470300020000000 28 000 2.001234 ', ORIGIN, NS)?.status).toBe(0);
    expect(parseCurlLine('Hello version: v1, instance: x', ORIGIN, NS)).toBeUndefined();
    expect(parseCurlLine('MB1 0 9 notanumber 0 200 0.1 x', ORIGIN, NS)).toBeUndefined();
  });

  it('with curl %time{} stamps (µs, at the end), take the start as the end minus time_total', () => {
    expect(parseCurlStart('MB0 0 1795470300000000', CURL_TIME)).toBe(ORIGIN);
    expect(parseCurlLine('MB1 0 7 1795470300004845 0 200 0.002345 Hello version: v2, instance: p', ORIGIN, CURL_TIME)).toMatchObject({ startUs: 2500, endUs: 4845, status: 200, version: 'v2' });
    expect(parseCurlEnd('MB2 3 41')).toEqual({ loop: 3, sent: 41 });
    expect(parseCurlEnd('MB1 3 41')).toBeUndefined();
  });

  it('key MB1 lines by loop and sequence number, and read busybox wc -c and sha256sum answers', () => {
    expect(curlLineKey('MB1 2 17 1795470300004845 0 200 0.002345 Hello')).toEqual({ loop: 2, seq: 17 });
    expect(curlLineKey('MB2 2 17')).toBeUndefined();
    // busybox prints `N file`, right-aligned without a file (`wc -c < f`); GNU the same with a file.
    expect(parseByteCount('2841 /tmp/meshbench-ab-0-0.out\n')).toBe(2841);
    expect(parseByteCount('     2841\n')).toBe(2841);
    expect(parseByteCount("wc: can't open")).toBeUndefined();
    const hex = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
    expect(parseDigest(`${hex}  /tmp/x\n`)).toBe(hex);
    expect(parseDigest(`${hex.slice(1)}  /tmp/x\n`)).toBeUndefined();
  });

  it('passes the duration in the clock\'s own unit', () => {
    const base = { url: 'http://x/', durationNs: 2_500_000_000n, timeoutS: '1', thinkS: '0', loopId: 0, stopFile: '/tmp/s', outFile: '/tmp/o', boundS: 9 };
    expect(curlLoopArgv({ ...base, clock: POD_CLOCKS['curl-time'] })[7]).toBe('2500000');
    expect(curlLoopArgv({ ...base, clock: POD_CLOCKS.uptime })[7]).toBe('250');
    expect(curlLoopArgv({ ...base, clock: POD_CLOCKS['date-s'] })[7]).toBe('3');
  });

  it('carries every scenario value as its own argument; the script text never changes', () => {
    const url = 'http://helloworld.sample:5000/$(touch /tmp/pwned);`id`';
    const argv = curlLoopArgv({ url, durationNs: 5n, timeoutS: secondsArg(2500), thinkS: secondsArg(0), loopId: 3, stopFile: '/tmp/meshbench-stop-ab', outFile: '/tmp/meshbench-ab-3.out', boundS: 40, clock: NS });
    expect(argv.slice(0, 6)).toEqual(['timeout', '40', 'sh', '-c', CURL_LOOP_SCRIPT, 'meshbench-load']);
    expect(argv.slice(6)).toEqual([url, '5', '2.5', '0', '3', '/tmp/meshbench-stop-ab', 'date-ns', '/tmp/meshbench-ab-3.out']);
    expect(CURL_LOOP_SCRIPT).not.toContain('helloworld');
  });
});

const shell = existsSync('/bin/sh') && spawnSync('timeout', ['1', 'true']).status === 0;

describe.runIf(shell)('the loop script under sh, with a stand-in curl', () => {
  const bin = mkdtempSync(join(tmpdir(), 'meshbench-fakecurl-'));
  // Prints helloworld's body, then curl's -w text with the codes filled in.
  writeFileSync(
    join(bin, 'curl'),
    '#!/bin/sh\nw=""\nwhile [ $# -gt 0 ]; do case "$1" in -w) w=$2; shift 2;; -m|-o) shift 2;; *) shift;; esac; done\n' +
      "printf 'Hello version: v1, instance: pod-1\\n'\nout=$(printf '%s' \"$w\" | sed 's/%{http_code}/200/; s/%{time_total}/0.002000/')\nprintf \"$out\"\n",
  );
  chmodSync(join(bin, 'curl'), 0o755);
  const runLoop = (args: Parameters<typeof curlLoopArgv>[0]) => {
    const argv = curlLoopArgv(args);
    return spawnSync(argv[0] as string, argv.slice(1), { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8', timeout: 10_000 });
  };

  it('prints MB0 then one parseable MB1 line per request, and never runs what the URL says', () => {
    const marker = join(bin, 'pwned');
    const r = runLoop({ url: `http://x/$(touch ${marker})`, durationNs: 30_000_000n, timeoutS: '2', thinkS: '0', loopId: 2, stopFile: join(bin, 'no-stop'), outFile: join(bin, 'out-2'), boundS: 5, clock: NS });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const origin = parseCurlStart(lines[0] as string, NS);
    expect(origin).toBeDefined();
    const samples = lines.slice(1, -1).map((l) => parseCurlLine(l, origin as bigint, NS));
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.every((s) => s?.status === 200 && s.version === 'v1' && s.endUs - s.startUs === 2000)).toBe(true);
    expect(existsSync(marker)).toBe(false);
    // Every printed line is in the loop's file too, byte for byte (what a cut stream is read back from).
    expect(readFileSync(join(bin, 'out-2'), 'utf8')).toBe(r.stdout);
  });

  it('ends at once on the stop file, and at its time bound otherwise (exit 124)', () => {
    const stop = join(bin, 'stop');
    writeFileSync(stop, '');
    const stopped = runLoop({ url: 'http://x/', durationNs: 60_000_000_000n, timeoutS: '2', thinkS: '0', loopId: 0, stopFile: stop, outFile: join(bin, 'out-stopped'), boundS: 5, clock: NS });
    expect(stopped.status).toBe(0);
    expect(stopped.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^MB0 0 \d+$/), 'MB2 0 0']);
    // Stopped: nothing will read its file, so the loop removed it.
    expect(existsSync(join(bin, 'out-stopped'))).toBe(false);
    const bounded = runLoop({ url: 'http://x/', durationNs: 60_000_000_000n, timeoutS: '2', thinkS: '0', loopId: 0, stopFile: join(bin, 'nothing'), outFile: join(bin, 'out-bounded'), boundS: 0.2, clock: NS });
    expect(bounded.status).toBe(124);
  });
});

describeWithTool(TOOLS.busybox, 'the loop script under busybox ash (the sleep image\'s shell), with a stand-in curl', (busybox) => {
  it('appends every line it prints to its file, byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-ash-'));
    symlinkSync(busybox, join(dir, 'sh'));
    writeFileSync(join(dir, 'curl'), "#!/bin/sh\nprintf 'Hello version: v2, instance: pod-2\\n\\n200 0.001000'\n");
    chmodSync(join(dir, 'curl'), 0o755);
    const out = join(dir, 'out-1');
    const argv = curlLoopArgv({ url: 'http://x/', durationNs: 20_000_000n, timeoutS: '2', thinkS: '0', loopId: 1, stopFile: join(dir, 'no-stop'), outFile: out, boundS: 5, clock: NS });
    // GNU timeout finds `sh` on PATH: busybox's ash.
    const r = spawnSync(argv[0] as string, argv.slice(1), { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8', timeout: 10_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.at(-1)).toMatch(/^MB2 1 \d+$/);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    rmSync(dir, { recursive: true, force: true });
  });
});
