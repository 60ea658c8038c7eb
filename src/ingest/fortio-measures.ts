import { measuresFromAggregate, recordSpread } from '../measure/aggregate-measures.js';
import { Histogram } from '../measure/histogram.js';
import type { TrialMeasures } from '../measure/types.js';
import type { LoadSummary } from '../model/result.js';
import type { FortioRun } from './fortio.js';

/**
 * Measures of a fortio run: the latency histogram rebuilt from fortio's buckets (each bucket's
 * count spread evenly inside it, so percentiles stay within fortio's bucket resolution), status
 * counts from `RetCodes`, the load model from `NumThreads` and `RequestedQPS` (closed: paced at the
 * rate, or as fast as possible for `max`). fortio's durations are measured from the actual send
 * (its own catch-up hides coordinated omission only partly), and it attributes nothing to versions.
 * The file's exact Min, Max, Avg and Count are kept beside the rebuilt histogram (`bucketLatency`):
 * max and mean are reported from them, percentiles are marked as limited by fortio's buckets.
 */
export function fortioMeasures(run: FortioRun): TrialMeasures {
  const latency = new Histogram();
  for (const b of run.buckets) recordSpread(latency, b.startUs, b.endUs, b.count);
  let requests = 0;
  for (const c of Object.values(run.statusCodes)) requests += c;
  const durationMs = run.durationUs / 1000;
  // fortio's periodic runner (fortio periodic/periodic.go, runOne) gives each of its NumThreads
  // goroutines qps/threads calls a second: a goroutine makes a call, waits for its answer, then
  // sleeps until its next slot ("Sleep times" in fortio's output). A slow answer delays the next
  // call instead of queueing it: a closed, paced model, never an open one, with or without -qps.
  const load: LoadSummary =
    run.requestedQps !== null
      ? { model: 'closed', concurrency: run.threads, ratePerS: run.requestedQps, durationMs, resolutionMs: 1000 / run.requestedQps }
      : { model: 'closed', concurrency: run.threads, durationMs, resolutionMs: requests > 1 ? durationMs / (requests - 1) : 0 };
  const measures = measuresFromAggregate({ latency, statusCodes: run.statusCodes, load });
  const e = run.exact;
  measures.bucketLatency = { tool: 'fortio', exact: e === null ? null : { minUs: e.minUs, maxUs: e.maxUs, meanUs: e.meanUs, count: run.count } };
  return measures;
}
