import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoKubeconfigError, UnknownContextError } from '../../src/kube/errors.js';
import { contextFromKubeconfigText, isLoopbackServer, kubeconfigPaths, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { remoteKubeconfig } from '../../src/kube/remote-secret.js';
import { EnvironmentError } from '../../src/errors.js';

function kubeconfig(entries: Array<{ ctx: string; server: string; token: string }>): string {
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${entries[0]?.ctx}`,
    'clusters:',
    ...entries.map((e) => `- name: ${e.ctx}-cl\n  cluster:\n    server: ${e.server}\n    insecure-skip-tls-verify: true`),
    'users:',
    ...entries.map((e) => `- name: ${e.ctx}-u\n  user:\n    token: ${e.token}`),
    'contexts:',
    ...entries.map((e) => `- name: ${e.ctx}\n  context:\n    cluster: ${e.ctx}-cl\n    user: ${e.ctx}-u`),
  ].join('\n');
  return yaml;
}

const dir = mkdtempSync(join(tmpdir(), 'meshbench-kc-'));
const fileA = join(dir, 'a');
const fileB = join(dir, 'b');
writeFileSync(fileA, kubeconfig([{ ctx: 'one', server: 'https://a.example:6443', token: 'tok-a' }, { ctx: 'shared', server: 'https://first.example', token: 'tok-1' }]));
writeFileSync(fileB, kubeconfig([{ ctx: 'two', server: 'https://b.example:6443', token: 'tok-b' }, { ctx: 'shared', server: 'https://second.example', token: 'tok-2' }]));

describe('loadKubeconfig', () => {
  it('gives each context its own KubeConfig; --kubeconfig wins over $KUBECONFIG', () => {
    const kc = loadKubeconfig(['shared', 'one'], { file: fileA, env: { KUBECONFIG: fileB }, cwd: dir });
    expect(kc.source).toBe(fileA);
    expect(kc.contexts.map((c) => [c.context, c.server, c.kubeConfig.getCurrentContext(), c.kubeConfig.getCurrentUser()?.token])).toEqual([
      ['shared', 'https://first.example', 'shared', 'tok-1'],
      ['one', 'https://a.example:6443', 'one', 'tok-a'],
    ]);
    expect(kc.known).toEqual(['one', 'shared']);
  });

  it('merges $KUBECONFIG files with the first definition winning, as kubectl does', () => {
    const kc = loadKubeconfig(['one', 'two', 'shared'], { env: { KUBECONFIG: [fileA, fileB].join(delimiter) }, cwd: dir });
    expect(kc.contexts.map((c) => [c.context, c.server])).toEqual([
      ['one', 'https://a.example:6443'],
      ['two', 'https://b.example:6443'],
      ['shared', 'https://first.example'],
    ]);
    for (const c of kc.contexts) expect(c.kubeConfig.getCurrentContext()).toBe(c.context);
    expect(kc.contexts[1]?.kubeConfig.getCurrentUser()?.token).toBe('tok-b');
  });

  it('lists the known contexts for an unknown one', () => {
    const err = (() => {
      try {
        loadKubeconfig(['one', 'prod'], { file: fileA, env: {}, cwd: dir });
      } catch (e) {
        return e;
      }
    })() as UnknownContextError;
    expect(err).toBeInstanceOf(UnknownContextError);
    expect(err.exitCode).toBe(4);
    expect(err.message).toBe(`kubeconfig ${fileA} has no context 'prod' (known contexts: one, shared)`);
  });

  it('refuses to invent a context when no kubeconfig exists (client-node would fall back to loaded-context)', () => {
    expect(() => loadKubeconfig(['x'], { env: { HOME: join(dir, 'nohome') }, cwd: dir })).toThrow(NoKubeconfigError);
    expect(() => loadKubeconfig(['x'], { env: {}, cwd: dir })).toThrow(/neither KUBECONFIG nor HOME/);
    expect(() => loadKubeconfig(['x'], { file: 'missing.yaml', env: {}, cwd: dir })).toThrow(EnvironmentError);
    expect(kubeconfigPaths({ env: { HOME: '/home/u' }, cwd: dir })).toEqual(['/home/u/.kube/config']);
  });

  it('reads a remote secret kubeconfig and recognises loopback servers', () => {
    const text = remoteKubeconfig('cluster2', { server: 'https://10.1.2.3:6443', caDataB64: 'Q0E=', token: 'tkn', tlsServerName: 'api.internal' });
    const cfg = contextFromKubeconfigText(text, 'remote secret for cluster2');
    expect(cfg.server).toBe('https://10.1.2.3:6443');
    expect(cfg.tlsServerName).toBe('api.internal');
    expect(cfg.kubeConfig.getCurrentUser()?.token).toBe('tkn');
    expect(() => contextFromKubeconfigText('::: not yaml', 'x')).toThrow(/does not parse|no context/);
    expect(['https://127.0.0.1:6443', 'https://localhost:1', 'https://[::1]:6443'].every(isLoopbackServer)).toBe(true);
    expect(isLoopbackServer('https://10.0.0.1:6443')).toBe(false);
  });
});
