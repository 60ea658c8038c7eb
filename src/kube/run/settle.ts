/** Between two `--repeat` trials. */
import type { Clock, Progress } from '../../app/ports.js';
import { EnvironmentError } from '../../errors.js';
import type { ClusterGateway } from '../gateway.js';
import { proxySnapshot, type ProxySnapshot, type ProxyTarget } from './endpoint-watch.js';
import { applyRestore, describeStep, type RestoreStep } from './restore.js';

/** Clock, progress, interrupt and the restoring gateways. */
export interface SettleDeps {
  clock: Clock;
  progress: Progress;
  signal: AbortSignal;
  gatewayFor: (context: string) => ClusterGateway;
}

/**
 * `--repeat` trials run one after another: between two, the trial's changes are undone, the
 * Deployments roll out, and the client proxy is polled until it holds the endpoints it held before
 * the first trial (at most `settleTimeoutMs`), so each fault starts from the same state.
 */
export async function settle(steps: readonly RestoreStep[], proxy: ProxyTarget, baseline: ProxySnapshot | undefined, deps: SettleDeps, settleTimeoutMs: number): Promise<string | undefined> {
  const out = await applyRestore(steps, { gatewayFor: deps.gatewayFor, progress: deps.progress, clock: deps.clock, rolloutTimeoutMs: 300_000 });
  if (out.failed.length > 0 || out.notReady.length > 0) {
    const what = [...out.failed.map((f) => describeStep(f.step)), ...out.notReady.map((n) => `${n} not ready`)];
    throw new EnvironmentError(`could not bring the clusters back between trials: ${what.join('; ')}`, { code: 'KUBE_RESTORE' });
  }
  if (baseline === undefined) return undefined;
  const deadline = deps.clock.now() + settleTimeoutMs;
  for (;;) {
    const now = await proxySnapshot(proxy, deps.signal);
    if (now?.key === baseline.key) return undefined;
    if (deps.clock.now() >= deadline) return `the client proxy did not get back to its first endpoints within ${settleTimeoutMs / 1000} s; the next trial starts anyway`;
    deps.progress.update('between trials: waiting for the client proxy to see the endpoints again');
    await deps.clock.sleep(1_000, deps.signal);
  }
}
