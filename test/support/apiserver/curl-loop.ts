/**
 * The client pod's side of `--load curl`, emulated as the sleep image `curlimages/curl:8.16.0`
 * behaves: exec handlers for `timeout … sh -c <loop>` (checked to be meshbench's fixed script with
 * the values as positional arguments), busybox's `date` (built without FEATURE_DATE_NANO: `%N`
 * stays literal, busybox `coreutils/date.c`), curl 8.16's `-w '%time{%s.%f}'` (curl
 * `docs/cmdline-opts/write-out.md`), `touch <stop file>`, and the client proxy's
 * `pilot-agent request GET clusters` as the proxy knows it. The loop answers each request from
 * `MeshTraffic` at the request's own time and prints it once the traffic clock has passed its end,
 * in the loop's `MB1 …` line format with curl's own end stamp (the `curl-time` clock), then `MB2`.
 * Like the script, it appends each line to its file (`$8`) before printing it, in a per-pod file
 * map, and serves busybox's `cat`, `wc -c`, `sha256sum` and `rm -f` on that map (the output and
 * messages of busybox 1.36 `coreutils/cat.c`, `wc.c`, `md5_sha1_sum.c`), so a cut stream is read
 * back as on a cluster. A stream cut by the emulator (ExecCuts) leaves the loop running, as a
 * real process does; a client that closes the stream itself still ends it here.
 * (test/support/apiserver/real-shell.ts runs the same script in a real busybox shell instead.)
 */
import { createHash } from 'node:crypto';
import { CURL_LOOP_NAME, CURL_LOOP_SCRIPT } from '../../../src/kube/run/curl-load.js';
import type { KubeObject } from '../../../src/kube/gateway.js';
import type { TrafficClock } from '../traffic-clock.js';
import type { ApiServer } from './server.js';
import type { MeshTraffic } from './traffic.js';

/** Time from one request's end to the next one's start in a loop (date, fork, exec). */
export const LOOP_GAP_MS = 0.5;

/** Epoch ns of a traffic-clock time. */
export function epochNs(clock: TrafficClock, nowMs: number): bigint {
  return BigInt(Math.round(clock.epochMsAt(nowMs) * 1000)) * 1000n;
}

/** curl's `%time{%s.%f}` of a traffic-clock time: epoch seconds and six digits of µs. */
export function curlTime(clock: TrafficClock, nowMs: number): string {
  const us = epochNs(clock, nowMs) / 1000n;
  return `${us / 1_000_000n}.${String(us % 1_000_000n).padStart(6, '0')}`;
}

/** The same as the loop's integer stamp (µs). */
function stampUs(clock: TrafficClock, nowMs: number): bigint {
  return epochNs(clock, nowMs) / 1000n;
}

export interface CurlLoopEmulation {
  /** Loops started, and argv of each (for assertions). */
  readonly started: string[][];
  /** Stop files created with `touch`. */
  readonly stopFiles: Set<string>;
  /** Each pod's files (`<namespace>/<pod>` → path → text): what the loops appended. */
  readonly files: Map<string, Map<string, string>>;
  /** Bytes `cat` sends instead of a file's own (a copy damaged on the way), when set. */
  damage?: (path: string, text: string) => string;
  /** When false, the loops' appends are lost (a pod whose /tmp was emptied: a restart). */
  keepFiles: boolean;
}

function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

