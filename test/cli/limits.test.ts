/**
 * Limits before work (issue 17): runs whose estimate is past the documented limits are refused
 * with exit 3 before anything is simulated, naming the field and the estimate; `validate` reports
 * them too; `--allow-large` lets them run. Each of these inputs used to start and grow without bound.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { runCliUntil } from '../support/cli-interrupt.js';

const DIR = 'test/fixtures/limits';

describe('size limits before a run', () => {
  it.each([
    ['duration: 10000h', `${DIR}/duration-10000h.yaml`, [], /duration-10000h\.yaml:8:\d+ {2}spec\.load\.duration {2}the run would simulate ~\d(\.\d)?e10 requests .*the limit is 1\.0e9 requests/],
    ['rate: 1e9', `${DIR}/rate-1e9.yaml`, [], /rate-1e9\.yaml:8:\d+ {2}spec\.load\.rate {2}the run would simulate ~6\.0e10 requests .*the limit is 1\.0e9 requests/],
    ['concurrency: 1e6', `${DIR}/concurrency-1e6.yaml`, [], /concurrency-1e6\.yaml:8:\d+ {2}spec\.load\.concurrency {2}the run would need ~1\.0 GiB of memory: 1\.0e6 virtual users/],
    ['replicas: 1e6', `${DIR}/tiny.yaml`, ['--mesh', `${DIR}/mesh-replicas-1e6.yaml`], /mesh-replicas-1e6\.yaml {2}spec\.clusters\[0\]\.workloads\[0\]\.replicas {2}the run would need ~3\.9 GiB of memory: 1\.0e6 pods/],
    ['--repeat 1e7', 'failover', ['--repeat', '1e7'], /command line {2}--repeat {2}--repeat 1\.0e7 is past the limit of 100,000 trials/],
  ])('refuses %s with exit 3, naming the field and the estimate, before simulating', async (_name, scenario, extra, message) => {
    const r = await runCli(['run', scenario, '--seed', '1', '--out', '/nonexistent/never-written', ...extra]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('pass --allow-large to run it anyway');
    expect(r.stderr).not.toContain('simulating');
  });

  it('validate reports the same sizes, in scenario and mesh files', async () => {
    const r = await runCli(['validate', `${DIR}/duration-10000h.yaml`, `${DIR}/rate-1e9.yaml`, `${DIR}/concurrency-1e6.yaml`, `${DIR}/mesh-replicas-1e6.yaml`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/duration-10000h\.yaml:8:\d+ {2}spec\.load\.duration {2}the run would simulate/);
    expect(r.stderr).toMatch(/rate-1e9\.yaml:8:\d+ {2}spec\.load\.rate/);
    expect(r.stderr).toMatch(/concurrency-1e6\.yaml:8:\d+ {2}spec\.load\.concurrency/);
    expect(r.stderr).toMatch(/mesh-replicas-1e6\.yaml:16:\d+ {2}spec\.clusters\[0\]\.workloads\[0\]\.replicas {2}1\.0e6 pods would need ~3\.9 GiB/);
    const allowed = await runCli(['validate', `${DIR}/duration-10000h.yaml`, '--allow-large']);
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('a long trial is counted as it runs and fits, with a fault in the timeline too (streamed in scheduled order)', async () => {
    const streamed = await runCli(['validate', `${DIR}/ten-hours.yaml`]);
    expect(streamed.code, streamed.stderr).toBe(0);
    const withFault = await runCli(['validate', `${DIR}/ten-hours-with-fault.yaml`]);
    expect(withFault.code, withFault.stderr).toBe(0);
  });

  it('the built-in scenarios are within the limits', async () => {
    const r = await runCli(['validate', 'distribution', 'locality', 'failover', 'outlier-503', 'gateway-down']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('--allow-large starts the refused run (here interrupted at its first trial)', async () => {
    const refused = await runCli(['run', `${DIR}/tiny.yaml`, '--repeat', '200000', '--seed', '1', '--out', '/nonexistent/never-written']);
    expect(refused.code).toBe(3);
    const r = await runCliUntil(['run', `${DIR}/tiny.yaml`, '--repeat', '200000', '--workers', '1', '--seed', '1', '--allow-large', '--out', '/nonexistent/never-written'], 'trial 1/200000');
    expect(r.stderr).toContain('simulating tiny: trial 1/200000');
    expect(r.code, r.stderr).toBe(130);
  });
});
