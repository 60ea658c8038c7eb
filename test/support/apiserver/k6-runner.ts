/**
 * k6 in the emulator: a Job controller (a Job gets one pod, labelled `job-name`, Running at once)
 * and a k6-operator stand-in (a TestRun gets `parallelism` runner pods labelled `k6_cr`/`runner`,
 * each running its share of the arrival schedule). Every runner pod whose container runs `k6 run`
 * writes k6's `--out json` lines (the real envelope and tag shapes, see
 * test/fixtures/imports/k6-out.ndjson) to its log as the traffic clock passes each request's end,
 * answering from `MeshTraffic`; then the log ends, the pod succeeds and the Job (or TestRun) is
 * marked complete. Deleting the Job or TestRun stops its runners.
 */
import type { KubeObject } from '../../../src/kube/gateway.js';
import type { TrafficClock } from '../traffic-clock.js';
import { findByKind, type ResourceDef } from './resources.js';
import type { ApiServer } from './server.js';
import type { MeshTraffic, Outcome } from './traffic.js';

const def = (apiVersion: string, kind: string): ResourceDef => findByKind(apiVersion, kind) as ResourceDef;
const PODS = def('v1', 'Pod');
const JOBS = def('batch/v1', 'Job');
const TESTRUNS = def('k6.io/v1alpha1', 'TestRun');

/** RFC 3339 with nanoseconds, as Go marshals a time.Time. */
export function rfc3339(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const iso = new Date(whole).toISOString(); // …ss.mmmZ
  const sub = Math.round((epochMs - whole) * 1e6);
  return `${iso.slice(0, -1)}${String(sub).padStart(6, '0')}Z`;
}

/** How long after its response a VU's script adds its counter (ms): a busy k6 runtime. */
export const VU_JS_DELAY_MS = 12;

interface Request {
  start: number;
  end: number;
  out: Outcome;
  /** k6's VU number (1-based) and that VU's iteration (0-based). */
  vu: number;
  iter: number;
}

/** What one k6 command line asks for, parsed as k6's CLI (cobra) would. */
export interface K6Args {
  /** `--system-tags` as given (undefined: k6's defaults, which lack vu and iter). */
  systemTags?: Set<string>;
  /** `--out json=<file>`. */
  jsonOut?: string;
}

/** k6's major version from an image tag: `latest` is 2.x since k6 v2.0.0. */
export function k6Major(image: string | undefined): number {
  const tag = /:([^:/@]+)$/.exec(image ?? '')?.[1] ?? 'latest';
  const m = /^v?(\d+)\./.exec(tag);
  return m ? Number(m[1]) : 2;
}

/**
 * Parses a k6 `run` command line; an error text for a flag this major version does not know, as
 * k6 prints it (cobra: `unknown flag: --x`). k6 v2.0.0 removed `--no-summary` (grafana/k6#5729).
 */
export function parseK6Args(args: readonly string[], major: number): K6Args | string {
  if (args[0] !== 'run') return `unknown command "${args[0] ?? ''}" for "k6"`;
  const withValue = new Set(['--out', '-o', '--system-tags', '--summary-mode', '--tag', '--env', '-e', '--vus', '--duration']);
  const bare = new Set(['--quiet', '-q', '--no-color', '--no-thresholds', ...(major < 2 ? ['--no-summary'] : [])]);
  const out: K6Args = {};
  for (let i = 1; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-')) continue;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (bare.has(flag)) continue;
    if (!withValue.has(flag)) return `unknown flag: ${flag}`;
    const value = inline ?? (args[++i] as string | undefined) ?? '';
    if (flag === '--system-tags') out.systemTags = new Set(value.split(',').filter((t) => t !== ''));
    if ((flag === '--out' || flag === '-o') && value.startsWith('json=')) out.jsonOut = value.slice(5);
  }
  return out;
}

export interface K6Emulation {
  /** Runner pods started (namespace/name). */
  readonly runners: string[];
}

class Runner {
  private readonly declared = new Set<string>();
  private readonly pending: Request[] = [];
  private next = 0;
  private readonly vuNext: number[] = [];
  private off: () => void = () => undefined;
  done = false;

  private t0 = 0;
  private endAt = 0;
  private started = false;
  /** Requests whose points were written (the script's `meshbench_requests` count). */
  private made = 0;
  private readonly iters = new Map<number, number>();

  constructor(
    private readonly server: ApiServer,
    private readonly ns: string,
    private readonly pod: string,
    private readonly env: Record<string, string>,
    private readonly share: { index: number; of: number },
    private readonly traffic: MeshTraffic,
    private readonly clock: TrafficClock,
    private readonly onDone: () => void,
    private readonly args: K6Args,
  ) {}

