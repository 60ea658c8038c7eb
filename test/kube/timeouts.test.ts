/**
 * Kube calls against an API server that accepts connections and never answers (issue 17, item 3):
 * every request, exec and log stream gives up after the per-request limit, the whole command after
 * its --timeout, and an interrupt stops a hung call at once — each with exit 4 (or the interrupt's
 * reason) naming the context and what it waited for. Loopback only; limits of a few hundred ms.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realClock } from '../../src/cli/real-clock.js';
import { KubeTimeoutError } from '../../src/kube/errors.js';
import { createKubeGateway } from '../../src/kube/index.js';
import { createRng } from '../../src/sim/rng.js';
import { runCli } from '../support/cli.js';
import { startTwoClusters, TEST_RETRY, type TwoClusters } from './helpers.js';

let env: TwoClusters;
beforeAll(async () => {
  env = await startTwoClusters();
  env.c1.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sample' } });
});
afterAll(async () => {
  await env.close();
});

function gateway(o: { requestTimeoutMs?: number; timeoutMs?: number; signal?: AbortSignal }) {
  const rng = createRng('timeouts');
  return createKubeGateway({ contexts: ['c1'], file: env.kubeconfig, env: {}, cwd: process.cwd(), clock: realClock, jitter: () => rng.next(), retryPolicy: TEST_RETRY, ...o }).clusters[0]!.gateway;
}

/** Every request to c1 hangs (for `times` requests). */
function hang(times = 1000): void {
  env.c1.faults.clear();
  env.c1.faults.inject('hang', { times });
}

async function failure(p: Promise<unknown>): Promise<{ err: Error; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
  } catch (err) {
    return { err: err as Error, ms: performance.now() - t0 };
  }
  throw new Error('expected a failure');
}

describe('kube calls against a server that never answers', () => {
  it('an API request gives up after the per-request limit, exit 4 naming the context and the call', async () => {
    hang();
    const { err, ms } = await failure(gateway({ requestTimeoutMs: 300 }).get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'sample', name: 'helloworld-v1' }));
    expect(err).toBeInstanceOf(KubeTimeoutError);
    expect((err as KubeTimeoutError).exitCode).toBe(4);
    expect(err.message).toMatch(/^context 'c1' \(https:\/\/127\.0\.0\.1:\d+\): no answer within 0\.3 s while reading Deployment sample\/helloworld-v1$/);
    expect(ms).toBeLessThan(3_000);
    // Not retried: a server that holds one request is likely to hold the next.
    expect(env.c1.faults.injected).toBeLessThanOrEqual(2);
    env.c1.faults.clear();
  });

  it('exec and log streams must open within the limit', async () => {
    const gw = gateway({ requestTimeoutMs: 300 });
    hang();
    const exec = await failure(gw.exec({ namespace: 'sample', pod: 'x', container: 'c', argv: ['date'], timeoutMs: 60_000 }));
    expect(exec.err).toBeInstanceOf(KubeTimeoutError);
    expect(exec.err.message).toMatch(/context 'c1' .*: no answer within 0\.3 s to exec "date" in sample\/x container c/);
    expect(exec.ms).toBeLessThan(3_000);
    // The pod read before the stream hangs too: either way the message names the call.
    const logs = await failure(gw.followLogs({ namespace: 'sample', pod: 'x', container: 'c', onLine: () => undefined }));
    expect(logs.err).toBeInstanceOf(KubeTimeoutError);
    expect(logs.err.message).toMatch(/no answer within 0\.3 s while (reading Pod sample\/x|opening the log stream)/);
    env.c1.faults.clear();
  });

  it('the overall --timeout cuts a long per-request limit, and no call starts after it', async () => {
    const gw = gateway({ requestTimeoutMs: 60_000, timeoutMs: 400 });
    hang();
    const { err, ms } = await failure(gw.list('v1', 'Pod', { namespace: 'sample' }));
    expect(err.message).toMatch(/^context 'c1' \(.*\): --timeout 0\.4 s ran out while listing Pod in namespace sample$/);
    expect(ms).toBeLessThan(3_000);
    env.c1.faults.clear();
    const after = await failure(gw.get({ apiVersion: 'v1', kind: 'Namespace', name: 'sample' }));
    expect(after.err.message).toMatch(/--timeout 0\.4 s ran out before reading Namespace sample$/);
  });

  it('an interrupt stops a hung call at once', async () => {
    const ctrl = new AbortController();
    const gw = gateway({ requestTimeoutMs: 60_000, signal: ctrl.signal });
    hang();
    const pending = failure(gw.get({ apiVersion: 'v1', kind: 'Namespace', name: 'sample' }));
    setTimeout(() => ctrl.abort(new Error('SIGTERM')), 100);
    const { err, ms } = await pending;
    expect(err.message).toBe('SIGTERM');
    expect(ms).toBeLessThan(2_000);
    env.c1.faults.clear();
  });

  it.each([
    ['doctor', ['doctor', '--context', 'c1', '--request-timeout', '300ms']],
    ['doctor --timeout', ['doctor', '--context', 'c1', '--timeout', '1s']],
    ['cleanup', ['cleanup', '--context', 'c1', '--request-timeout', '300ms']],
    ['deploy --timeout', ['deploy', '--context', 'c1', '--context', 'c2', '--skip-istio', '--timeout', '1s']],
    ['run --target kube', ['run', join(process.cwd(), 'test/fixtures/kube-run/failover-closed.yaml'), '--target', 'kube', '--context', 'c1', '--context', 'c2', '--load', 'curl', '--request-timeout', '300ms', '--journal', join(mkdtempSync(join(tmpdir(), 'mb-timeouts-')), 'j.jsonl')]],
  ])('%s against it: exit 4 within seconds, naming what it waited for', async (_name, argv) => {
    hang();
    const t0 = performance.now();
    const r = await runCli(argv, { env: { KUBECONFIG: env.kubeconfig }, clock: realClock });
    expect(r.code, r.stderr + r.stdout).toBe(4);
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(r.stderr + r.stdout).toMatch(/context 'c1' \(https:\/\/127\.0\.0\.1:\d+\): (no answer within 0\.3 s|--timeout 1 s ran out) (while|before) /);
    env.c1.faults.clear();
  });
});
