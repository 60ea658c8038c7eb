/**
 * Is a Deployment rolled out? A pure decision over the object, mirroring kubectl's
 * `DeploymentStatusViewer.Status` (kubernetes/kubectl pkg/polymorphichelpers/rollout_status.go);
 * the polling loop lives in wait-rollout.ts.
 */
import type { KubeObject } from './gateway.js';

export type RolloutState = 'done' | 'waiting' | 'failed';

export interface RolloutStatus {
  state: RolloutState;
  /** Why, in kubectl's words (`Waiting for deployment "x" rollout to finish: 0 of 1 updated replicas are available...`). */
  message: string;
}

interface DeploymentLike {
  metadata: { name: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: Array<{ type?: string; reason?: string }>;
  };
}

/** kubectl's TimedOutReason: the Progressing condition's reason once progressDeadlineSeconds passed. */
const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';

/** The rollout state of a Deployment (plain JSON as the API returns it). */
export function rolloutStatus(deployment: KubeObject | DeploymentLike): RolloutStatus {
  const d = deployment as DeploymentLike;
  const name = d.metadata.name;
  const st = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) {
    return { state: 'waiting', message: `Waiting for deployment spec update to be observed...` };
  }
  const progressing = st.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === TIMED_OUT_REASON) {
    return { state: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  }
  // kubectl reads spec.replicas only when set; the API server defaults it to 1.
  const want = d.spec?.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  const total = st.replicas ?? 0;
  const available = st.availableReplicas ?? 0;
  if (updated < want) {
    return { state: 'waiting', message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...` };
  }
  if (total > updated) {
    return { state: 'waiting', message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...` };
  }
  if (available < updated) {
    return { state: 'waiting', message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...` };
  }
  return { state: 'done', message: `deployment "${name}" successfully rolled out` };
}
