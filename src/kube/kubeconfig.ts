/**
 * One isolated client-node KubeConfig per requested context (client-node.md §2): `makeApiClient`
 * binds the server URL at creation while credentials are applied per request, so a shared,
 * context-switched instance would send user B's token to server A.
 *
 * The kubeconfig path is resolved here (--kubeconfig, else $KUBECONFIG, else ~/.kube/config), never
 * through `loadFromDefault`, which silently invents a `loaded-context` pointing at localhost:8080
 * when nothing is found. Several $KUBECONFIG files merge as kubectl merges them: the first file that
 * names a cluster, user or context wins (client-node's own merge throws on duplicates).
 */
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { EnvironmentError } from '../errors.js';
import { NoKubeconfigError, UnknownContextError } from './errors.js';

/** Where to look for the kubeconfig. */
export interface KubeconfigLocation {
  /** `--kubeconfig`, resolved against `cwd`. */
  file?: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** One context, ready to build clients from. */
export interface ContextConfig {
  context: string;
  /** API server URL of the context's cluster. */
  server: string;
  /** `tls-server-name` of the cluster entry, when set. */
  tlsServerName?: string;
  /** A KubeConfig whose current context is this one and nothing else changes. */
  kubeConfig: k8s.KubeConfig;
}

export interface LoadedKubeconfig {
  /** The file(s) read, for messages. */
  source: string;
  /** Every context name the kubeconfig defines. */
  known: string[];
  /** Requested contexts, in request order. */
  contexts: ContextConfig[];
}

/** Paths to read, in precedence order. */
export function kubeconfigPaths(loc: KubeconfigLocation): string[] {
  if (loc.file !== undefined) return [resolve(loc.cwd, loc.file)];
  const env = loc.env['KUBECONFIG'];
  if (env !== undefined && env.trim() !== '') {
    return env
      .split(delimiter)
      .filter((p) => p.trim() !== '')
      .map((p) => resolve(loc.cwd, p));
  }
  const home = loc.env['HOME'] ?? loc.env['USERPROFILE'];
  return home !== undefined ? [join(home, '.kube', 'config')] : [];
}

/**
 * Load the kubeconfig and build one KubeConfig per requested context.
 * @throws NoKubeconfigError when no file exists; UnknownContextError listing the known contexts;
 *         EnvironmentError for an unreadable file.
 */
export function loadKubeconfig(contexts: readonly string[], loc: KubeconfigLocation): LoadedKubeconfig {
  const paths = kubeconfigPaths(loc);
  const explicit = loc.file !== undefined;
  const existing = paths.filter((p) => existsSync(p));
  if (explicit && existing.length === 0) {
    throw new EnvironmentError(`kubeconfig file ${paths[0]} does not exist`, {
      code: 'KUBE_CONFIG',
      hint: 'Check the --kubeconfig path.',
    });
  }
  if (existing.length === 0) {
    throw new NoKubeconfigError(
      paths.length === 0 ? 'no kubeconfig found (neither KUBECONFIG nor HOME is set)' : `no kubeconfig found (looked for ${paths.join(', ')})`,
    );
  }
  const merged = { clusters: [] as k8s.Cluster[], users: [] as k8s.User[], contexts: [] as k8s.Context[], current: undefined as string | undefined };
  for (const p of existing) {
    const kc = new k8s.KubeConfig();
    try {
      kc.loadFromFile(p, { onInvalidEntry: 'filter' });
    } catch (err) {
      throw new EnvironmentError(`cannot read kubeconfig ${p}: ${(err as Error).message.split('\n')[0]}`, { cause: err, code: 'KUBE_CONFIG' });
    }
    addFirstWins(merged.clusters, kc.getClusters());
    addFirstWins(merged.users, kc.getUsers());
    addFirstWins(merged.contexts, kc.getContexts());
    merged.current ??= kc.getCurrentContext() || undefined;
  }
  const source = existing.join(delimiter);
  if (merged.contexts.length === 0) throw new NoKubeconfigError(`kubeconfig ${source} defines no contexts`);
  const known = merged.contexts.map((c) => c.name);
  const out: ContextConfig[] = [];
  for (const name of contexts) {
    const ctx = merged.contexts.find((c) => c.name === name);
    if (ctx === undefined) throw new UnknownContextError(name, known, source);
    const cluster = merged.clusters.find((c) => c.name === ctx.cluster);
    if (cluster === undefined) {
      throw new EnvironmentError(`kubeconfig ${source}: context '${name}' names cluster '${ctx.cluster}', which is not defined`, {
        code: 'KUBE_CONFIG',
        hint: `Fix the kubeconfig (kubectl config get-clusters lists the clusters).`,
      });
    }
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromOptions({ clusters: merged.clusters, users: merged.users, contexts: merged.contexts, currentContext: name });
    const entry: ContextConfig = { context: name, server: cluster.server, kubeConfig };
    if (cluster.tlsServerName !== undefined) entry.tlsServerName = cluster.tlsServerName;
    out.push(entry);
  }
  return { source, known, contexts: out };
}

function addFirstWins<T extends { name: string }>(into: T[], items: readonly T[]): void {
  for (const item of items) if (!into.some((x) => x.name === item.name)) into.push(item);
}

/** True when a server URL points at this machine (istiod in another cluster cannot reach it). */
export function isLoopbackServer(server: string): boolean {
  let host: string;
  try {
    host = new URL(server).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host) || host === '0.0.0.0';
}

/**
 * A ContextConfig from kubeconfig text (a remote secret's content): its current context, or its
 * only one. `label` names it in messages (e.g. `remote secret for cluster2`). Never logs the text.
 */
export function contextFromKubeconfigText(text: string, label: string): ContextConfig {
  const kubeConfig = new k8s.KubeConfig();
  try {
    kubeConfig.loadFromString(text, { onInvalidEntry: 'filter' });
  } catch (err) {
    throw new EnvironmentError(`${label}: the kubeconfig it holds does not parse`, { cause: err, code: 'KUBE_CONFIG' });
  }
  const name = kubeConfig.getCurrentContext() || kubeConfig.getContexts()[0]?.name;
  if (name === undefined) throw new EnvironmentError(`${label}: the kubeconfig it holds has no context`, { code: 'KUBE_CONFIG' });
  kubeConfig.setCurrentContext(name);
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new EnvironmentError(`${label}: the kubeconfig it holds has no cluster for context '${name}'`, { code: 'KUBE_CONFIG' });
  const out: ContextConfig = { context: label, server: cluster.server, kubeConfig };
  if (cluster.tlsServerName !== undefined) out.tlsServerName = cluster.tlsServerName;
  return out;
}

/**
 * API server URLs for `deploy --dry-run`, which makes no request and only names the servers in
 * the remote-secret placeholders: from the kubeconfig when one exists (an unknown context is still
 * an error there), else a placeholder per context, so the plan can be printed on a machine with
 * no kubeconfig at all. An explicit `--kubeconfig` that does not exist stays an error.
 */
export function dryRunServers(contexts: readonly string[], loc: KubeconfigLocation): string[] {
  try {
    const kc = loadKubeconfig(contexts, loc);
    return contexts.map((_, i) => kc.contexts[i]?.server ?? '');
  } catch (err) {
    if (!(err instanceof NoKubeconfigError) || loc.file !== undefined) throw err;
    return contexts.map((c) => `<API server of context ${c}>`);
  }
}
