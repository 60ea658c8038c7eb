/**
 * Writes a kubeconfig for emulators into a temporary directory: one cluster, user and context per
 * emulator (context names chosen by the test), HTTPS with the emulator CA, bearer-token users.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ApiServer } from './apiserver/server.js';

export interface KubeconfigEntry {
  context: string;
  server: ApiServer;
  /** Override the server URL (e.g. a closed port) or the token (e.g. a wrong one). */
  url?: string;
  token?: string;
  /** Leave out the CA (TLS verification then fails). */
  omitCa?: boolean;
}

/** The kubeconfig text. */
export function kubeconfigText(entries: readonly KubeconfigEntry[], currentContext?: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({
      name: `${e.context}-cluster`,
      cluster: {
        server: e.url ?? e.server.url,
        ...(e.omitCa ? {} : { 'certificate-authority-data': Buffer.from(e.server.caPem).toString('base64') }),
      },
    })),
    users: entries.map((e) => ({ name: `${e.context}-user`, user: { token: e.token ?? e.server.token } })),
    contexts: entries.map((e) => ({ name: e.context, context: { cluster: `${e.context}-cluster`, user: `${e.context}-user` } })),
    'current-context': currentContext ?? entries[0]?.context ?? '',
  });
}

/** Write it to `<fresh temp dir>/kubeconfig` and return the path. */
export function writeKubeconfig(entries: readonly KubeconfigEntry[], dir?: string): string {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'meshbench-kube-'));
  const path = join(d, 'kubeconfig');
  writeFileSync(path, kubeconfigText(entries), { mode: 0o600 });
  return path;
}
