/**
 * One request as every target reports it (product.md §1). Times are integer microseconds
 * relative to the run start. The measures never know which target produced a sample.
 */
export interface Sample {
  /** When the load model wanted the request sent (latency is measured from here: no coordinated omission). */
  scheduledUs: number;
  /** When the request actually left the client (> scheduledUs means a late start). */
  startUs: number;
  /** When the client got the final answer (after any retries). */
  endUs: number;
  /** HTTP status of the final answer; 0 = connection error or timeout. */
  status: number;
  /** `version` parsed from helloworld's body (`Hello version: v1, instance: …`). */
  version?: string;
  /** Pod that answered (`instance` in helloworld's body). */
  instance?: string;
  /** Cluster of the pod that answered. */
  cluster?: string;
  /** Locality `region/zone/subzone` of the pod that answered. */
  locality?: string;
  /** Attempts the client proxy made (1 + retries) when the target knows it. */
  attempts?: number;
  /**
   * Position of the request in scheduled order (0, 1, 2, … — each once per trial) when the target
   * knows it, as the simulator does; the measures then keep rows in that order instead of sorting
   * them. Targets that do not know it leave it out (all samples of a trial, or none, carry it).
   */
  seq?: number;
  /**
   * Multi-client simulator runs: index of the scenario client that sent the request, and its place
   * in that client's own scheduled order (0, 1, 2, … per client). Absent with one client.
   */
  client?: number;
  clientSeq?: number;
}

/** A failure is any non-2xx status or a connection error/timeout (product.md §4). */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A named moment of the run (a timeline action or an observation), in ms from the start. */
export interface RunEvent {
  name: string;
  atMs: number;
  /** Human description, e.g. `scale cluster1/helloworld-v1 to 0`. */
  action: string;
  /** Trial index for multi-trial runs (0-based); absent for single runs. */
  trial?: number;
}

/**
 * Where the client sits, so locality shares can be computed
 * (same locality / cluster / network as the client).
 */
export interface ClientPlacement {
  cluster: string;
  network: string;
  /** `region/zone/subzone` (missing parts empty). */
  locality: string;
}

/** Receives samples as requests finish. The sample object may be reused by the caller: copy what you keep. */
export interface SampleSink {
  record(sample: Sample): void;
}

/**
 * The events a target has seen so far in a running trial (the simulator's observer), for measures
 * that count requests by phase as they go instead of keeping every row: an event not seen yet
 * happens later than every request the measures have been handed.
 */
export interface EventsSoFar {
  /** Time (µs) of the first event of that name, undefined while none has happened. */
  firstUsOf(name: string): number | undefined;
  /** Time (µs) of the first event of any name, Infinity while none has happened. */
  firstUs(): number;
}
