/**
 * Issue 17, "no figure beside 'not measured'": a compare row that shows a subject's measured
 * failover figures must give the real reason its verdict is missing (one trial each, not measured
 * in the baseline and why), never a bare "not measured".
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const scenario = (name: string, restore: boolean, durationS = 12) => `apiVersion: meshbench.dev/v1alpha1
kind: Scenario
metadata: {name: ${name}}
spec:
  client: {cluster: cluster1, workload: sleep}
  request: {service: helloworld, namespace: sample, port: 5000, path: /hello, timeout: 10s}
  destinationRule: builtin:locality-lb
  load: {concurrency: 1, duration: ${durationS}s, thinkTime: 0s}
  timeline:
    - {at: 4s, name: fault, scale: {cluster: cluster1, deployment: helloworld-v1, replicas: 0}}
${restore ? '    - {at: 8s, name: restore, scale: {cluster: cluster1, deployment: helloworld-v1, replicas: 1}}\n' : ''}  measure:
    failover: {fault: fault${restore ? ', restore: restore' : ''}}
`;

let cwd: string;
const ids: Record<string, string> = {};

async function run(file: string, seed: number, out: string): Promise<string> {
  const r = await runCli(['run', file, '--seed', String(seed), '--out', out, '--workers', '1', '--quiet'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  const [name] = await readdir(join(cwd, out));
  return join(out, name!);
}

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'meshbench-not-measured-'));
  await writeFile(join(cwd, 'back.yaml'), scenario('back', true));
  await writeFile(join(cwd, 'away.yaml'), scenario('away', false));
  ids.back1 = await run('back.yaml', 1, 'r1');
  ids.back2 = await run('back.yaml', 2, 'r2');
  ids.away = await run('away.yaml', 3, 'r3');
  // Ends 0.6 s after the fault: the failures stop, but no full 1 s window follows (run ended).
  await writeFile(join(cwd, 'short.yaml'), scenario('short', false, 4.6));
  ids.short = await run('short.yaml', 3, 'r4');
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** The failback rows of the compare's failover table (the figure's first row and the next subject's). */
async function failbackRows(a: string, b: string): Promise<string[]> {
  const r = await runCli(['compare', a, b], { cwd });
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.split('\n');
  const at = lines.findIndex((l) => /^\s+failback\s/.test(l));
  expect(at).toBeGreaterThan(0);
  return lines.slice(at, at + 2);
}

describe('compare: the note beside a measured failover figure says why there is no verdict', () => {
  it('one trial each, failback measured in both: "single trial: no test"', async () => {
    const [base, subject] = await failbackRows(ids.back1!, ids.back2!);
    expect(base).toMatch(/failback\s+A\s+1\s+\S+s/);
    expect(subject).toMatch(/B\s+1\s+\S+s.*single trial: no test/);
  });

  it('failback measured in the subject only: "not measured in baseline: no restore event"', async () => {
    const [base, subject] = await failbackRows(ids.away!, ids.back1!);
    expect(base).toMatch(/failback\s+A\s+-\s/);
    expect(subject).toMatch(/B\s+1\s+\S+s/);
    expect(subject).toContain('not measured in baseline: no restore event');
  });

  it('failback measured in the baseline only: the subject row has no figure and says why', async () => {
    const [, subject] = await failbackRows(ids.back1!, ids.away!);
    expect(subject).toMatch(/B\s+-\s+-/);
    expect(subject).toContain('not measured: no restore event');
  });

  it('a subject whose recovery the run ended too early to judge: no "not recovered" beside "not measured: run ended"', async () => {
    const r = await runCli(['compare', ids.back1!, ids.short!], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => /^\s+recovery\s/.test(l));
    const subject = lines[at + 1]!;
    expect(subject).toContain('not measured: run ended');
    expect(subject).not.toContain('not recovered');
    expect(subject).toMatch(/B\s+-\s+-/);
  });

  it('report of that run: the recovery cell says "not measured: run ended", not "not recovered"', async () => {
    const r = await runCli(['report', ids.short!], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/recovery\s+not measured: run ended/);
    expect(r.stdout).toContain('1 not measured: the run ended before a full window');
  });
});
