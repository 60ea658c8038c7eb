import { describe, expect, it } from 'vitest';
import { rolloutStatus } from '../../src/kube/rollout-status.js';

const dep = (spec: { replicas?: number }, status: Record<string, unknown>, generation = 2) => ({ metadata: { name: 'web', generation }, spec, status });

describe('rolloutStatus (kubectl DeploymentStatusViewer semantics)', () => {
  it('waits until the spec update is observed', () => {
    expect(rolloutStatus(dep({ replicas: 1 }, { observedGeneration: 1, updatedReplicas: 1, replicas: 1, availableReplicas: 1 }))).toEqual({
      state: 'waiting',
      message: 'Waiting for deployment spec update to be observed...',
    });
  });
  it('fails on ProgressDeadlineExceeded', () => {
    const st = rolloutStatus(dep({}, { observedGeneration: 2, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }));
    expect(st).toEqual({ state: 'failed', message: 'deployment "web" exceeded its progress deadline' });
  });
  it('waits for updated, then old replicas to go, then availability', () => {
    expect(rolloutStatus(dep({ replicas: 3 }, { observedGeneration: 2, updatedReplicas: 1, replicas: 3, availableReplicas: 1 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
    );
    expect(rolloutStatus(dep({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
    );
    expect(rolloutStatus(dep({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...',
    );
  });
  it('is done when all is updated and available; replicas default to 1; 0 replicas is done at once', () => {
    expect(rolloutStatus(dep({}, { observedGeneration: 2, updatedReplicas: 1, replicas: 1, availableReplicas: 1 })).state).toBe('done');
    expect(rolloutStatus(dep({}, { observedGeneration: 2 })).state).toBe('waiting');
    expect(rolloutStatus(dep({ replicas: 0 }, { observedGeneration: 2 })).state).toBe('done');
  });
});
