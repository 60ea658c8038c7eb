/**
 * sim.trials: 1,000 failover trials (60 s at 1,000 req/s each) spread over worker threads with
 * their histograms merged, against the same trials on one thread. The speed-up is the median of
 * repetitions on a smaller set; the 1,000-trial run is timed once and reported as trials/s.
 */
import { availableParallelism } from 'node:os';
import type { SimBatch, SimJob } from '../src/app/sim-trials.js';
import { inProcessPool } from '../src/app/run-sim.js';
import { workerTrialPool } from '../src/cli/trial-pool.js';
import { median, timeRunsAsync, type BenchRow } from './harness.js';
import { failoverJob } from './sim-throughput.js';

export async function benchSimTrials(base: SimJob, reps: number, trials: number): Promise<{ row: BenchRow; batch: SimBatch; job: SimJob }> {
  const job = failoverJob(base, 1000, 60);
  const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const pool = workerTrialPool({ workers: availableParallelism() });
  const noop = () => {};
  const sample = Math.max(2, Math.round(trials / 10));
  const singleMs = median(await timeRunsAsync(reps, () => inProcessPool.run(job, seeds(sample), noop).then(() => {})));
  const parallelMs = median(await timeRunsAsync(reps, () => pool.run(job, seeds(sample), noop).then(() => {})));
  const t0 = performance.now();
  const batch = await pool.run(job, seeds(trials), noop);
  const fullMs = performance.now() - t0;
  if (batch.measures.trials !== trials) throw new Error(`merged ${batch.measures.trials} trials, expected ${trials}`);
  const ratio = singleMs / parallelMs;
  const row: BenchRow = {
    name: 'sim.trials',
    value: trials / (fullMs / 1000),
    unit: 'trials/s',
    baseline: sample / (singleMs / 1000),
    ratio,
    target: `speed-up ≥ 1.7× on ${availableParallelism()} cores (${trials} trials took ${(fullMs / 1000).toFixed(1)} s)`,
    ok: ratio >= 1.7,
    baselineIs: `the same trials (${sample} per repetition) on one thread; ratio = one-thread time / worker time`,
  };
  return { row, batch, job };
}
