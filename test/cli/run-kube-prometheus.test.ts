/**
 * Server-side counts of a kube run from a real Prometheus (Debian's, on a loopback port, scraping a
 * loopback exporter every second): the exporter counts the emulated client's actual requests as
 * Istio's `istio_requests_total{reporter="source"}`; the run reads it through the emulated API
 * server's service proxy (istio-system/prometheus) or `--prometheus URL`, stores the counts in the
 * result, and `report` shows them beside the client's — flagged when they disagree.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Result } from '../../src/model/result.js';
import { registerServiceBackend } from '../support/apiserver/service-proxy.js';
import { runCli } from '../support/cli.js';
import { countTraffic, IstioExporter, podClusterLookup } from '../support/prometheus/istio-exporter.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus/prometheus-server.js';
import { describeWithTool, TOOLS } from '../support/system-tool.js';
import { VirtualClock } from '../support/traffic-clock.js';
import { startTestBed, type TestBed } from '../kube/run/bed.js';
import { recordOutputs } from '../kube/run/outputs.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'kube-run');

describeWithTool(TOOLS.prometheus, 'meshbench run --target kube: Prometheus cross-check', (binary) => {
  let prom: PrometheusServer;
  const exporter = new IstioExporter();
  let bed: TestBed | undefined;
  let unwrap: (() => void) | undefined;

  beforeAll(async () => {
    await exporter.listen();
    prom = await startPrometheus(binary, { targets: [exporter.url], metricsPath: '/stats/prometheus', scrapeIntervalS: 1 });
  }, 30_000);
  afterAll(async () => {
    await prom?.stop();
    await exporter.close();
  });
  afterEach(async () => {
    unwrap?.();
    await bed?.close();
    bed = undefined;
  });

  async function setup(opts: { relabelVersion?: (v: string, seq: number) => string; service?: boolean } = {}): Promise<{ b: TestBed; clock: VirtualClock }> {
    const clock = new VirtualClock();
    const b = await startTestBed({ clock });
    bed = b;
    unwrap = countTraffic(b.traffic, exporter, {
      clientCluster: 'cluster1',
      clientWorkload: 'sleep',
      namespace: 'sample',
      service: 'helloworld',
      clusterOfPod: podClusterLookup([b.c1, b.c2]),
      ...(opts.relabelVersion !== undefined ? { relabelVersion: opts.relabelVersion } : {}),
    });
    if (opts.service !== false) {
      b.c1.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus', namespace: 'istio-system' }, spec: { selector: { app: 'prometheus' }, ports: [{ name: 'http', port: 9090 }] } });
      registerServiceBackend(b.c1, 'istio-system', 'prometheus', 9090, prom.url);
    }
    return { b, clock };
  }

  async function run(b: TestBed, clock: VirtualClock, extra: string[] = []): Promise<{ code: number; stderr: string; result: Result; out: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-run-prom-'));
    const out = join(dir, 'results');
    const r = await runCli(['run', join(FIXTURES, 'failover-closed.yaml'), '--target', 'kube', '--context', 'c1', '--context', 'c2', '--load', 'curl', '--out', out, '--journal', join(dir, 'j.jsonl'), '--no-color', ...extra], {
      env: { KUBECONFIG: b.kubeconfig },
      clock,
    });
    expect(r.code, r.stderr).toBe(0);
    const file = readdirSync(out).find((f) => f.endsWith('.json')) as string;
    const text = readFileSync(join(out, file), 'utf8');
    recordOutputs(b, [r.stdout, r.stderr, text]);
    return { code: r.code, stderr: r.stderr, result: JSON.parse(text) as Result, out: join(out, file) };
  }

  it('stores istio_requests_total over the run beside the client counts; report shows both, agreeing', async () => {
    const { b, clock } = await setup();
    const before = exporter.total();
    const { result, stderr, out } = await run(b, clock);
    const sent = exporter.total() - before;
    expect(sent).toBeGreaterThan(1000);
    const t = result.target;
    if (t.kind !== 'kube' || t.prometheus === undefined) throw new Error(`no Prometheus counts stored:\n${stderr}`);
    expect(t.prometheus.source).toBe('service proxy istio-system/prometheus:9090 (cluster1)');
    expect(t.prometheus.scrapeIntervalS).toBe(1);
    expect(t.prometheus.query).toMatch(/^last_over_time\(istio_requests_total\{reporter="source",destination_service_name="helloworld",destination_service_namespace="sample",source_workload_namespace="sample"\}\[\d+s\]\)$/);
    const total = t.prometheus.rows.reduce((n, r) => n + r.requests, 0);
    // Every request the emulated client sent, as the exporter counted it (the one in flight when the loop stopped included).
    expect(total).toBe(sent);
    expect(Math.abs(total - result.summary.requests)).toBeLessThanOrEqual(1);
    const v2 = t.prometheus.rows.filter((r) => r.destinationVersion === 'v2' && r.responseCode === '200');
    expect(v2.every((r) => r.destinationCluster === 'cluster2')).toBe(true);
    const errors = t.prometheus.rows.filter((r) => r.responseCode === '503').reduce((n, r) => n + r.requests, 0);
    expect(Math.abs(errors - result.summary.errors)).toBeLessThanOrEqual(1);

    const report = await runCli(['report', out, '--no-color'], {});
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('Server side (Prometheus)');
    expect(report.stdout).toMatch(/version v1\s+[\d,]+\s+[\d,]+\s+(0|[+-]1)\s+ok/);
    expect(report.stdout).not.toContain('FLAGGED');
  }, 60_000);

  it('flags a run whose telemetry disagrees with the client attribution', async () => {
    // Istio reports every third v1 answer as v2: attribution and telemetry differ by far more than 1 s of traffic.
    const { b, clock } = await setup({ relabelVersion: (v, seq) => (v === 'v1' && seq % 3 === 0 ? 'v2' : v) });
    const { out } = await run(b, clock);
    const report = await runCli(['report', out, '--no-color'], {});
    expect(report.stdout).toMatch(/version v1\s+[\d,]+\s+[\d,]+\s+-[\d,]+\s+FLAGGED/);
    expect(report.stdout).toMatch(/version v2\s+[\d,]+\s+[\d,]+\s+\+[\d,]+\s+FLAGGED/);
    expect(report.stdout).toContain("the client's attribution and Istio's telemetry disagree");
    const json = await runCli(['report', out, '--json'], {});
    const doc = (JSON.parse(json.stdout) as { reports: Array<{ prometheusCheck: { flagged: boolean; tolerance: number; lines: Array<{ what: string; flagged: boolean }> } }> }).reports[0]!;
    expect(doc.prometheusCheck.flagged).toBe(true);
    expect(doc.prometheusCheck.lines.filter((l) => l.flagged).map((l) => l.what)).toContain('version v1');
  }, 60_000);

  it('--prometheus URL reads a Prometheus outside the cluster; without one the run notes it and stores none', async () => {
    const { b, clock } = await setup({ service: false });
    const { result } = await run(b, clock, ['--prometheus', prom.url]);
    expect(result.target.kind === 'kube' && result.target.prometheus?.source).toBe(prom.url);
    const again = await setup({ service: false });
    const none = await run(again.b, again.clock);
    expect(none.stderr).toContain('no istio-system/prometheus in cluster1: no server-side counts');
    expect(none.result.target.kind === 'kube' && none.result.target.prometheus).toBe(undefined);
    expect(existsSync(none.out)).toBe(true);
  }, 60_000);
});
