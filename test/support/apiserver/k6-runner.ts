/**
 * k6 in the emulator: a Job controller (a Job whose container runs `k6 run` gets one pod, labelled
 * `job-name`, placed by the emulator's scheduler — scheduler.ts, which honours the pod's affinity —
 * and Running at once) and the k6-operator stand-in (k6-operator.ts: a TestRun becomes an
 * initializer, runner Jobs and a starter, as the operator makes them; each runner runs its
 * execution segment of the arrival schedule). Every runner pod whose container runs `k6 run`
 * writes k6's `--out json` lines (the real envelope and tag shapes, see
 * test/fixtures/imports/k6-out.ndjson) to its log as the traffic clock passes each request's end,
 * answering from `MeshTraffic`; then the log ends, the pod succeeds and the Job (or TestRun) is
 * marked complete. Deleting the Job or TestRun stops its runners.
 */
import type { KubeObject } from '../../../src/kube/gateway.js';
import type { TrafficClock } from '../traffic-clock.js';
import { emulateK6Operator } from './k6-operator.js';
import { findByKind, type ResourceDef } from './resources.js';
import { schedulePod } from './scheduler.js';
import type { ApiServer } from './server.js';
import type { MeshTraffic, Outcome } from './traffic.js';

const def = (apiVersion: string, kind: string): ResourceDef => findByKind(apiVersion, kind) as ResourceDef;
const PODS = def('v1', 'Pod');
const JOBS = def('batch/v1', 'Job');

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
  /** `--execution-segment=a:b` as this runner's share of the schedule (k6-operator runners). */
  segment?: { index: number; of: number };
  /** `--paused` (`-p`): k6 waits for `PATCH /v1/status {paused: false}` on its REST API. */
  paused?: boolean;
}

/** `i/n` or `0`/`1` → a fraction's numerator over n (k6 execution segments as the operator writes them). */
function segmentShare(segment: string): { index: number; of: number } | undefined {
  const m = /^(?:0|(\d+)\/(\d+)):(?:1|(\d+)\/(\d+))$/.exec(segment);
  if (m === null) return undefined;
  const of = Number(m[2] ?? m[4] ?? '1');
  const from = m[1] !== undefined ? Number(m[1]) : 0;
  const to = m[3] !== undefined ? Number(m[3]) : of;
  return to === from + 1 ? { index: from, of } : undefined;
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
  // k6's run flags as meshbench and the k6-operator's runner.go (NewRunnerJob) use them:
  // --execution-segment(-sequence), --address, --paused and --tag come from the operator.
  const withValue = new Set(['--out', '-o', '--system-tags', '--summary-mode', '--tag', '--env', '-e', '--vus', '--duration', '--execution-segment', '--execution-segment-sequence', '--address', '-a']);
  const bare = new Set(['--quiet', '-q', '--no-color', '--no-thresholds', '--paused', '-p', ...(major < 2 ? ['--no-summary'] : [])]);
  const out: K6Args = {};
  for (let i = 1; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-')) continue;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--paused' || flag === '-p') out.paused = true;
    if (bare.has(flag)) continue;
    if (!withValue.has(flag)) return `unknown flag: ${flag}`;
    const value = inline ?? (args[++i] as string | undefined) ?? '';
    if (flag === '--system-tags') out.systemTags = new Set(value.split(',').filter((t) => t !== ''));
    if ((flag === '--out' || flag === '-o') && value.startsWith('json=')) out.jsonOut = value.slice(5);
    if (flag === '--execution-segment') {
      const share = segmentShare(value);
      if (share === undefined) return `invalid execution segment: ${value}`;
      out.segment = share;
    }
  }
  return out;
}

