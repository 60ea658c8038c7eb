/**
 * Worker-thread entry for simulator trials: receives a job and its seeds, runs them with the same
 * pure function the in-process path uses, and posts progress ticks and the combined batch back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSimTrials, type SimJob } from '../app/sim-trials.js';

interface WorkerInput {
  job: SimJob;
  seeds: number[];
  firstTrial: number;
}

const port = parentPort;
if (port === null) throw new Error('trial-worker must run in a worker thread');
const input = workerData as WorkerInput;
try {
  const batch = runSimTrials(input.job, input.seeds, input.firstTrial, () => port.postMessage({ type: 'trial' }));
  port.postMessage({ type: 'done', batch });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
