/**
 * Runs simulator trials over worker threads (`--repeat N`): seeds are split into contiguous chunks,
 * one per worker, and the batches are combined in seed order, so the result does not depend on how
 * many workers ran or which finished first. On an interrupt every worker stops between slices and
 * returns the trials it completed; the kept trials are the longest run of completed seeds from the
 * first one (seed order), so an interrupted result is the same whatever the number of workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { inProcessPool, type PoolHooks, type PoolOutcome, type TrialPool } from '../app/run-sim.js';
import type { SimBatch, SimJob, StoppedBatch, TrialPosition } from '../app/sim-trials.js';
import { combineTrials } from '../measure/combine.js';

/** Below this many simulated requests a worker costs more than it saves. */
const MIN_REQUESTS_FOR_WORKERS = 200_000;

/** A macrotask yield between slices, so SIGINT/SIGTERM handlers run during an in-process trial. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type ChunkOutcome = { kind: 'done'; batch: SimBatch } | { kind: 'stopped'; stopped: StoppedBatch };

export function workerTrialPool(opts: { workers?: number } = {}): TrialPool {
  return {
    async run(job, seeds, hooks) {
      const perTrial = job.scenario.load.kind === 'open' ? (job.scenario.load.ratePerS * job.scenario.load.durationUs) / 1e6 : 50_000;
      const workers = Math.min(opts.workers ?? availableParallelism(), seeds.length);
      const worthIt = opts.workers !== undefined || perTrial * seeds.length >= MIN_REQUESTS_FOR_WORKERS;
      if (workers <= 1 || !worthIt) return inProcessPool(yieldToEventLoop).run(job, seeds, hooks);
      const chunks: number[][] = [];
      const size = Math.ceil(seeds.length / workers);
      for (let i = 0; i < seeds.length; i += size) chunks.push(seeds.slice(i, i + size));
      const stop = new Int32Array(new SharedArrayBuffer(4));
      const onAbort = () => Atomics.store(stop, 0, 1);
      if (hooks.signal?.aborted === true) onAbort();
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const outs = await Promise.all(chunks.map((chunk, i) => runInWorker({ job, seeds: chunk, firstTrial: i * size, stop, reportSlices: i === 0 }, hooks)));
        return combineChunks(outs, size);
      } finally {
        hooks.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** Chunks in seed order; after a stop, only whole chunks before the first cut one plus that chunk's completed trials. */
function combineChunks(outs: ChunkOutcome[], size: number): PoolOutcome {
  const kept: SimBatch[] = [];
  let completed = 0;
  for (const [i, out] of outs.entries()) {
    if (out.kind === 'done') {
      kept.push(out.batch);
      completed += size;
      continue;
    }
    if (out.stopped.batch !== undefined) kept.push(out.stopped.batch);
    completed += out.stopped.completed;
    const at: TrialPosition = { ...out.stopped.at, index: i * size + out.stopped.at.index };
    return { kind: 'stopped', batch: kept.length === 0 ? undefined : merge(kept), completed, at };
  }
  return { kind: 'done', batch: merge(kept) };
}

function merge(batches: SimBatch[]): SimBatch {
  const first = batches[0] as SimBatch;
  return {
    measures: combineTrials(batches.map((b) => b.measures)),
    events: first.events,
    eventsSeed: first.eventsSeed,
    requests: batches.reduce((s, b) => s + b.requests, 0),
    eventsProcessed: batches.reduce((s, b) => s + b.eventsProcessed, 0),
    responseFlags: sumFlags(batches.map((b) => b.responseFlags)),
  };
}

function sumFlags(list: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const flags of list) for (const [f, n] of Object.entries(flags)) out[f] = (out[f] ?? 0) + n;
  return out;
}

function runInWorker(data: { job: SimJob; seeds: number[]; firstTrial: number; stop: Int32Array; reportSlices: boolean }, hooks: PoolHooks): Promise<ChunkOutcome> {
  const worker = spawnWorker(data);
  return new Promise<ChunkOutcome>((resolve, reject) => {
    const finish = (f: () => void) => {
      void worker.terminate();
      f();
    };
    worker.on('message', (m: { type: string; batch?: SimBatch; stopped?: StoppedBatch; at?: TrialPosition; message?: string }) => {
      if (m.type === 'trial') hooks.onTrialDone();
      else if (m.type === 'slice') hooks.onSlice?.(m.at as TrialPosition);
      else if (m.type === 'done') finish(() => resolve({ kind: 'done', batch: m.batch as SimBatch }));
      else if (m.type === 'stopped') finish(() => resolve({ kind: 'stopped', stopped: m.stopped as StoppedBatch }));
      else if (m.type === 'error') finish(() => reject(new Error(`simulation worker failed: ${m.message ?? 'unknown error'}`)));
    });
    worker.on('error', (e) => reject(e));
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
