/**
 * Exercise 3: remote secrets both ways — for every source cluster, a reader token from the
 * source and a kubeconfig Secret in each other cluster (istioctl create-remote-secret, natively).
 */
import type { Clock, Progress } from '../../app/ports.js';
import type { ConnectedCluster } from '../index.js';
import { isLoopbackServer } from '../kubeconfig.js';
import { ensureReaderToken, remoteKubeconfig, remoteSecret, remoteSecretName } from '../remote-secret.js';
import { ISTIO_NAMESPACE } from '../testbed.js';

export interface RemoteSecretOptions {
  clock: Clock;
  progress: Progress;
  /** How long to wait for a token to be populated. */
  tokenWaitMs: number;
  signal?: AbortSignal;
  warnings: string[];
  /**
   * The API server address istiod in the other clusters should use for a cluster, by cluster name
   * (`deploy --remote-server cluster1=https://…`, istioctl create-remote-secret's `--server`):
   * for kind on macOS and private GKE/EKS endpoints, where the kubeconfig's address is not theirs.
   */
  servers?: Readonly<Record<string, string>>;
}

export async function applyRemoteSecrets(clusters: readonly ConnectedCluster[], opts: RemoteSecretOptions): Promise<void> {
  for (const source of clusters) {
    const server = opts.servers?.[source.spec.name] ?? source.gateway.server;
    if (isLoopbackServer(server)) {
      const w = `${source.spec.name}: the API server address ${server} is a loopback address; istiod in the other clusters cannot reach it (kind: pass --remote-server ${source.spec.name}=<the control-plane container's address>, e.g. from \`kind get kubeconfig --internal\`)`;
      opts.warnings.push(w);
      opts.progress.note(`warning: ${w}`);
    }
    const waitOpts: Parameters<typeof ensureReaderToken>[2] = { clock: opts.clock, waitMs: opts.tokenWaitMs, note: (l) => opts.progress.note(l) };
    if (opts.signal !== undefined) waitOpts.signal = opts.signal;
    const { token, caDataB64 } = await ensureReaderToken(source.gateway, source.spec, waitOpts);
    const access = { server, caDataB64, token, ...(source.gateway.tlsServerName !== undefined ? { tlsServerName: source.gateway.tlsServerName } : {}) };
    const secret = remoteSecret(source.spec, remoteKubeconfig(source.spec.name, access));
    for (const target of clusters) {
      if (target === source) continue;
      await target.gateway.apply(secret);
      opts.progress.note(`${target.spec.name}: applied Secret ${ISTIO_NAMESPACE}/${remoteSecretName(source.spec.name)} (access to ${source.spec.name})`);
    }
  }
}