  /** The next iteration number of a VU. */
  private iterOf(vu: number): number {
    const n = this.iters.get(vu) ?? 0;
    this.iters.set(vu, n + 1);
    return n;
  }

  start(): void {
    if (this.started || this.done) return;
    this.started = true;
    this.t0 = this.clock.now();
    this.endAt = this.t0 + Number(/^(\d+)ms$/.exec(this.env['MESHBENCH_DURATION'] ?? '')?.[1] ?? '0');
    const vus = this.env['MESHBENCH_EXECUTOR'] === 'constant-vus' ? Number(this.env['MESHBENCH_VUS'] ?? '1') : 0;
    for (let v = 0; v < vus; v++) this.vuNext.push(this.t0);
    this.text('level=info msg="meshbench emulated k6 runner starting"');
    this.point('vus', 'gauge', 'default', this.t0, vus || 1, {});
    this.off = this.clock.onAdvance(() => this.step());
    this.step();
  }

  private write(line: string): void {
    this.server.logs.write(this.ns, this.pod, 'k6', line);
  }

  private text(msg: string): void {
    this.write(`time="${rfc3339(this.clock.epochMsAt(this.clock.now()))}" ${msg}`);
  }

  private point(metric: string, type: string, contains: string, atMs: number, value: number, tags: Record<string, string>, r?: Request): void {
    if (!this.declared.has(metric)) {
      this.declared.add(metric);
      this.write(JSON.stringify({ type: 'Metric', data: { name: metric, type, contains, thresholds: [], submetrics: null }, metric }));
    }
    const sorted = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)));
    // k6 ≥ 0.41 writes the high-cardinality system tags vu and iter as point metadata, and only
    // when --system-tags names them (they are not in metrics.DefaultSystemTagSet).
    const tagsOn = this.args.systemTags;
    const metadata: Record<string, string> = {};
    if (r !== undefined && tagsOn?.has('vu')) metadata['vu'] = String(r.vu);
    if (r !== undefined && tagsOn?.has('iter')) metadata['iter'] = String(r.iter);
    const data = { time: rfc3339(this.clock.epochMsAt(atMs)), value, tags: sorted, ...(Object.keys(metadata).length > 0 ? { metadata } : {}) };
    this.write(JSON.stringify({ metric, type: 'Point', data }));
  }

  /** Requests that started before now (their outcome depends only on recorded states). */
  private generate(now: number): void {
    const rate = Number(this.env['MESHBENCH_RATE'] ?? '0');
    if (this.vuNext.length === 0) {
      for (;;) {
        const start = this.t0 + ((this.next * this.share.of + this.share.index) * 1000) / rate;
        if (start >= now || start >= this.endAt) break;
        const out = this.traffic.outcome(start, this.next * this.share.of + this.share.index);
        // The VU that is free: preallocated VUs taken in turn (requests overlap across VUs).
        const vu = 1 + (this.next % Number(this.env['MESHBENCH_PREALLOCATED_VUS'] ?? '10'));
        this.pending.push({ start, end: start + out.latencyMs, out, vu, iter: this.iterOf(vu) });
        this.next++;
      }
      return;
    }
    const thinkMs = Number(this.env['MESHBENCH_THINK_TIME_S'] ?? '0') * 1000;
    this.vuNext.forEach((start, v) => {
      let t = start;
      while (t < now && t < this.endAt) {
        const out = this.traffic.outcome(t, this.next++);
        this.pending.push({ start: t, end: t + out.latencyMs, out, vu: v + 1, iter: this.iterOf(v + 1) });
        t += out.latencyMs + thinkMs + 0.2;
      }
      this.vuNext[v] = t;
    });
  }

  private step(): void {
    if (this.done) return;
    const now = this.clock.now();
    this.generate(now);
    this.pending.sort((a, b) => a.end - b.end);
    const url = this.env['MESHBENCH_URL'] ?? '';
    // k6's JSON output writes what its metric buffer collected since the last flush, in the
    // order the samples were emitted: the request points of the interval, then the custom
    // counters the iterations added after them. With overlapping VUs, only the vu metadata tells
    // which response a version point belongs to.
    const versions: Array<{ r: Request }> = [];
    while (this.pending.length > 0 && (this.pending[0] as Request).end <= now) {
      const r = this.pending.shift() as Request;
      const tags = { expected_response: String(r.out.status >= 200 && r.out.status < 300), group: '', method: 'GET', name: 'helloworld', proto: 'HTTP/1.1', scenario: 'meshbench', status: String(r.out.status), url };
      this.point('http_reqs', 'counter', 'default', r.end, 1, tags, r);
      this.point('http_req_duration', 'trend', 'time', r.end, r.out.latencyMs, tags, r);
      this.point('http_req_failed', 'rate', 'default', r.end, r.out.status >= 200 && r.out.status < 300 ? 0 : 1, tags, r);
      this.made++;
      if (r.out.version !== undefined && r.out.instance !== undefined) versions.push({ r });
    }
    for (const { r } of versions) {
      // A custom metric's sample is stamped when the VU's JavaScript calls add(), after it read
      // and matched the body: on a busy runner, milliseconds after the response — long enough for
      // other VUs' requests to end in between, so time alone pairs them wrongly.
      const at = r.end + VU_JS_DELAY_MS;
      this.point('helloworld_responses', 'counter', 'default', at, 1, { group: '', instance: r.out.instance as string, scenario: 'meshbench', version: r.out.version as string }, r);
      this.point('iterations', 'counter', 'default', at + 0.01, 1, { group: '', scenario: 'meshbench' }, r);
    }
    const allStarted = this.vuNext.length === 0 ? this.t0 + ((this.next * this.share.of + this.share.index) * 1000) / Number(this.env['MESHBENCH_RATE'] ?? '1') >= this.endAt : this.vuNext.every((t) => t >= this.endAt);
    if (now >= this.endAt && allStarted && this.pending.length === 0) this.finish();
  }

  private finish(): void {
    this.done = true;
    this.off();
    if (this.env['MESHBENCH_QUIT_SIDECAR'] === 'true') {
      // teardown(): the sidecar's quit, a request of its own (tagged as meshbench's control).
      const tags = { expected_response: 'true', group: '::teardown', method: 'POST', name: 'meshbench-control', proto: 'HTTP/1.1', scenario: 'default', status: '200', url: 'http://127.0.0.1:15020/quitquitquit' };
      this.point('http_reqs', 'counter', 'default', this.clock.now(), 1, tags);
      this.point('http_req_duration', 'trend', 'time', this.clock.now(), 0.4, tags);
    }
    // The script's handleSummary: the requests it made (meshbench_requests).
    this.write(`MESHBENCH_SUMMARY {"requests":${this.made}}`);
    this.text('level=info msg="test finished"');
    this.server.logs.end(this.ns, this.pod, 'k6');
    const pod = this.server.get('v1', 'Pod', this.ns, this.pod);
    if (pod !== undefined) {
      this.server.store.put(PODS, { ...pod, status: { ...(pod['status'] as object), phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'False' }] } }, new Date().toISOString());
    }
    this.onDone();
  }

  stop(): void {
    if (this.done) return;
    this.done = true;
    this.off();
    this.server.logs.end(this.ns, this.pod, 'k6');
  }
}

