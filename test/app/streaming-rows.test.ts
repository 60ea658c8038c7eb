/**
 * Bounded memory (issue 17): a long trial is counted as the samples arrive instead of keeping a
 * row per request — simply counted when its measures are not cut at events, streamed in scheduled
 * order when they are (phases, `during` windows, failover figures). This holds only if streaming
 * gives exactly the measures the rows give, which is checked here on seeded trials of every kind
 * of scenario, faults included.
 */
import { describe, expect, it } from 'vitest';
import { accumulatorOptionsFor, simTrialOptions, type SimJob } from '../../src/app/sim-trials.js';
import { loadMesh, loadScenario } from '../../src/fs/documents.js';
import { createAccumulator } from '../../src/measure/accumulator.js';
import { estimateRun, needsRequestRows } from '../../src/model/run-limits.js';
import type { Scenario } from '../../src/model/scenario.js';
import { simulate, startSimulation } from '../../src/sim/engine/simulation.js';
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

  it.each(['failover', 'locality', 'outlier-503', 'gateway-down'])('%s is cut at events (phases or a DestinationRule): streamed in scheduled order', async (ref) => {
    expect(needsRequestRows((await jobFor(ref)).scenario)).toBe(true);
  });

  /** One trial through the accumulator with these options, as sim-trials runs it (events watched). */
  function trial(job: SimJob, opts: ReturnType<typeof accumulatorOptionsFor>, seed: number) {
    const acc = createAccumulator(opts);
    const sim = startSimulation({ mesh: job.mesh, scenario: job.scenario, profile: istioProfile(job.istio)!, seed }, acc);
    acc.watch(sim.events);
    sim.advance(Infinity);
    return acc.finish(sim.output().events);
  }

  // Scenarios with a fault: recovery with failures or hitless, failback, a gateway going down
  // (every version behind it faulted), 503s with outlier ejections, `during` windows, a fault
  // without a restore, an open model; a few seeds each (the failover race goes both ways).
  const shortened = (s: Scenario, durationUs: number): Scenario => ({ ...s, load: { ...s.load, durationUs } });
  it.each([
    ['failover', [1, 2, 3, 4]],
    ['outlier-503', [1, 2]],
    ['gateway-down', [1, 2]],
    ['failover-priority-regions', [1]],
    ['scale-up', [1]],
    ['overload', [1]],
  ] as const)('%s: the ordered stream gives exactly the measures of the rows', async (ref, seeds) => {
    const job = ref === 'failover-priority-regions' ? { ...(await jobFor(ref)), mesh: await loadMesh('scenarios/meshes/three-region.yaml', cwd) } : await jobFor(ref);
    const opts = accumulatorOptionsFor(job);
    for (const seed of seeds) {
      const rows = trial(job, { ...opts, keepSamples: true }, seed);
      const streamed = trial(job, { ...opts, keepSamples: false, orderedStream: true }, seed);
      expect(streamed).toEqual(rows);
    }
  });

  it('a run that ends mid-window: the same "run ended" outcomes from the stream as from the rows', async () => {
    const base = await jobFor('failover');
    // Restore 0.3 s before the end: failback cannot be judged; recovery neither when it comes late.
    const scenario = shortened(base.scenario, 40_300_000);
    const job = { ...base, scenario };
    const opts = accumulatorOptionsFor(job);
    for (const seed of [1, 2, 3]) {
      const rows = trial(job, { ...opts, keepSamples: true }, seed);
      expect(rows.failover?.figures[0]?.failback).toBe('run-ended');
      expect(trial(job, { ...opts, keepSamples: false, orderedStream: true }, seed)).toEqual(rows);
    }
  });

  it('an interrupted trial: the stream and the rows keep the same complete stretch of the schedule and give the same measures', async () => {
    const job = await jobFor('failover');
    const opts = accumulatorOptionsFor(job);
    const profile = istioProfile(job.istio)!;
    const total = simulate({ mesh: job.mesh, scenario: job.scenario, profile, seed: 1 }, createAccumulator(opts)).eventsProcessed;
    // Cut inside the fault (before the restore at 40 s of 60 s) and after the restore.
    for (const [seed, events] of [[1, Math.round(total * 0.5)], [2, Math.round(total * 0.8)]] as const) {
      const cut = (o: ReturnType<typeof accumulatorOptionsFor>) => {
        const acc = createAccumulator(o);
        const sim = startSimulation({ mesh: job.mesh, scenario: job.scenario, profile, seed }, acc);
        acc.watch(sim.events);
        expect(sim.advance(events)).toBe(false);
        return acc.finishPartial(sim.output().events);
      };
      const rows = cut({ ...opts, keepSamples: true });
      const streamed = cut({ ...opts, keepSamples: false, orderedStream: true });
      expect(rows).not.toBeNull();
      expect(streamed).toEqual(rows);
      expect(rows!.measures.load.durationMs).toBe(rows!.horizonUs / 1000);
      expect(rows!.measures.overall.requests).toBe(rows!.requests);
    }
  });

  it('streams only past a million requests per trial, and then keeps no rows in the estimate', async () => {
    expect(accumulatorOptionsFor(await jobFor('test/fixtures/limits/short-trial.yaml')).keepSamples).toBeUndefined();
    expect(accumulatorOptionsFor(await jobFor('failover')).keepSamples).toBeUndefined();
    const long = await jobFor('test/fixtures/limits/ten-hours.yaml');
    expect(simTrialOptions(long)).toMatchObject({ keepSamples: false, orderedStream: true });
    // Other targets (kube) number no samples: counted as they arrive only when no event cuts them.
    expect(accumulatorOptionsFor(long)).toMatchObject({ keepSamples: false });
    expect(accumulatorOptionsFor(long).orderedStream).toBeUndefined();
    expect(estimateRun(long.scenario, long.mesh, 1)).toMatchObject({ requestsPerTrial: 36e6, rowBytes: 0 });
    const withFault = await jobFor('test/fixtures/limits/ten-hours-with-fault.yaml');
    expect(simTrialOptions(withFault)).toMatchObject({ keepSamples: false, orderedStream: true });
    expect(accumulatorOptionsFor(withFault).keepSamples).toBeUndefined();
    expect(estimateRun(withFault.scenario, withFault.mesh, 1).rowBytes).toBe(0);
  });
});