export interface K6Emulation {
  /** Runner pods started (namespace/name). */
  readonly runners: string[];
  /** Unpauses the runners of these pods (the starter's `PATCH /v1/status`); the names it reached. */
  resume(ns: string, pods: readonly string[]): string[];
  /** Where each runner pod was placed (pod name → node, or `Pending: <why>`). */
  readonly placements: Map<string, string>;
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
  private followed = false;
  /** Paused runners (`--paused`) start once unpaused and followed. */
  private paused: boolean;
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
  ) {
    this.paused = args.paused === true;
  }

  /** Its log was followed: start unless paused. */
  followedNow(): void {
    this.followed = true;
    if (!this.paused) this.start();
  }

  /** The REST API's `PATCH /v1/status {"paused": false}`: start once followed. */
  resume(): void {
    this.paused = false;
    if (this.followed) this.start();
  }

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
  const byPod = new Map<string, Runner>();
  const emu: K6Emulation = {
    runners: [],
    placements: new Map(),
    resume: (ns, pods) => pods.filter((p) => {
      const r = byPod.get(`${ns}/${p}`);
      r?.resume();
      return r !== undefined;
    }),
  };
  // The runtime stamps k6's lines on the pods' clock (what `timestamps=true` and `sinceTime` see).
  server.logs.now = () => clock.epochMsAt(clock.now());
  const owners = new Map<string, { kind: 'Job'; ns: string; name: string; runners: Runner[] }>();
  let seq = 0;
  let rotate = 0;

  const startPod = (
    ns: string,
    name: string,
    labels: Record<string, string>,
    spec: Record<string, unknown>,
    env: Record<string, string>,
    command: { args: readonly string[]; image: string | undefined },
    onDone: () => void,
    onFail: () => void,
    annotations: Record<string, string> = {},
  ): Runner | undefined => {
    // istiod's injector: a sidecar when the namespace asks for one, as a native sidecar (an init
    // container that keeps running) when the pod is annotated so.
    const tag = server.controller.injects(ns, labels);
    if (tag !== undefined) {
      const proxy = { name: 'istio-proxy', image: `docker.io/istio/proxyv2:${tag}`, args: ['proxy', 'sidecar'] };
      const podSpec = spec as { containers?: unknown[]; initContainers?: unknown[] };
      spec = annotations['sidecar.istio.io/nativeSidecar'] === 'true'
        ? { ...spec, initContainers: [...(podSpec.initContainers ?? []), { ...proxy, restartPolicy: 'Always' }] }
        : { ...spec, containers: [...(podSpec.containers ?? []), proxy] };
    }
    // Ties go round the nodes in turn, as the Deployment stand-in places pods.
    const nodes = server.list('v1', 'Node');
    const order = nodes.map((_, i) => nodes[(i + rotate) % nodes.length] as KubeObject);
    rotate++;
    const placed = schedulePod(ns, spec, order, server.list('v1', 'Pod'));
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels, annotations },
      spec: { ...spec, ...('node' in placed ? { nodeName: placed.node } : {}) },
      status:
        'node' in placed
          ? { phase: 'Running', podIP: `10.99.0.${10 + (seq % 200)}`, conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'k6', ready: true, state: { running: {} } }] }
          : { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: placed.unschedulable }] },
    };
    server.store.put(PODS, pod, new Date().toISOString());
    emu.placements.set(name, 'node' in placed ? placed.node : `Pending: ${placed.unschedulable}`);
    if (!('node' in placed)) return undefined;
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
    // The emulated k6 starts when its log is first followed (and, with --paused, once the
    // starter resumed it): the driver then sees its first point one loopback hop after k6 wrote
    // it, whatever the test machine's speed (reproducible runs).
    const runner = new Runner(server, ns, name, env, args.segment ?? { index: 0, of: 1 }, traffic, clock, onDone, args);
    byPod.set(`${ns}/${name}`, runner);
    server.logs.whenFollowed(ns, name, 'k6', () => runner.followedNow());
    return runner;
  };

  server.controller.extraControllers.push(() => {
    for (const job of server.store.list(JOBS)) {
      const ns = job.metadata.namespace as string;
      const key = `Job/${ns}/${job.metadata.name}`;
      if (owners.has(key)) continue;
      const tpl = ((job['spec'] as { template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } }).template ?? {});
      type Container = { name: string; image?: string; command?: string[]; args?: string[]; env?: Array<{ name: string; value?: string }> };
      // The image's entrypoint is k6 (grafana/k6): `args: [run, …]` (meshbench's Job) and
      // `command: [k6, run, …]` (the operator's runner Jobs) both run `k6 run`.
      const argvOf = (c: Container): string[] => (c.command !== undefined ? [...c.command, ...(c.args ?? [])] : ['k6', ...(c.args ?? [])]);
      const k6 = ((tpl.spec?.['containers'] ?? []) as Container[]).find((c) => c.name === 'k6' && argvOf(c)[0] === 'k6' && argvOf(c)[1] === 'run');
      if (k6 === undefined) continue; // not a k6 runner (the operator stand-in runs its own initializer and starter)
      const entry = { kind: 'Job' as const, ns, name: job.metadata.name, runners: [] as Runner[] };
      owners.set(key, entry);
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
        { args: argvOf(k6).slice(1), image: k6.image },
        () => setStatus({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }),
        () => setStatus({ failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] }),
        tpl.metadata?.annotations ?? {},
      );
      if (r !== undefined) {
        entry.runners.push(r);
        if (!r.done) setStatus({ active: 1 });
      }
    }
    // A deleted Job takes its pods with it (background propagation).
    for (const [key, o] of [...owners]) {
      if (server.get('batch/v1', 'Job', o.ns, o.name) !== undefined) continue;
      owners.delete(key);
      for (const r of o.runners) r.stop();
      for (const p of server.store.list(PODS, o.ns, `job-name=${o.name}`)) server.store.remove(PODS, o.ns, p.metadata.name);
    }
  });
  emulateK6Operator(server, emu, clock);
  return emu;
}
