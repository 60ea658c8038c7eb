import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompareJson } from '../../src/app/compare.js';
import type { Result } from '../../src/model/result.js';
import { validateResult } from '../../src/model/result-schema.js';
import { runCli } from '../support/cli.js';

/**
 * Many clients through the CLI: `run` of the built-in two-clients-failover scenario, per-client
 * figures in the result (read back through the store), thresholds with `{client=…}` (exit 10 when
 * one fails, exit 3 for a client the scenario does not have), per-client tables in report and compare.
 */

const fresh = () => mkdtempSync(join(tmpdir(), 'meshbench-clients-'));
const MESH = resolve('scenarios/meshes/two-cluster-two-clients.yaml');

function results(dir: string): Result[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Result);
}

function comparable(r: Result): string {
  const { id: _id, startedAt: _s, finishedAt: _f, ...rest } = r;
  return JSON.stringify(rest);
}

const run = (out: string, seed: string, extra: string[] = []) =>
  runCli(['run', 'two-clients-failover', '--mesh', MESH, '--seed', seed, '--repeat', '2', '--workers', '1', '--out', out, '--no-color', ...extra]);

describe('meshbench run with two clients in two clusters', () => {
  it('each client has its own figures: cluster1 fails over and back, cluster2 keeps its traffic in cluster2', async () => {
    const out = fresh();
    const r = await run(out, '7');
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const [result] = results(out);
    expect(result!.clients?.map((c) => c.name)).toEqual(['cluster1/sleep', 'cluster2/sleep']);
    const [one, two] = result!.clients!;
    expect(one!.summary.failover?.trials).toBe(2);
    expect(one!.summary.distribution['v2']?.count).toBeGreaterThan(0);
    expect(one!.summary.perTrial).toHaveLength(2);
    expect(two!.summary.failover).toBeUndefined();
    expect(two!.summary.distribution['v2']?.share).toBe(1);
    expect(two!.summary.locality?.sameCluster).toBe(1);
    // The overall figures cover both clients; failover figures are per client only.
    expect(result!.summary.requests).toBe(one!.summary.requests + two!.summary.requests);
    expect(result!.summary.failover).toBeUndefined();
    expect(result!.thresholds.every((t) => t.ok)).toBe(true);
    expect(r.stdout).toContain('Clients (2; every figure relative to that client)');
    expect(r.stdout).toMatch(/cluster2\/sleep +[\d,]+ +0 +v2 100\.0%.*not affected/);
    // The result reads back through the schema (and the per-client table is in `report`).
    expect(validateResult(result, 'test').ok).toBe(true);
    const report = await runCli(['report', join(out, `${result!.id}.json`), '--no-color']);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('Clients (2;');
    const page = join(out, 'report.html');
    expect((await runCli(['report', join(out, `${result!.id}.json`), '--html', page])).code).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('Clients (2; every figure relative to that client)');
    expect(html).toMatch(/<th scope="row">cluster2\/sleep<\/th>/);
  });

  it('the same seed gives the same bytes (apart from id and timestamps)', async () => {
    const [a, b] = [fresh(), fresh()];
    await run(a, '3');
    await run(b, '3');
    expect(comparable(results(b)[0]!)).toBe(comparable(results(a)[0]!));
  });

  it('compare shows a table per client, tested over that client’s trials', async () => {
    const [a, b] = [fresh(), fresh()];
    await run(a, '1');
    await run(b, '1', ['--istio', '1.18']);
    const ids = [a, b].map((dir) => join(dir, `${results(dir)[0]!.id}.json`));
    const text = await runCli(['compare', ...ids, '--no-color']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Client cluster1/sleep');
    expect(text.stdout).toContain('Client cluster2/sleep');
    expect(text.stdout).toMatch(/recovery p50 +A/);
    const json = JSON.parse((await runCli(['compare', ...ids, '--json'])).stdout) as CompareJson;
    expect(json.clients?.map((c) => c.name)).toEqual(['cluster1/sleep', 'cluster2/sleep']);
    expect(json.clients?.[0]?.comparisons[0]?.errors.unit).toBe('trials');
    expect(json.clients?.[1]?.subjects[0]?.failover).toBeNull();
  });
});

describe('meshbench explain with two clients', () => {
  it('explains the EDS each client proxy gets, from its own place', async () => {
    const r = await runCli(['explain', 'two-clients-failover', '--mesh', MESH, '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/client cluster1\/sleep \(network1, us-east1\/us-east1-b\)[\s\S]*client cluster2\/sleep \(network2, us-west1\/us-west1-a\)/);
  });
});

describe('thresholds that name a client', () => {
  const scenario = (thresholds: string[]) => {
    const dir = fresh();
    const file = join(dir, 'two.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: meshbench.dev/v1alpha1',
        'kind: Scenario',
        'metadata: {name: two}',
        'spec:',
        '  clients:',
        '    - {cluster: cluster1, workload: sleep}',
        '    - {cluster: cluster2, workload: sleep, load: {rate: 5}}',
        '  destinationRule: builtin:locality-lb',
        '  load: {rate: 5, duration: 10s}',
        '  thresholds:',
        ...thresholds.map((t) => `    - "${t}"`),
        '',
      ].join('\n'),
    );
    return { dir, file };
  };

  it('are judged on that client’s figures: exit 10 when one fails (the result is saved first)', async () => {
    const { dir, file } = scenario(['distribution.v1.share{client=cluster1/sleep} > 0.99', 'distribution.v1.share{client=cluster2/sleep} > 0.5']);
    const r = await runCli(['run', file, '--mesh', MESH, '--seed', '2', '--out', dir, '--no-color']);
    expect(r.code).toBe(10);
    const [result] = results(dir);
    expect(result!.thresholds.map((t) => [t.ok, t.value])).toEqual([
      [true, 1],
      [false, 0],
    ]);
  });

  it('exit 3 naming the file, the field and the unknown client', async () => {
    const { dir, file } = scenario(['errors.rate{client=cluster3/sleep} < 1%']);
    const r = await runCli(['run', file, '--mesh', MESH, '--out', dir, '--no-color']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/two\.yaml:11:\d+ +spec\.thresholds\[0\] +threshold names client "cluster3\/sleep", which is not a client of this scenario/);
    expect(r.stderr).toContain('clients: cluster1/sleep, cluster2/sleep');
  });
});
