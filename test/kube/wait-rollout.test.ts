import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutError } from '../../src/kube/errors.js';
import type { ClusterGateway } from '../../src/kube/gateway.js';
import { waitForRollouts } from '../../src/kube/wait-rollout.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { startApiServer, type ApiServer } from '../support/apiserver/server.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { connect } from './helpers.js';

let api: ApiServer;
let gw: ClusterGateway;

const deployment = (name: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'w' },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } } },
});

beforeAll(async () => {
  api = await startApiServer({ name: 'rollout', podStartTicks: 3, failingImages: /broken/, progressDeadlineTicks: 6 });
  gw = connect(writeKubeconfig([{ context: 'r', server: api }]), ['r']).clusters[0]!.gateway;
  await gw.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w' } });
});
afterAll(async () => api.close());

describe('waitForRollouts', () => {
  it('polls on the injected clock until the pods are ready', async () => {
    await gw.apply(deployment('ok', 'app:1'));
    const clock = new FakeClock({ autoAdvance: true });
    const notes: string[] = [];
    await waitForRollouts([{ gateway: gw, cluster: 'cluster1', namespace: 'w', name: 'ok' }], {
      clock,
      timeoutMs: 60_000,
      intervalMs: 1_000,
      progress: { update: () => undefined, note: (l) => notes.push(l), done: () => undefined },
    });
    expect(clock.now()).toBeGreaterThanOrEqual(1_000);
    expect(notes).toEqual(['cluster1: w/ok rolled out']);
  });

  it('fails at once on ProgressDeadlineExceeded, with a describe hint', async () => {
    await gw.apply(deployment('bad', 'broken:1'));
    const err = (await waitForRollouts([{ gateway: gw, cluster: 'cluster1', namespace: 'w', name: 'bad' }], {
      clock: new FakeClock({ autoAdvance: true }),
      timeoutMs: 3_600_000,
      intervalMs: 1_000,
    }).catch((e: unknown) => e)) as RolloutError;
    expect(err).toBeInstanceOf(RolloutError);
    expect(err.message).toBe(`cluster1: w/bad (context 'r'): deployment "bad" exceeded its progress deadline`);
    expect(err.hint).toContain('kubectl --context r -n w describe deployment bad');
  });

  it('times out naming what is still pending', async () => {
    const clock = new FakeClock({ autoAdvance: true });
    const err = (await waitForRollouts(
      [
        { gateway: gw, cluster: 'cluster1', namespace: 'w', name: 'ok' },
        { gateway: gw, cluster: 'cluster1', namespace: 'w', name: 'missing' },
      ],
      { clock, timeoutMs: 5_000, intervalMs: 1_000 },
    ).catch((e: unknown) => e)) as RolloutError;
    expect(err).toBeInstanceOf(RolloutError);
    expect(err.message).toBe('timed out after 5 s waiting for rollouts:\n  cluster1: w/missing: the Deployment does not exist');
    expect(clock.now()).toBe(5_000);
  });
});
