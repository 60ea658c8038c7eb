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

interface Request {
  start: number;
  end: number;
  out: Outcome;
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

  constructor(
    private readonly server: ApiServer,
    private readonly ns: string,
    private readonly pod: string,
    private readonly env: Record<string, string>,
    private readonly share: { index: number; of: number },
    private readonly traffic: MeshTraffic,
    private readonly clock: TrafficClock,
    private readonly onDone: () => void,
  ) {}

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

  private point(metric: string, type: string, contains: string, atMs: number, value: number, tags: Record<string, string>): void {
    if (!this.declared.has(metric)) {
      this.declared.add(metric);
      this.write(JSON.stringify({ type: 'Metric', data: { name: metric, type, contains, thresholds: [], submetrics: null }, metric }));
    }
    const sorted = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)));
    this.write(JSON.stringify({ metric, type: 'Point', data: { time: rfc3339(this.clock.epochMsAt(atMs)), value, tags: sorted } }));
  }

  /** Requests that started before now (their outcome depends only on recorded states). */
  private generate(now: number): void {
    const rate = Number(this.env['MESHBENCH_RATE'] ?? '0');
    if (this.vuNext.length === 0) {
      for (;;) {
        const start = this.t0 + ((this.next * this.share.of + this.share.index) * 1000) / rate;
        if (start >= now || start >= this.endAt) break;
        const out = this.traffic.outcome(start, this.next * this.share.of + this.share.index);
        this.pending.push({ start, end: start + out.latencyMs, out });
        this.next++;
      }
      return;
    }
    const thinkMs = Number(this.env['MESHBENCH_THINK_TIME_S'] ?? '0') * 1000;
    this.vuNext.forEach((start, v) => {
      let t = start;
      while (t < now && t < this.endAt) {
        const out = this.traffic.outcome(t, this.next++);
        this.pending.push({ start: t, end: t + out.latencyMs, out });
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
    while (this.pending.length > 0 && (this.pending[0] as Request).end <= now) {
      const r = this.pending.shift() as Request;
      const tags = { expected_response: String(r.out.status >= 200 && r.out.status < 300), group: '', method: 'GET', name: 'helloworld', proto: 'HTTP/1.1', scenario: 'meshbench', status: String(r.out.status), url };
      this.point('http_reqs', 'counter', 'default', r.end, 1, tags);
      this.point('http_req_duration', 'trend', 'time', r.end, r.out.latencyMs, tags);
      this.point('http_req_failed', 'rate', 'default', r.end, r.out.status >= 200 && r.out.status < 300 ? 0 : 1, tags);
      if (r.out.version !== undefined && r.out.instance !== undefined) {
        this.point('helloworld_responses', 'counter', 'default', r.end + 0.005, 1, { group: '', instance: r.out.instance, scenario: 'meshbench', version: r.out.version });
      }
      this.point('iterations', 'counter', 'default', r.end + 0.01, 1, { group: '', scenario: 'meshbench' });
    }
    const allStarted = this.vuNext.length === 0 ? this.t0 + ((this.next * this.share.of + this.share.index) * 1000) / Number(this.env['MESHBENCH_RATE'] ?? '1') >= this.endAt : this.vuNext.every((t) => t >= this.endAt);
    if (now >= this.endAt && allStarted && this.pending.length === 0) this.finish();
  }

  private finish(): void {
    this.done = true;
    this.off();
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
  const owners = new Map<string, { kind: 'Job' | 'TestRun'; ns: string; name: string; runners: Runner[] }>();
  let seq = 0;
  const nodeName = server.list('v1', 'Node')[0]?.metadata.name ?? 'node';

  const startPod = (ns: string, name: string, labels: Record<string, string>, spec: Record<string, unknown>, env: Record<string, string>, share: { index: number; of: number }, onDone: () => void): Runner => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels },
      spec: { ...spec, nodeName },
      status: { phase: 'Running', podIP: `10.99.0.${10 + (seq % 200)}`, conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'k6', ready: true, state: { running: {} } }] },
    };
    server.store.put(PODS, pod, new Date().toISOString());
    emu.runners.push(`${ns}/${name}`);
    // The emulated k6 starts when its log is first followed: the driver then sees its first point
    // one loopback hop after k6 wrote it, whatever the test machine's speed (reproducible runs).
    const runner = new Runner(server, ns, name, env, share, traffic, clock, onDone);
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
      const k6 = containers.find((c) => c.name === 'k6' && c.args?.[0] === 'run');
      const entry = { kind: 'Job' as const, ns, name: job.metadata.name, runners: [] as Runner[] };
      owners.set(key, entry);
      if (k6 === undefined) continue;
      const labels = { ...(tpl.metadata?.labels ?? {}), 'job-name': job.metadata.name, 'batch.kubernetes.io/job-name': job.metadata.name };
      entry.runners.push(
        startPod(ns, `${job.metadata.name}-${String(seq++).padStart(5, 'x')}`, labels, tpl.spec ?? {}, envOf(k6), { index: 0, of: 1 }, () => {
          const cur = server.get('batch/v1', 'Job', ns, job.metadata.name);
          if (cur !== undefined) server.store.put(JOBS, { ...cur, status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } }, new Date().toISOString());
        }),
      );
    }
    for (const tr of server.store.list(TESTRUNS)) {
      const ns = tr.metadata.namespace as string;
      const key = `TestRun/${ns}/${tr.metadata.name}`;
      if (owners.has(key)) continue;
      const spec = (tr['spec'] ?? {}) as { parallelism?: number; runner?: { env?: Array<{ name: string; value?: string }>; metadata?: { labels?: Record<string, string> } } };
      const n = spec.parallelism ?? 1;
      const entry = { kind: 'TestRun' as const, ns, name: tr.metadata.name, runners: [] as Runner[] };
      owners.set(key, entry);
      server.store.put(TESTRUNS, { ...tr, status: { stage: 'started' } }, new Date().toISOString());
      for (let i = 0; i < n; i++) {
        const labels = { ...(spec.runner?.metadata?.labels ?? {}), app: 'k6', k6_cr: tr.metadata.name, runner: 'true' };
        entry.runners.push(
          startPod(ns, `${tr.metadata.name}-${i + 1}-${String(seq++).padStart(5, 'x')}`, labels, { containers: [{ name: 'k6', image: 'k6' }] }, envOf({ env: spec.runner?.env ?? [] }), { index: i, of: n }, () => {
            if (!entry.runners.every((r) => r.done)) return;
            const cur = server.get('k6.io/v1alpha1', 'TestRun', ns, tr.metadata.name);
            if (cur !== undefined) server.store.put(TESTRUNS, { ...cur, status: { stage: 'finished' } }, new Date().toISOString());
          }),
        );
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
