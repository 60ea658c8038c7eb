/**
 * Bounded memory (issue 17): a long trial whose measures need no per-request rows is counted as
 * the samples arrive. This holds only if streaming gives exactly the measures the rows give, which
 * is checked here on seeded trials of every kind of scenario that qualifies.
 */
import { describe, expect, it } from 'vitest';
import { accumulatorOptionsFor, type SimJob } from '../../src/app/sim-trials.js';
import { loadMesh, loadScenario } from '../../src/fs/documents.js';
import { createAccumulator } from '../../src/measure/accumulator.js';
import { estimateRun, needsRequestRows } from '../../src/model/run-limits.js';
import { simulate } from '../../src/sim/engine/simulation.js';
import { istioProfile } from '../../src/sim/istio-profile.js';

const cwd = process.cwd();

async function jobFor(ref: string): Promise<SimJob> {
  const mesh = await loadMesh(undefined, cwd);
  return { mesh, scenario: (await loadScenario(ref, cwd, mesh)).scenario, istio: '1.24' };
}

describe('streaming long trials', () => {
  it.each(['test/fixtures/limits/short-trial.yaml', 'distribution'])('%s: streamed counts equal the counts from rows', async (ref) => {
    const job = await jobFor(ref);
    expect(needsRequestRows(job.scenario)).toBe(false);
    const opts = accumulatorOptionsFor(job);
    const profile = istioProfile(job.istio)!;
    for (const seed of [1, 2]) {
      const rows = createAccumulator({ ...opts, keepSamples: true });
      const rowsOut = simulate({ mesh: job.mesh, scenario: job.scenario, profile, seed }, rows);
      const streamed = createAccumulator({ ...opts, keepSamples: false });
      const streamedOut = simulate({ mesh: job.mesh, scenario: job.scenario, profile, seed }, streamed);
      expect(streamedOut.events).toEqual([]);
      expect(streamed.finish(streamedOut.events)).toEqual(rows.finish(rowsOut.events));
    }
  });

  it.each(['failover', 'locality', 'outlier-503', 'gateway-down'])('%s keeps its rows (events, phases or a DestinationRule)', async (ref) => {
    expect(needsRequestRows((await jobFor(ref)).scenario)).toBe(true);
  });

  it('streams only past a million requests per trial, and then keeps no rows in the estimate', async () => {
    expect(accumulatorOptionsFor(await jobFor('test/fixtures/limits/short-trial.yaml')).keepSamples).toBeUndefined();
    const long = await jobFor('test/fixtures/limits/ten-hours.yaml');
    expect(accumulatorOptionsFor(long).keepSamples).toBe(false);
    expect(estimateRun(long.scenario, long.mesh, 1)).toMatchObject({ requestsPerTrial: 36e6, rowBytes: 0 });
    const withFault = await jobFor('test/fixtures/limits/ten-hours-with-fault.yaml');
    expect(estimateRun(withFault.scenario, withFault.mesh, 1).rowBytes).toBe(33);
  });
});
