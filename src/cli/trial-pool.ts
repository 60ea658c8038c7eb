/**
 * Runs simulator trials over worker threads (`--repeat N`): seeds are split into contiguous chunks,
 * one per worker, and the batches are combined in seed order, so the result does not depend on how
 * many workers ran or which finished first.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { inProcessPool, type TrialPool } from '../app/run-sim.js';
import type { SimBatch, SimJob } from '../app/sim-trials.js';
import { combineTrials } from '../measure/combine.js';

/** Below this many simulated requests a worker costs more than it saves. */
const MIN_REQUESTS_FOR_WORKERS = 200_000;

export function workerTrialPool(opts: { workers?: number; signal?: AbortSignal } = {}): TrialPool {
  return {
    async run(job, seeds, onTrialDone) {
      const perTrial = job.scenario.load.kind === 'open' ? (job.scenario.load.ratePerS * job.scenario.load.durationUs) / 1e6 : 50_000;
      const workers = Math.min(opts.workers ?? availableParallelism(), seeds.length);
      const worthIt = opts.workers !== undefined || perTrial * seeds.length >= MIN_REQUESTS_FOR_WORKERS;
      if (workers <= 1 || !worthIt) return inProcessPool.run(job, seeds, onTrialDone);
      const chunks: number[][] = [];
      const size = Math.ceil(seeds.length / workers);
      for (let i = 0; i < seeds.length; i += size) chunks.push(seeds.slice(i, i + size));
      const batches = await Promise.all(chunks.map((chunk, i) => runInWorker(job, chunk, i * size, onTrialDone, opts.signal)));
      const first = batches[0] as SimBatch;
      return {
        measures: combineTrials(batches.map((b) => b.measures)),
        events: first.events,
        eventsSeed: first.eventsSeed,
        requests: batches.reduce((s, b) => s + b.requests, 0),
        eventsProcessed: batches.reduce((s, b) => s + b.eventsProcessed, 0),
      };
    },
  };
}

function runInWorker(job: SimJob, seeds: number[], firstTrial: number, onTrialDone: () => void, signal?: AbortSignal): Promise<SimBatch> {
  const worker = spawnWorker({ job, seeds, firstTrial });
  return new Promise<SimBatch>((resolve, reject) => {
    const onAbort = () => {
      void worker.terminate();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { type: string; batch?: SimBatch; message?: string }) => {
      if (m.type === 'trial') onTrialDone();
      else if (m.type === 'done') {
        signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        resolve(m.batch as SimBatch);
      } else if (m.type === 'error') {
        signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        reject(new Error(`simulation worker failed: ${m.message ?? 'unknown error'}`));
      }
    });
    worker.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
  });
}

/**
 * The worker runs the compiled entry next to this module; from TypeScript sources (tests, tsx)
 * it loads the .ts entry through tsx's loader.
 */
function spawnWorker(data: unknown): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    const entry = new URL('./trial-worker.ts', self).href;
    const code = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(self)}))`;
    return new Worker(code, { eval: true, workerData: data });
  }
  return new Worker(new URL('./trial-worker.js', self), { workerData: data });
}
