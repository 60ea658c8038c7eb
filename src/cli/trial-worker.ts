/**
 * Worker-thread entry for simulator trials: receives a job and its seeds, runs them with the same
 * sliced trial loop the in-process path uses, and posts progress ticks and the combined batch back.
 * A stop is a flag in shared memory the parent sets on an interrupt: the worker's loop is
 * synchronous, so it could not receive a message, but it reads the flag between slices.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSimTrialsSliced, type SimJob } from '../app/sim-trials.js';

interface WorkerInput {
  job: SimJob;
  seeds: number[];
  firstTrial: number;
  /** Int32Array over a SharedArrayBuffer: element 0 becomes 1 when the parent asks to stop. */
  stop: Int32Array;
  /** Only the first worker reports its position within a trial (one progress line). */
  reportSlices: boolean;
}

const port = parentPort;
if (port === null) throw new Error('trial-worker must run in a worker thread');
const input = workerData as WorkerInput;
try {
  const out = await runSimTrialsSliced(
    input.job,
    input.seeds,
    input.firstTrial,
    {
      stopRequested: () => Atomics.load(input.stop, 0) !== 0,
      ...(input.reportSlices ? { onSlice: (at) => port.postMessage({ type: 'slice', at }) } : {}),
    },
    () => port.postMessage({ type: 'trial' }),
  );
  port.postMessage('done' in out ? { type: 'done', batch: out.done } : { type: 'stopped', stopped: out.stopped });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