function envOf(container: { env?: Array<{ name: string; value?: string }> } | undefined): Record<string, string> {
  return Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? '']));
}

/** Installs the Job controller and the k6-operator stand-in on one emulator. */
export function emulateK6(server: ApiServer, traffic: MeshTraffic, clock: TrafficClock): K6Emulation {
  const emu: K6Emulation = { runners: [] };
  // The runtime stamps k6's lines on the pods' clock (what `timestamps=true` and `sinceTime` see).
  server.logs.now = () => clock.epochMsAt(clock.now());
  const owners = new Map<string, { kind: 'Job' | 'TestRun'; ns: string; name: string; runners: Runner[] }>();
  let seq = 0;
  const nodeName = server.list('v1', 'Node')[0]?.metadata.name ?? 'node';

  const startPod = (
    ns: string,
    name: string,
    labels: Record<string, string>,
    spec: Record<string, unknown>,
    env: Record<string, string>,
    share: { index: number; of: number },
    command: { args: readonly string[]; image: string | undefined },
    onDone: () => void,
    onFail: () => void,
  ): Runner | undefined => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels },
      spec: { ...spec, nodeName },
      status: { phase: 'Running', podIP: `10.99.0.${10 + (seq % 200)}`, conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'k6', ready: true, state: { running: {} } }] },
    };
    server.store.put(PODS, pod, new Date().toISOString());
    emu.runners.push(`${ns}/${name}`);
    const args = parseK6Args(command.args, k6Major(command.image));
    if (typeof args === 'string') {
      // k6 refuses its command line: one error line, exit -1, the pod fails.
      server.logs.write(ns, name, 'k6', `time="${rfc3339(clock.epochMsAt(clock.now()))}" level=error msg="${args}"`);
      server.logs.end(ns, name, 'k6');
      server.store.put(PODS, { ...pod, status: { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'k6', ready: false, state: { terminated: { exitCode: 255, reason: 'Error' } } }] } }, new Date().toISOString());
      onFail();
      return undefined;
    }
    // The emulated k6 starts when its log is first followed: the driver then sees its first point
    // one loopback hop after k6 wrote it, whatever the test machine's speed (reproducible runs).
    const runner = new Runner(server, ns, name, env, share, traffic, clock, onDone, args);
    server.logs.whenFollowed(ns, name, 'k6', () => runner.start());
    return runner;
  };

  server.controller.extraControllers.push(() => {
    for (const job of server.store.list(JOBS)) {
      const ns = job.metadata.namespace as string;
      const key = `Job/${ns}/${job.metadata.name}`;
      if (owners.has(key)) continue;
      const tpl = ((job['spec'] as { template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } }).template ?? {});
      const containers = (tpl.spec?.['containers'] ?? []) as Array<{ name: string; args?: string[]; env?: Array<{ name: string; value?: string }> }>;
      const k6 = containers.find((c) => c.name === 'k6' && c.args?.[0] === 'run') as { name: string; image?: string; args?: string[]; env?: Array<{ name: string; value?: string }> } | undefined;
      const entry = { kind: 'Job' as const, ns, name: job.metadata.name, runners: [] as Runner[] };
      owners.set(key, entry);
      if (k6 === undefined) continue;
      const labels = { ...(tpl.metadata?.labels ?? {}), 'job-name': job.metadata.name, 'batch.kubernetes.io/job-name': job.metadata.name };
      const setStatus = (status: Record<string, unknown>) => {
        const cur = server.get('batch/v1', 'Job', ns, job.metadata.name);
        if (cur !== undefined) server.store.put(JOBS, { ...cur, status }, new Date().toISOString());
      };
      const r = startPod(
        ns,
        `${job.metadata.name}-${String(seq++).padStart(5, 'x')}`,
        labels,
        tpl.spec ?? {},
        envOf(k6),
        { index: 0, of: 1 },
        { args: k6.args ?? [], image: k6.image },
        () => setStatus({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }),
        () => setStatus({ failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] }),
      );
      if (r !== undefined) entry.runners.push(r);
    }
    for (const tr of server.store.list(TESTRUNS)) {
      const ns = tr.metadata.namespace as string;
      const key = `TestRun/${ns}/${tr.metadata.name}`;
      if (owners.has(key)) continue;
      const spec = (tr['spec'] ?? {}) as { parallelism?: number; arguments?: string; runner?: { image?: string; env?: Array<{ name: string; value?: string }>; metadata?: { labels?: Record<string, string> } } };
      // The runner's command: `k6 run` with the TestRun's `arguments` string added, split on
      // spaces (the operator's TestRun reference: `arguments: --vus 4 --duration 30s`), then the
      // script. Not checked against the operator's source yet (issue 13 item 5 is open).
      const runArgs = ['run', ...(spec.arguments ?? '').split(' ').filter((a) => a !== ''), '/test/script'];
      const n = spec.parallelism ?? 1;
      const entry = { kind: 'TestRun' as const, ns, name: tr.metadata.name, runners: [] as Runner[] };
      owners.set(key, entry);
      server.store.put(TESTRUNS, { ...tr, status: { stage: 'started' } }, new Date().toISOString());
      for (let i = 0; i < n; i++) {
        const labels = { ...(spec.runner?.metadata?.labels ?? {}), app: 'k6', k6_cr: tr.metadata.name, runner: 'true' };
        const setStage = (stage: string) => {
          const cur = server.get('k6.io/v1alpha1', 'TestRun', ns, tr.metadata.name);
          if (cur !== undefined) server.store.put(TESTRUNS, { ...cur, status: { stage } }, new Date().toISOString());
        };
        const r = startPod(
          ns,
          `${tr.metadata.name}-${i + 1}-${String(seq++).padStart(5, 'x')}`,
          labels,
          { containers: [{ name: 'k6', image: spec.runner?.image ?? 'grafana/k6:latest' }] },
          envOf({ env: spec.runner?.env ?? [] }),
          { index: i, of: n },
          { args: runArgs, image: spec.runner?.image },
          () => {
            if (entry.runners.length === n && entry.runners.every((x) => x.done)) setStage('finished');
          },
          () => setStage('error'),
        );
        if (r !== undefined) entry.runners.push(r);
      }
    }
    // A deleted Job or TestRun takes its runners with it.
    for (const [key, o] of [...owners]) {
      if (server.get(o.kind === 'Job' ? 'batch/v1' : 'k6.io/v1alpha1', o.kind, o.ns, o.name) !== undefined) continue;
      owners.delete(key);
      for (const r of o.runners) r.stop();
      const selector = o.kind === 'Job' ? `job-name=${o.name}` : `k6_cr=${o.name}`;
      for (const p of server.store.list(PODS, o.ns, selector)) server.store.remove(PODS, o.ns, p.metadata.name);
    }
  });
  return emu;
}
