/**
 * What a kube run is asked to do and the outside world it runs in: the types every step of
 * `src/kube/run` reads (prepare, start-load, run), in one module none of them owns, so the steps
 * import it rather than each other.
 */
import type { Clock, Progress } from '../../app/ports.js';
import type { Mesh } from '../../model/mesh.js';
import type { Scenario } from '../../model/scenario.js';
import type { KubeObject } from '../gateway.js';
import type { ChangeJournal } from './journal.js';
import type { TrialTiming } from './trial.js';

/** One scenario to run on the clusters, with everything the CLI loaded for it. */
export interface KubeRunRequest {
  scenario: Scenario;
  sha256: string;
  mesh: Mesh;
  contexts: string[];
  /** `--kubeconfig`, absolute. */
  kubeconfig?: string;
  /** `--request-timeout`: per API request, exec and log stream opening (ms). */
  requestTimeoutMs?: number;
  /** `--timeout`: what is left of the command's overall limit (ms); past it the run stops, restores and keeps what it measured (exit 4). */
  timeoutMs?: number;
  /** The `--timeout` the user gave (ms), for messages; default timeoutMs. */
  timeoutGivenMs?: number;
  env: Record<string, string | undefined>;
  cwd: string;
  load: 'k6' | 'curl';
  k6Image: string;
  /** Text of scenarios/k6/meshbench.ts (k6 mode). */
  k6Script: string;
  parallelism?: number;
  trials: number;
  labels: Record<string, string>;
  /** Lowercase hex id of this run (names the k6 objects and the stop file). */
  runId: string;
  /** The manifest of a DestinationRule the scenario names, by its source and name. */
  ruleManifest: (source: string, name: string) => KubeObject;
  /** `--prometheus`: the Prometheus to cross-check with (default: the client cluster's istio-system/prometheus, if any). */
  prometheus?: string;
}

/** The outside world of a kube run. */
export interface KubeRunDeps {
  clock: Clock;
  jitter: () => number;
  progress: Progress;
  /** Aborted on Ctrl-C / SIGTERM: the run stops, restores, and throws InterruptedError. */
  signal: AbortSignal;
  journal: ChangeJournal;
  newId(scenario: string, date: Date): string;
  /** Registers what a second Ctrl-C prints (what is left and the restore command). */
  onSecondInterrupt?: (handler: () => void) => void;
  /** Where the second-interrupt message goes (stderr). */
  writeErr: (text: string) => void;
  timing?: Partial<TrialTiming>;
}
