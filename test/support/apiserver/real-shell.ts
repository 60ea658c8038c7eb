/**
 * A real shell in an emulated pod: every command exec'd into the matching container runs as a
 * real process — Debian's busybox for `sh`, `date`, `timeout`, `touch`, `cat`, … and the real
 * `curl` — so the driver meets the same `date` (no `%N`: busybox built without FEATURE_DATE_NANO,
 * as Alpine's, which `curlimages/curl` uses), the same shell and the same curl as on a cluster.
 *
 * The pod's network is its sidecar: `http_proxy` points curl at a loopback HTTP server that plays
 * the client's istio-proxy, answering `GET http://<service>.<namespace>:<port>/…` as helloworld
 * does (`Hello version: v1, instance: <pod>`) from the emulators' replica and endpoint state
 * (MeshTraffic, on a real-time traffic clock), after the modelled latency. Nothing leaves
 * 127.0.0.1.
 *
 * Bounds: each process is killed after `maxRunMs` (a test never hangs on it) and at the
 * emulator's close(); closing the exec socket does not kill it — as on a real cluster
 * (client-node #2532), which is why the curl loop carries its own `timeout` and stop file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/kube/gateway.js';
import type { ExecContext } from './handlers.js';
import type { ApiServer } from './server.js';
import type { MeshTraffic } from './traffic.js';

/** The busybox applets a pod's shell offers (what the curl loop and the clock probes use, and a few more). */
const APPLETS = ['sh', 'date', 'sleep', 'timeout', 'touch', 'cat', 'printf', 'echo', 'test', '[', 'rm', 'mkdir', 'ls', 'head', 'tail', 'wc', 'tr', 'cut', 'sed', 'grep', 'env', 'true', 'false', 'kill', 'sha256sum'];

export interface RealShellOptions {
  /** Path of busybox (TOOLS.busybox). */
  busybox: string;
  /** Path of curl (TOOLS.curl). */
  curl: string;
  traffic: MeshTraffic;
  /** Which containers get the shell (default: the client's application container `sleep`). */
  matches?: (pod: KubeObject, container: string) => boolean;
  /** Another `date` to put in the pod instead of busybox's (GNU coreutils: an image with %N). */
  date?: string;
  /** Longest a process may run (ms). */
  maxRunMs?: number;
}

export interface RealShell {
  /** The sidecar's loopback address (`http://127.0.0.1:<port>`). */
  readonly proxyUrl: string;
  /** Requests the sidecar answered, by status. */
  readonly answered: Map<number, number>;
  /** argv of every process started. */
  readonly started: string[][];
}

/** Installs the shell and the sidecar on `server`; both stop at `server.close()`. */
export async function installRealShell(server: ApiServer, o: RealShellOptions): Promise<RealShell> {
  const root = mkdtempSync(join(tmpdir(), 'meshbench-pod-'));
  const bin = join(root, 'bin');
  const home = join(root, 'home');
  mkdirSync(bin);
  mkdirSync(home);
  for (const a of APPLETS) symlinkSync(a === 'date' && o.date !== undefined ? o.date : o.busybox, join(bin, a));
  symlinkSync(o.curl, join(bin, 'curl'));

  const m = o.traffic.model;
  const host = `${m.service}.${m.namespace}:${m.port}`;
  const answered = new Map<number, number>();
  let seq = 0;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const sidecar: Server = createServer((req, res) => {
    // A proxied request's target is absolute (`GET http://helloworld.sample:5000/hello`).
    const url = new URL(req.url ?? '/', 'http://invalid');
    if (url.host !== host) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route to ${url.host}\n`);
      return;
    }
    const out = o.traffic.outcome(o.traffic.clock.now(), seq++);
    const timer = setTimeout(() => {
      timers.delete(timer);
      answered.set(out.status, (answered.get(out.status) ?? 0) + 1);
      res.writeHead(out.status, { 'content-type': 'text/html; charset=utf-8' }).end(`${out.body}\n`);
    }, Math.max(0, Math.round(out.latencyMs)));
    timers.add(timer);
  });
  sidecar.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => sidecar.listen(0, '127.0.0.1', resolve));
  const address = sidecar.address();
  const proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  const children = new Set<ChildProcess>();
  const shell: RealShell = { proxyUrl, answered, started: [] };
  const maxRunMs = o.maxRunMs ?? 60_000;
  const run = (ctx: ExecContext): Promise<number> =>
    new Promise<number>((resolve) => {
      const [cmd, ...args] = ctx.argv;
      shell.started.push([...ctx.argv]);
      // Looked up in the pod's PATH only: a command the image lacks is not found, as in a pod.
      const path = cmd !== undefined && !cmd.includes('/') ? join(bin, cmd) : (cmd ?? '');
      const child = spawn(path, args, {
        cwd: home,
        env: { PATH: bin, HOME: home, http_proxy: proxyUrl, HOSTNAME: ctx.pod.metadata.name },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      const kill = setTimeout(() => child.kill('SIGKILL'), maxRunMs);
      child.stdout?.setEncoding('utf8').on('data', (t: string) => ctx.stdout(t));
      child.stderr?.setEncoding('utf8').on('data', (t: string) => ctx.stderr(t));
      child.on('error', () => {
        // runc: `exec: "<cmd>": executable file not found in $PATH`, exit 127.
        ctx.stderr(`exec: "${cmd ?? ''}": executable file not found in $PATH\n`);
      });
      child.on('close', (code, signal) => {
        clearTimeout(kill);
        children.delete(child);
        resolve(code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 127));
      });
    });
  const matches = o.matches ?? ((_pod: KubeObject, container: string) => container === 'sleep');
  server.exec.registerContainer(matches, run);
  server.closers.push(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const t of timers) clearTimeout(t);
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => sidecar.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });
  return shell;
}