/** Registers the handlers on the client's emulator. */
export function emulateCurlLoop(server: ApiServer, traffic: MeshTraffic, clock: TrafficClock): CurlLoopEmulation {
  const emu: CurlLoopEmulation = { started: [], stopFiles: new Set(), files: new Map(), keepFiles: true };
  const filesOf = (pod: KubeObject): Map<string, string> => {
    const m = emu.files.get(podKey(pod)) ?? new Map<string, string>();
    emu.files.set(podKey(pod), m);
    return m;
  };
  // busybox's messages for a file that is not there (coreutils/cat.c, wc.c; libbb bb_perror_msg).
  const missing = (applet: string, path: string, stderr: (t: string) => void): number => {
    stderr(applet === 'cat' ? `cat: can't open '${path}': No such file or directory\n` : `${applet}: ${path}: No such file or directory\n`);
    return 1;
  };
  server.exec.register('cat', ({ pod, argv, stdout, stderr }) => {
    const path = argv[1] ?? '';
    const text = filesOf(pod).get(path);
    if (argv.length !== 2 || text === undefined) return missing('cat', path, stderr);
    stdout(emu.damage !== undefined ? emu.damage(path, text) : text);
    return 0;
  });
  server.exec.register('wc', ({ pod, argv, stdout, stderr }) => {
    const path = argv[2] ?? '';
    const text = filesOf(pod).get(path);
    if (argv[1] !== '-c' || argv.length !== 3 || text === undefined) return missing('wc', path, stderr);
    stdout(`${Buffer.byteLength(text, 'utf8')} ${path}\n`);
    return 0;
  });
  server.exec.register('sha256sum', ({ pod, argv, stdout, stderr }) => {
    const path = argv[1] ?? '';
    const text = filesOf(pod).get(path);
    if (argv.length !== 2 || text === undefined) return missing('sha256sum', path, stderr);
    stdout(`${createHash('sha256').update(text, 'utf8').digest('hex')}  ${path}\n`);
    return 0;
  });
  server.exec.register('rm', ({ pod, argv }) => {
    for (const f of argv.slice(argv[1] === '-f' ? 2 : 1)) filesOf(pod).delete(f);
    return 0;
  });
  server.exec.register('date', ({ argv, stdout, stderr }) => {
    if (argv[1] !== '+%s%N' && argv[1] !== '+%s') {
      stderr('emulator: only date +%s and +%s%N are emulated\n');
      return 1;
    }
    // busybox: `%N` is passed to strftime, which leaves it as it is.
    stdout(`${epochNs(clock, clock.now()) / 1_000_000_000n}${argv[1] === '+%s%N' ? '%N' : ''}\n`);
    return 0;
  });
  const healthz = server.exec.get('curl');
  server.exec.register('curl', (ctx) => {
    const w = ctx.argv.indexOf('-w');
    if (ctx.argv.includes('file:///dev/null') && w >= 0) {
      ctx.stdout((ctx.argv[w + 1] ?? '').replace('%time{%s.%f}', curlTime(clock, clock.now())));
      return 0;
    }
    if (healthz === undefined) {
      ctx.stderr('exec: "curl": executable file not found in $PATH\n');
      return 127;
    }
    return healthz(ctx);
  });
  server.exec.register('touch', ({ argv }) => {
    for (const f of argv.slice(1)) emu.stopFiles.add(f);
    return 0;
  });
  server.exec.register('pilot-agent', ({ container, argv, stdout, stderr }) => {
    if (container !== 'istio-proxy' || argv.join(' ') !== 'pilot-agent request GET clusters') {
      stderr('emulator: only pilot-agent request GET clusters in istio-proxy is emulated\n');
      return 1;
    }
    stdout(traffic.proxyClustersText(clock.now()));
    return 0;
  });
  server.exec.register('timeout', ({ pod, argv, stdout: print, stderr, signal }) => {
    const [, bound, sh, dashC, script, name, url, dur, tmo, think, id, stop, clk, out] = argv;
    if (sh !== 'sh' || dashC !== '-c' || script !== CURL_LOOP_SCRIPT || name !== CURL_LOOP_NAME || stop === undefined || out === undefined || !/^\d+$/.test(bound ?? '')) {
      stderr('emulator: timeout is only emulated for meshbench\'s curl loop\n');
      return 125;
    }
    if (clk !== 'curl-time') {
      // This image's date has no %N: a loop on another clock would be a driver bug here.
      stderr(`emulator: the sleep image's loop clock is curl-time, not ${clk ?? '(none)'}\n`);
      return 2;
    }
    emu.started.push([...argv]);
    const files = filesOf(pod);
    // The script's `say`: into the file first, then to stdout.
    const stdout = (line: string): void => {
      if (emu.keepFiles) files.set(out, (files.get(out) ?? '') + line);
      print(line);
    };
    if (url !== `http://${traffic.model.service}.${traffic.model.namespace}:${traffic.model.port}/hello` || !/^\d+(\.\d+)?$/.test(tmo ?? '')) {
      stdout(`MB0 ${id} ${stampUs(clock, clock.now())}\nMB1 ${id} 0 ${stampUs(clock, clock.now())} 6 000 0.000000 \nMB2 ${id} 1\n`); // curl: could not resolve host
      return 0;
    }
    const thinkMs = Number(think) * 1000;
    let t = clock.now();
    const endUs = stampUs(clock, t) + BigInt(dur as string);
    stdout(`MB0 ${id} ${stampUs(clock, t)}\n`);
    let seq = 0;
    return new Promise<number>((resolve) => {
      let inflight: { start: number; out: ReturnType<MeshTraffic['outcome']> } | undefined;
      let off: () => void = () => undefined;
      const finish = (code: number) => {
        off();
        resolve(code);
      };
      const step = () => {
        for (;;) {
          if (signal.aborted) return finish(137);
          if (inflight === undefined) {
            if (t >= clock.now()) return; // its outcome depends on states not recorded yet
            if (emu.stopFiles.has(stop) || stampUs(clock, t) >= endUs) {
              stdout(`MB2 ${id} ${seq}\n`);
              if (emu.stopFiles.has(stop)) files.delete(out);
              return finish(0);
            }
            inflight = { start: t, out: traffic.outcome(t, seq) };
          }
          const done = inflight.start + inflight.out.latencyMs;
          if (done > clock.now()) return;
          const o = inflight.out;
          // curl-time: the stamp is curl's own %time{} at the request's end.
          stdout(`MB1 ${id} ${seq} ${stampUs(clock, done)} 0 ${o.status} ${(o.latencyMs / 1000).toFixed(6)} ${o.body}\n`);
          seq++;
          t = done + LOOP_GAP_MS + thinkMs;
          inflight = undefined;
        }
      };
      off = clock.onAdvance(step);
      step();
    });
  });
  return emu;
}
