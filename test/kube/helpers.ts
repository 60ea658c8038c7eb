/** Shared set-up for kube tests: emulators, a kubeconfig for them, gateways, a seeded jitter. */
import { createRng } from '../../src/sim/rng.js';
import { createKubeGateway, type KubeGateway } from '../../src/kube/index.js';
import type { RetryPolicy } from '../../src/kube/retry.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { startApiServer, type ApiServer, type ApiServerOptions, linkMesh } from '../support/apiserver/server.js';
import { writeKubeconfig, type KubeconfigEntry } from '../support/kubeconfig.js';

export interface TwoClusters {
  c1: ApiServer;
  c2: ApiServer;
  kubeconfig: string;
  close(): Promise<void>;
}

/** Two linked emulators (contexts `c1` and `c2`) with nodes in two regions, and their kubeconfig. */
export async function startTwoClusters(o1: ApiServerOptions = {}, o2: ApiServerOptions = {}, extra: KubeconfigEntry[] = []): Promise<TwoClusters> {
  const c1 = await startApiServer({
    name: 'cluster1',
    nodes: [{ name: 'c1-node-a', region: 'us-east1', zone: 'us-east1-b' }],
    podIpPrefix: '10.10.',
    lbIpPrefix: '172.18.1.',
    ...o1,
  });
  const c2 = await startApiServer({
    name: 'cluster2',
    nodes: [{ name: 'c2-node-a', region: 'us-west1', zone: 'us-west1-a' }],
    podIpPrefix: '10.20.',
    lbIpPrefix: '172.18.2.',
    ...o2,
  });
  linkMesh([c1, c2]);
  const kubeconfig = writeKubeconfig([{ context: 'c1', server: c1 }, { context: 'c2', server: c2 }, ...extra]);
  return { c1, c2, kubeconfig, close: async () => void (await Promise.all([c1.close(), c2.close()])) };
}

/** Fast retries for tests (the FakeClock makes the waits free anyway). */
export const TEST_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

/** Gateways for contexts of a kubeconfig, with a FakeClock that advances on every sleep. */
export function connect(kubeconfig: string, contexts: string[], clock = new FakeClock({ autoAdvance: true }), notes: string[] = []): KubeGateway {
  const rng = createRng('kube-tests');
  return createKubeGateway({ contexts, file: kubeconfig, env: {}, cwd: process.cwd(), clock, jitter: () => rng.next(), retryPolicy: TEST_RETRY, onRetry: (m) => notes.push(m) });
}
