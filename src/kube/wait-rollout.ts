/**
 * Waits until Deployments in one or more clusters are rolled out: a poll loop over the pure
 * {@link rolloutStatus} decision, timed by the injected Clock (no real sleeps in tests).
 */
import type { Clock, Progress } from '../app/ports.js';
import { RolloutError } from './errors.js';
import type { ClusterGateway } from './gateway.js';
import { rolloutStatus } from './rollout-status.js';

export interface RolloutTarget {
  gateway: ClusterGateway;
  /** meshbench cluster name (cluster1 ...), for messages. */
  cluster: string;
  namespace: string;
  name: string;
}

export interface WaitOptions {
  clock: Clock;
  timeoutMs: number;
  /** Between two polls of the still-pending Deployments. */
  intervalMs?: number;
  progress?: Progress;
  signal?: AbortSignal;
}

function label(t: RolloutTarget): string {
  return `${t.cluster}: ${t.namespace}/${t.name}`;
}

/**
 * Resolves when every target is rolled out.
 * @throws RolloutError when one reports ProgressDeadlineExceeded, or when `timeoutMs` passes
 *         (naming each Deployment still pending and why).
 */
export async function waitForRollouts(targets: readonly RolloutTarget[], opts: WaitOptions): Promise<void> {
  const intervalMs = opts.intervalMs ?? 2_000;
  const deadline = opts.clock.now() + opts.timeoutMs;
  let pending = [...targets];
  const why = new Map<RolloutTarget, string>();
  for (;;) {
    const still: RolloutTarget[] = [];
    for (const t of pending) {
      const dep = await t.gateway.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: t.namespace, name: t.name });
      if (dep === undefined) {
        why.set(t, 'the Deployment does not exist');
        still.push(t);
        continue;
      }
      const st = rolloutStatus(dep);
      if (st.state === 'failed') {
        throw new RolloutError(`${label(t)} (context '${t.gateway.context}'): ${st.message}`, {
          hint: `Look at \`kubectl --context ${t.gateway.context} -n ${t.namespace} describe deployment ${t.name}\` and the pods' events (image pulls, sidecar injection, quotas).`,
        });
      }
      if (st.state === 'waiting') {
        why.set(t, st.message);
        still.push(t);
      } else {
        opts.progress?.note(`${label(t)} rolled out`);
      }
    }
    pending = still;
    if (pending.length === 0) return;
    if (opts.clock.now() >= deadline) {
      const lines = pending.map((t) => `${label(t)}: ${why.get(t) ?? 'waiting'}`);
      const first = pending[0] as RolloutTarget;
      throw new RolloutError(`timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for rollouts:\n  ${lines.join('\n  ')}`, {
        hint: `Look at \`kubectl --context ${first.gateway.context} -n ${first.namespace} get pods\` and describe the pending pods; a longer --timeout helps on slow clusters.`,
      });
    }
    opts.progress?.update(`waiting for ${pending.length} rollout(s): ${label(pending[0] as RolloutTarget)}: ${why.get(pending[0] as RolloutTarget) ?? ''}`);
    await opts.clock.sleep(Math.min(intervalMs, Math.max(0, deadline - opts.clock.now())), opts.signal);
  }
}
