/** Exec over the WebSocket channel protocol and pod logs, through client-node against the emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecError, KubeInvalidError, KubeNotFoundError, KubeAuthError } from '../../src/kube/errors.js';
import type { ClusterGateway } from '../../src/kube/gateway.js';
import { startApiServer, type ApiServer } from '../support/apiserver/server.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { connect } from './helpers.js';

let api: ApiServer;
let gw: ClusterGateway;
let pod: string;

beforeAll(async () => {
  api = await startApiServer({ name: 'exec' });
  gw = connect(writeKubeconfig([{ context: 'x', server: api }]), ['x']).clusters[0]!.gateway;
  await gw.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'work' } });
  await gw.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'box', namespace: 'work' },
    spec: { selector: { matchLabels: { app: 'box' } }, template: { metadata: { labels: { app: 'box' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } } },
  });
  await gw.get({ apiVersion: 'v1', kind: 'Namespace', name: 'work' }); // one more tick: the pod becomes ready
  pod = api.pods('work', 'app=box')[0]!.metadata.name;
  api.exec.register('echo', ({ argv, stdout }) => {
    stdout(`${argv.slice(1).join(' ')}\n`);
    return 0;
  });
  api.exec.register('fail', ({ stdout, stderr, argv }) => {
    stdout('partial');
    stderr('boom\n');
    return Number(argv[1] ?? '3');
  });
  api.exec.register('hang', ({ signal }) => new Promise<number>((resolve) => signal.addEventListener('abort', () => resolve(0))));
});
afterAll(async () => api.close());

const exec = (argv: string[], extra: Partial<Parameters<ClusterGateway['exec']>[0]> = {}) =>
  gw.exec({ namespace: 'work', pod, container: 'main', argv, timeoutMs: 5_000, ...extra });

describe('exec', () => {
  it('sends argv as separate command parameters and returns stdout with exit 0', async () => {
    const r = await exec(['echo', 'hello world', 'x']);
    expect(r).toEqual({ stdout: 'hello world x\n', stderr: '', exitCode: 0 });
    const upgrade = api.requests.filter((q) => q.method === 'UPGRADE').at(-1);
    expect(upgrade?.query).toContain('command=echo&command=hello%20world&command=x');
    expect(upgrade?.query).toContain('container=main');
  });

  it('reads the exit code from the status channel, keeps stderr', async () => {
    expect(await exec(['fail', '42'])).toEqual({ stdout: 'partial', stderr: 'boom\n', exitCode: 42 });
    const missing = await exec(['no-such-binary']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain('executable file not found');
  });

  it('translates a missing pod, a missing container and a refused upgrade', async () => {
    await expect(exec(['echo'], { pod: 'gone' })).rejects.toBeInstanceOf(KubeNotFoundError);
    await expect(exec(['echo'], { container: 'istio-proxy' })).rejects.toBeInstanceOf(KubeInvalidError);
    api.faults.inject({ status: 403 }, { match: (r) => r.path.endsWith('/exec') });
    const err = await exec(['echo']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeAuthError);
    expect((err as Error).message).not.toContain(api.token);
  });

  it('is bounded by its timeout', async () => {
    const err = await exec(['hang'], { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect((err as Error).message).toMatch(/did not finish within 0 s/);
  });

  it('stops on abort', async () => {
    const ac = new AbortController();
    const p = exec(['hang'], { signal: ac.signal });
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});

describe('logs', () => {
  it('reads the whole log or its tail', async () => {
    for (const l of ['one', 'two', 'three']) api.logs.write('work', pod, 'main', l);
    expect(await gw.logs({ namespace: 'work', pod, container: 'main' })).toBe('one\ntwo\nthree\n');
    expect(await gw.logs({ namespace: 'work', pod, container: 'main', tailLines: 1 })).toBe('three\n');
  });

  it('follows new lines until the log ends', async () => {
    const lines: string[] = [];
    const done = gw.followLogs({ namespace: 'work', pod, container: 'main', tailLines: 1, onLine: (l) => {
      lines.push(l);
      if (l === 'three') {
        api.logs.write('work', pod, 'main', 'four');
        api.logs.write('work', pod, 'main', 'five');
        api.logs.end('work', pod, 'main');
      }
    } });
    await done;
    expect(lines).toEqual(['three', 'four', 'five']);
  });

  it('stops following on abort, and refuses a missing pod', async () => {
    api.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'loner', namespace: 'work' },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    api.logs.write('work', 'loner', 'main', 'first');
    const ac = new AbortController();
    const seen: string[] = [];
    await gw.followLogs({
      namespace: 'work',
      pod: 'loner',
      container: 'main',
      signal: ac.signal,
      onLine: (l) => {
        seen.push(l);
        ac.abort();
        api.logs.write('work', 'loner', 'main', 'after-abort');
      },
    });
    expect(seen).toEqual(['first']);
    await expect(gw.followLogs({ namespace: 'work', pod: 'gone', container: 'main', onLine: () => undefined })).rejects.toBeInstanceOf(KubeNotFoundError);
  });
});
