/**
 * runSimTrials explains a job's clients once per job object (sim-trials.ts jobMeasureOptions) and
 * hands every call its own copy of the options: calling again with the same job, or a trial count
 * split over several calls, gives the bytes a fresh job gives.
 */
import { describe, expect, it } from 'vitest';
import { runSimTrials, type SimJob } from '../../src/app/sim-trials.js';
import { loadMesh, loadScenario } from '../../src/fs/documents.js';

const cwd = process.cwd();

describe('measure options shared by the calls of one job', async () => {
  const mesh = await loadMesh('scenarios/meshes/two-cluster-two-clients.yaml', cwd);
  const { scenario } = await loadScenario('two-clients-failover', cwd, mesh);
  const short = { ...scenario, load: { ...scenario.load, durationUs: 3_000_000 }, timeline: scenario.timeline.map((e, i) => ({ ...e, atUs: 1_000_000 + i * 1_000_000 })) };
  const job: SimJob = { mesh, scenario: short, istio: '1.31' };
  const fresh = (): SimJob => structuredClone(job);

  it('two clients: the same job twice gives what fresh jobs give, per client too', () => {
    const first = runSimTrials(job, [1], 0);
    const again = runSimTrials(job, [2], 1);
    expect(JSON.stringify(first)).toBe(JSON.stringify(runSimTrials(fresh(), [1], 0)));
    expect(JSON.stringify(again)).toBe(JSON.stringify(runSimTrials(fresh(), [2], 1)));
    expect(first.measures.clients?.map((c) => c.name)).toEqual(['cluster1/sleep', 'cluster2/sleep']);
  });
});
