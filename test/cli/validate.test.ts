/**
 * `meshbench validate` end to end through the CLI (the Foundation issue's acceptance): every
 * malformed input exits 3 and names the file, the position and the field path, without a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const DIR = 'test/fixtures/documents/invalid';
const VALID = 'test/fixtures/documents/valid';
const STACK = /at .*\.ts:\d+/;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Case {
  name: string;
  args: string[];
  /** File the problem is reported in (defaults to the first argument). */
  file?: string;
  path: string;
  message: string | RegExp;
  /** Exact position when the case is about positions. */
  at?: [number, number];
}

const f = (name: string) => `${DIR}/${name}`;

const CASES: Case[] = [
  { name: 'YAML syntax error', args: [f('yaml-syntax.yaml')], path: '(document)', message: 'YAML syntax error', at: [7, 3] },
  { name: 'duplicate YAML key', args: [f('duplicate-key.yaml')], path: '(document)', message: 'Map keys must be unique', at: [8, 3] },
  { name: 'wrong type', args: [f('wrong-type.yaml')], path: 'spec.client', message: 'expected a mapping, got "sleep"', at: [6, 11] },
  { name: 'unknown field with did-you-mean', args: [f('unknown-field.yaml')], path: 'spec.timeline[0].scale.replica', message: 'did you mean "replicas"?' },
  { name: 'bad duration', args: [f('bad-duration.yaml')], path: 'spec.load.duration', message: 'unknown unit "sec" in duration "60sec"', at: [9, 15] },
  { name: 'bare number duration', args: [f('bare-number-duration.yaml')], path: 'spec.load.duration', message: /needs a unit[\s\S]*hint: write "60s"/ },
  { name: 'negative duration', args: [f('negative-at.yaml')], path: 'spec.timeline[0].at', message: 'negative duration "-5s"' },
  { name: 'unknown client workload', args: [f('unknown-workload.yaml')], path: 'spec.client.workload', message: 'workload "curl" is not in cluster cluster1' },
  { name: 'client workload that is not a client', args: [f('not-a-client.yaml')], path: 'spec.client.workload', message: /is not a client[\s\S]*clients in cluster1: sleep/ },
  { name: 'unknown client cluster', args: [f('unknown-cluster.yaml')], path: 'spec.client.cluster', message: 'did you mean "cluster1"?' },
  { name: 'unknown request service', args: [f('unknown-service.yaml')], path: 'spec.request.service', message: 'backs service goodbye.sample' },
  { name: 'duplicate timeline names', args: [f('duplicate-event-names.yaml')], path: 'spec.timeline[1].name', message: 'duplicate timeline entry name "fault"' },
  { name: 'duplicate cluster names', args: [f('mesh-duplicate-cluster.yaml')], path: 'spec.clusters[1].name', message: 'duplicate cluster name "cluster1"' },
  { name: 'non-DNS-1123 scenario name', args: [f('non-dns-name.yaml')], path: 'metadata.name', message: 'scenario name "My_Scenario" is not a DNS-1123 label', at: [4, 9] },
  { name: 'non-DNS-1123 cluster name', args: [f('mesh-non-dns-cluster.yaml')], path: 'spec.clusters[1].name', message: '(e.g. "cluster-2")' },
  { name: 'negative replicas (mesh)', args: [f('mesh-negative-replicas.yaml')], path: 'spec.clusters[0].workloads[0].replicas', message: 'replicas must be ≥ 0, got -1' },
  { name: 'negative replicas (scale)', args: [f('negative-scale-replicas.yaml')], path: 'spec.timeline[0].scale.replicas', message: 'replicas must be ≥ 0, got -1' },
  { name: 'non-integer replicas', args: [f('non-integer-replicas.yaml')], path: 'spec.timeline[1].scale.replicas', message: 'expected an integer, got 1.5' },
  { name: 'zero rate', args: [f('zero-rate.yaml')], path: 'spec.load.rate', message: 'rate must be > 0' },
  { name: 'negative rate', args: [f('negative-rate.yaml')], path: 'spec.load.rate', message: 'rate must be > 0 requests per second, got -5' },
  { name: 'zero concurrency', args: [f('zero-concurrency.yaml')], path: 'spec.load.concurrency', message: 'concurrency must be ≥ 1, got 0' },
  { name: 'rate and concurrency', args: [f('rate-and-concurrency.yaml')], path: 'spec.load.concurrency', message: 'exclude each other' },
  { name: 'timeline past the end', args: [f('timeline-past-end.yaml')], path: 'spec.timeline[1].at', message: 'at 60s is not before the end of the run' },
  { name: 'unknown timeline action', args: [f('unknown-action.yaml')], path: 'spec.timeline[0].scaleTo', message: 'did you mean "scale"?' },
  { name: 'two actions in one entry', args: [f('two-actions.yaml')], path: 'spec.timeline[0].gatewayDown', message: 'one timeline entry holds 2 actions (scale, gatewayDown)' },
  { name: 'entry without action', args: [f('no-action.yaml')], path: 'spec.timeline[1]', message: 'timeline entry has no action' },
  { name: 'unknown threshold metric', args: [f('unknown-metric.yaml')], path: 'spec.thresholds[0]', message: /unknown metric "latncy.p99"[\s\S]*valid metrics start with requests, errors/ },
  { name: 'threshold naming an unknown version', args: [f('unknown-version-metric.yaml')], path: 'spec.thresholds[0]', message: 'versions: v1, v2' },
  { name: 'malformed threshold', args: [f('malformed-threshold.yaml')], path: 'spec.thresholds[0]', message: 'no comparison operator in "errors.rate 1%"' },
  { name: 'threshold unit mismatch', args: [f('threshold-unit-mismatch.yaml')], path: 'spec.thresholds[0]', message: 'latency.p99 is a time, but 5% is not a duration' },
  { name: 'threshold bare number on a time', args: [f('threshold-bare-ms.yaml')], path: 'spec.thresholds[0]', message: 'add a unit' },
  { name: 'during naming an unknown event', args: [f('during-unknown-event.yaml')], path: 'spec.thresholds[0]', message: /names "recover"[\s\S]*named entries: fault, restore/ },
  { name: 'during on a failover metric', args: [f('during-failover-metric.yaml')], path: 'spec.thresholds[0]', message: '"during" does not apply' },
  { name: 'measure naming an unknown event', args: [f('measure-unknown-event.yaml')], path: 'spec.measure.failover.fault', message: 'names "boom"' },
  { name: 'restore before fault', args: [f('restore-before-fault.yaml')], path: 'spec.measure.failover.restore', message: 'is not after fault' },
  { name: 'DestinationRule of the wrong kind', args: [f('dr-wrong-kind-ref.yaml')], file: f('dr-virtual-service.yaml'), path: 'kind', message: 'expected kind DestinationRule, found VirtualService' },
  { name: 'VirtualService given to validate', args: [f('dr-virtual-service.yaml')], path: 'kind', message: 'meshbench does not validate kind VirtualService' },
  { name: 'DestinationRule with a wrong apiVersion', args: [f('dr-wrong-apiversion.yaml')], path: 'apiVersion', message: /not supported for DestinationRule[\s\S]*networking.istio.io\/v1 or/, at: [1, 13] },
  { name: 'DestinationRule with an unknown trafficPolicy field', args: [f('dr-unknown-field.yaml')], path: 'spec.trafficPolicy.outlierDetecton', message: 'did you mean "outlierDetection"?', at: [11, 5] },
  { name: 'problems inside a referenced DestinationRule', args: [f('dr-invalid-ref.yaml')], file: f('dr-unknown-field.yaml'), path: 'spec.trafficPolicy.outlierDetecton', message: 'unknown field' },
  {
    name: 'DestinationRule file missing (relative to the scenario)',
    args: [f('dr-missing.yaml')],
    path: 'spec.destinationRule',
    message: `DestinationRule file not found: ${resolve('test/fixtures/documents/manifests/does-not-exist.yaml')}`,
    at: [7, 20],
  },
  { name: 'DestinationRule percent out of range', args: [f('dr-bad-percent.yaml')], path: 'spec.trafficPolicy.outlierDetection.maxEjectionPercent', message: '≤ 100' },
  { name: 'DestinationRule enum typo', args: [f('dr-simple-typo.yaml')], path: 'spec.trafficPolicy.loadBalancer.simple', message: 'did you mean "LEAST_REQUEST"?' },
  { name: 'DestinationRule distribute weights', args: [f('dr-distribute-weights.yaml')], path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to', message: 'total locality weight 90 != 100' },
  { name: 'two DestinationRules for one host', args: [f('dr-two-for-host.yaml')], path: 'spec.host', message: 'a second DestinationRule for host helloworld.sample.svc.cluster.local', at: [22, 9] },
  { name: 'local-origin failures without split', args: [f('dr-local-origin.yaml')], path: 'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures', message: 'splitExternalLocalOriginErrors: true' },
  { name: 'Istio duration under 1ms', args: [f('dr-bad-interval.yaml')], path: 'spec.trafficPolicy.outlierDetection.interval', message: 'shorter than 1ms' },
  { name: 'bad locality string', args: [f('mesh-bad-locality.yaml')], path: 'spec.clusters[1].workloads[0].locality', message: 'has 4 parts' },
  { name: 'service without version', args: [f('mesh-service-without-version.yaml')], path: 'spec.clusters[1].workloads[0].version', message: 'needs a version' },
  { name: 'mesh unknown field', args: [f('mesh-unknown-field.yaml')], path: 'spec.clusters[1].eastWestGatway', message: 'did you mean "eastWestGateway"?' },
  { name: 'fail.fraction > 1', args: [f('fail-fraction.yaml')], path: 'spec.timeline[0].fail.fraction', message: 'fraction must be in (0, 1], got 1.5' },
  { name: 'fail.status out of range', args: [f('fail-status.yaml')], path: 'spec.timeline[0].fail.status', message: 'status must be ≤ 599, got 600' },
  {
    name: 'gatewayDown on a cluster without gateway',
    args: [f('gateway-without-gateway.yaml'), '--mesh', `${VALID}/mesh-no-gateway.yaml`],
    path: 'spec.timeline[0].gatewayDown.cluster',
    message: 'gatewayDown needs an east-west gateway, and cluster cluster2 has none',
  },
  { name: 'missing kind', args: [f('missing-kind.yaml')], path: 'kind', message: 'missing "kind"' },
  { name: 'missing apiVersion', args: [f('missing-apiversion.yaml')], path: 'apiVersion', message: 'add "apiVersion: meshbench.dev/v1alpha1"' },
  {
    name: 'a Scenario given where a Mesh is expected',
    args: [f('mesh-as-scenario-ref.yaml'), '--mesh', f('non-dns-name.yaml')],
    file: f('non-dns-name.yaml'),
    path: 'kind',
    message: 'expected kind Mesh, found Scenario',
  },
  { name: 'empty file', args: [f('empty.yaml')], path: '(document)', message: 'empty file' },
];

describe('meshbench validate: malformed inputs', () => {
  it('covers at least 30 distinct malformed inputs', () => {
    expect(new Set(CASES.map((c) => c.args.join(' '))).size).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$name', async (c) => {
    const r = await runCli(['validate', ...c.args]);
    const file = c.file ?? c.args[0] ?? '';
    expect(r.code).toBe(3);
    const where = c.at === undefined ? ':\\d+:\\d+' : `:${c.at[0]}:${c.at[1]}`;
    expect(r.stderr).toMatch(new RegExp(`${escape(file)}${where}  ${escape(c.path)}  `));
    if (typeof c.message === 'string') expect(r.stderr).toContain(c.message);
    else expect(r.stderr).toMatch(c.message);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stdout).not.toContain(`ok  ${c.args[0] ?? ''}`);
  });

  it('does not repeat "missing replicas" next to the did-you-mean for "replica"', async () => {
    const r = await runCli(['validate', f('unknown-field.yaml')]);
    expect(r.stderr).toContain('error: 1 problem in');
    expect(r.stderr).not.toContain('missing required field');
  });

  it('reports a missing file with its absolute path', async () => {
    const r = await runCli(['validate', f('does-not-exist.yaml')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${f('does-not-exist.yaml')}  (document)  file not found: ${resolve(f('does-not-exist.yaml'))}`);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('lists built-in scenario names when a missing reference looks like a name', async () => {
    const r = await runCli(['validate', 'failovr']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('built-in scenarios: circuit-breaker, cross-network-failover, cross-network-failover-back, distribution, duplicate-gateway, failover, failover-priority-regions, gateway-down, locality, outlier-503, overload, scale-up');
  });

  it('keeps line and column right for JSON input', async () => {
    const file = f('json-error.json');
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('"fast"')) + 1;
    const col = (lines[line - 1] ?? '').indexOf('"fast"') + 1;
    expect(line).toBeGreaterThan(1);
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${file}:${line}:${col}  spec.load.rate  "fast" is not a rate`);
  });

  it('lists every problem of a file with several', async () => {
    const file = f('several-problems.yaml');
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`error: 5 problems in ${file}`);
    for (const path of ['spec.client.workload', 'spec.load.duration', 'spec.timeline[0].scale.replicas', 'spec.timeline[1].extra', 'spec.thresholds[1]']) {
      expect(r.stderr).toMatch(new RegExp(`${escape(file)}:\\d+:\\d+  ${escape(path)}  `));
    }
    // In file order.
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(`  ${file}:`));
    const positions = lines.map((l) => Number(/:(\d+):/.exec(l)?.[1]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});

describe('meshbench validate: valid inputs', () => {
  it('accepts the built-in scenarios, mesh and the seed DestinationRule', async () => {
    const files = ['distribution', 'locality', 'failover', 'outlier-503', 'gateway-down', 'overload'].map((n) => `scenarios/${n}.yaml`);
    const r = await runCli(['validate', ...files, 'scenarios/meshes/two-cluster.yaml', 'manifests/08-locality-lb.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'ok  scenarios/distribution.yaml  (Scenario distribution)',
      'ok  scenarios/locality.yaml  (Scenario locality)',
      'ok  scenarios/failover.yaml  (Scenario failover)',
      'ok  scenarios/outlier-503.yaml  (Scenario outlier-503)',
      'ok  scenarios/gateway-down.yaml  (Scenario gateway-down)',
      'ok  scenarios/overload.yaml  (Scenario overload)',
      'ok  scenarios/meshes/two-cluster.yaml  (Mesh two-cluster)',
      'ok  manifests/08-locality-lb.yaml  (DestinationRule helloworld)',
    ]);
  });

  it('accepts built-in scenario names and runs from any directory', async () => {
    const r = await runCli(['validate', 'failover', 'locality'], { cwd: join(process.cwd(), 'test') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok  builtin:failover  (Scenario failover)');
  });

  it('checks scenarios against --mesh and reports it too', async () => {
    const scenario = f('gateway-without-gateway.yaml');
    expect((await runCli(['validate', scenario])).code).toBe(0);
    const r = await runCli(['validate', scenario, '--mesh', `${VALID}/mesh-no-gateway.yaml`]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`ok  ${VALID}/mesh-no-gateway.yaml  (Mesh small)`);
  });

  it('prints ok lines for the valid files and problems for the others', async () => {
    const r = await runCli(['validate', 'scenarios/failover.yaml', f('zero-rate.yaml'), `${VALID}/manifests/helloworld-dr.yaml`]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('ok  scenarios/failover.yaml  (Scenario failover)');
    expect(r.stdout).toContain(`ok  ${VALID}/manifests/helloworld-dr.yaml  (DestinationRule helloworld, sleep)`);
    expect(r.stderr).toContain(`error: 1 problem in ${f('zero-rate.yaml')}`);
  });

  it('prints a JSON report with --json', async () => {
    const r = await runCli(['validate', 'scenarios/failover.yaml', f('zero-rate.yaml'), '--json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as { ok: boolean; files: Array<{ file: string; kind?: string; names: string[]; problems: Array<{ path: string; line: number }> }> };
    expect(report.ok).toBe(false);
    expect(report.files[0]).toEqual({ file: 'scenarios/failover.yaml', kind: 'Scenario', names: ['failover'], problems: [] });
    expect(report.files[1]?.problems).toEqual([expect.objectContaining({ path: 'spec.load.rate', line: 8, col: 11 })]);
    const clean = await runCli(['validate', 'manifests/08-locality-lb.yaml', '--json']);
    expect(clean.code).toBe(0);
    expect((JSON.parse(clean.stdout) as { ok: boolean }).ok).toBe(true);
  });

  it('needs at least one file (usage error)', async () => {
    const r = await runCli(['validate']);
    expect(r.code).toBe(2);
  });
});
