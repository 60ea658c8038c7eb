/**
 * The kube driver's public surface: connect to the requested contexts (one isolated KubeConfig
 * and one ClusterGateway each) and hand them to deploy, doctor, cleanup — and to the run/restore
 * work that reuses the same gateways.
 */
import type { Clock } from '../app/ports.js';
import { createClusterGateway } from './client-gateway.js';
import type { ClusterGateway } from './gateway.js';
import { loadKubeconfig, type KubeconfigLocation } from './kubeconfig.js';
import type { RetryPolicy } from './retry.js';
import { clusterSpecs, type ClusterSpec } from './testbed.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type KubeTimeouts } from './timeouts.js';

export type { ClusterGateway, KubeObject, ObjectRef, ExecRequest, ExecResult } from './gateway.js';
export type { ClusterSpec } from './testbed.js';

export interface ConnectOptions extends KubeconfigLocation {
  /** kubeconfig contexts in cluster order (cluster1, cluster2, ...). */
  contexts: readonly string[];
  clock: Clock;
  /** Uniform draws in [0, 1) for retry jitter. */
  jitter: () => number;
  retryPolicy?: RetryPolicy;
  onRetry?: (message: string) => void;
  signal?: AbortSignal;
  /** Per-request limit (ms; default DEFAULT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** Overall limit from now (ms on `clock`): no call starts or is waited for after it. */
  timeoutMs?: number;
  /** How the overall limit was given, for messages (default `--timeout <n> s`). */
  timeoutLabel?: string;
}

/** The limits of a connection's calls, the deadline fixed now. */
export function timeoutsOf(opts: Pick<ConnectOptions, 'requestTimeoutMs' | 'timeoutMs' | 'timeoutLabel' | 'clock'>): KubeTimeouts {
  return {
    requestMs: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ...(opts.timeoutMs !== undefined ? { deadlineMs: opts.clock.now() + opts.timeoutMs, deadlineLabel: opts.timeoutLabel ?? `--timeout ${opts.timeoutMs / 1000} s` } : {}),
  };
}

/** One cluster of the test bed and the gateway that reaches it. */
export interface ConnectedCluster {
  spec: ClusterSpec;
  gateway: ClusterGateway;
}

/** The clusters, connected (no request is made until a gateway is used). */
export interface KubeGateway {
  /** The kubeconfig file(s) read. */
  source: string;
  clusters: ConnectedCluster[];
}

/**
 * Load the kubeconfig and build a gateway per context.
 * @throws NoKubeconfigError, UnknownContextError (exit 4) before any request is made.
 */
export function createKubeGateway(opts: ConnectOptions): KubeGateway {
  const loaded = loadKubeconfig(opts.contexts, opts);
  const specs = clusterSpecs(opts.contexts);
  const timeouts = timeoutsOf(opts);
  return {
    source: loaded.source,
    clusters: loaded.contexts.map((cfg, i) => {
      const deps: Parameters<typeof createClusterGateway>[1] = { clock: opts.clock, jitter: opts.jitter, timeouts };
      if (opts.retryPolicy !== undefined) deps.retryPolicy = opts.retryPolicy;
      if (opts.onRetry !== undefined) deps.onRetry = opts.onRetry;
      if (opts.signal !== undefined) deps.signal = opts.signal;
      return { spec: specs[i] as ClusterSpec, gateway: createClusterGateway(cfg, deps) };
    }),
  };
}

/** What a command knows about where its clusters are (flags and environment). */
export interface ClusterTarget {
  contexts: readonly string[];
  /** `--kubeconfig`; absent = $KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** `--request-timeout`: per-request limit (ms). */
  requestTimeoutMs?: number;
}

/**
 * `createKubeGateway` with the wiring every command shares: retries reported as progress notes,
 * cancellation by the command's signal.
 */
export function connectClusters(
  target: ClusterTarget,
  deps: { clock: Clock; jitter: () => number; progress: { note(line: string): void }; signal?: AbortSignal; timeoutMs?: number; timeoutLabel?: string },
): KubeGateway {
  return createKubeGateway({
    contexts: target.contexts,
    ...(target.kubeconfig !== undefined ? { file: target.kubeconfig } : {}),
    env: target.env,
    cwd: target.cwd,
    clock: deps.clock,
    jitter: deps.jitter,
    onRetry: (m) => deps.progress.note(m),
    ...(deps.signal !== undefined ? { signal: deps.signal } : {}),
    ...(target.requestTimeoutMs !== undefined ? { requestTimeoutMs: target.requestTimeoutMs } : {}),
    ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
    ...(deps.timeoutLabel !== undefined ? { timeoutLabel: deps.timeoutLabel } : {}),
  });
}
