/**
 * A real client against the API emulator (issue 13, "cross-check the emulator with a real
 * client"): kubectl — whatever version is installed (this machine: 1.32; Debian bookworm's
 * kubernetes-client, which `.ci/run` installs when none is on PATH: 1.20) — is pointed at the
 * emulated test bed through a kubeconfig with its TLS CA and token, and does what a user does
 * around a run: `get ns`, `get deploy`, `get pods` (server-side Table printing), `apply
 * --server-side` of a DestinationRule without a namespace, `scale`, `exec` and `logs -f`. Each
 * answer is compared with what meshbench's own client (client-node, through the gateway) sees.
 *
 * Known differences by version, and why: kubectl < 1.27 validates client-side against the
 * protobuf OpenAPI v2, which the emulator does not serve (it serves OpenAPI v3, which kubectl ≥
 * 1.27 uses to hand validation to the server): those apply with `--validate=false`. kubectl < 1.30
 * execs over SPDY, which the emulator does not speak (it speaks the WebSocket channel protocols
 * that client-node and kubectl ≥ 1.30 use): the exec test is skipped there, saying so.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClusterGateway, KubeObject } from '../../src/kube/gateway.js';
import { describeWithTool, TOOLS } from '../support/system-tool.js';
import { VirtualClock } from '../support/traffic-clock.js';
import { startTestBed, type TestBed } from './run/bed.js';
import { connect } from './helpers.js';

/** kubectl's client minor version (`1.32+` → 32), or 0 when it cannot say. */
function minorOf(kubectl: string): number {
  try {
    const v = JSON.parse(execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 10_000 })) as { clientVersion?: { minor?: string } };
    return Number.parseInt(v.clientVersion?.minor ?? '0', 10) || 0;
  } catch {
    return 0;
  }
}

/** A printed table → rows of header → cell (columns are separated by 2+ spaces, as kubectl's printer pads them). */
function parseTable(text: string): Array<Record<string, string>> {
  const [head, ...lines] = text.trimEnd().split('\n');
  const cols = (head ?? '').split(/\s{2,}/);
  return lines.map((l) => Object.fromEntries(l.split(/\s{2,}/).map((c, i) => [cols[i] ?? `#${i}`, c])));
}

describeWithTool(TOOLS.kubectl, 'kubectl against the API emulator', (kubectl) => {
  const minor = minorOf(kubectl);
  let bed: TestBed;
  let gw: ClusterGateway;
  const cacheDir = mkdtempSync(join(tmpdir(), 'meshbench-kubectl-cache-'));

  /** Runs kubectl on context c1 (bounded: 20 s). */
  const k = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(kubectl, ['--context', 'c1', '--cache-dir', cacheDir, ...args], { env: { ...process.env, KUBECONFIG: bed.kubeconfig }, timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    bed = await startTestBed({ clock: new VirtualClock() });
    gw = connect(bed.kubeconfig, ['c1']).clusters[0]!.gateway;
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('get ns: short names from discovery; the namespaces a cluster starts with, as client-node lists them', async () => {
    const r = await k(['get', 'ns']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseTable(r.stdout);
    expect(Object.keys(rows[0] ?? {})).toEqual(['NAME', 'STATUS', 'AGE']);
    const names = rows.map((x) => x['NAME']).sort();
    expect(names).toEqual((await gw.list('v1', 'Namespace')).map((n) => n.metadata.name).sort());
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'sample', 'istio-system']));
    expect(rows.every((x) => x['STATUS'] === 'Active' && /^\d+s$/.test(x['AGE'] ?? ''))).toBe(true);
  });

  it('get deploy and get pods: the real columns (READY, STATUS, …), matching the objects client-node reads', async () => {
    const d = await k(['get', 'deploy', '-n', 'sample']);
    expect(d.code, d.stderr).toBe(0);
    const drows = parseTable(d.stdout);
    expect(Object.keys(drows[0] ?? {})).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    const deps = await gw.list('apps/v1', 'Deployment', { namespace: 'sample' });
    expect(drows.map((x) => [x['NAME'], x['READY']])).toEqual(
      deps
        .map((o) => [o.metadata.name, `${(o['status'] as { readyReplicas?: number }).readyReplicas ?? 0}/${(o['spec'] as { replicas: number }).replicas}`])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const p = await k(['get', 'po', '-n', 'sample', '-o', 'wide']);
    expect(p.code, p.stderr).toBe(0);
    const prows = parseTable(p.stdout);
    expect(Object.keys(prows[0] ?? {})).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const pods = await gw.list('v1', 'Pod', { namespace: 'sample' });
    const expected = pods.map((o) => {
      const st = o['status'] as { phase: string; podIP: string; containerStatuses: Array<{ ready: boolean }> };
      return [o.metadata.name, `${st.containerStatuses.filter((c) => c.ready).length}/${st.containerStatuses.length}`, st.phase, st.podIP, (o['spec'] as { nodeName: string }).nodeName];
    });
    expect(prows.map((x) => [x['NAME'], x['READY'], x['STATUS'], x['IP'], x['NODE']]).sort()).toEqual(expected.sort());
    expect(prows.every((x) => x['READY'] === '2/2' && x['STATUS'] === 'Running')).toBe(true);
    // Istio's CRD columns, by its short name.
    const dr = await k(['get', 'dr', '-n', 'sample']);
    expect(parseTable(dr.stdout)).toEqual([{ NAME: 'helloworld', HOST: expect.stringMatching(/^helloworld/), AGE: expect.stringMatching(/^\d+s$/) }]);
  });

  it(`apply --server-side of a DestinationRule without a namespace lands in default, as client-node reads it${minor < 27 ? ' (kubectl < 1.27: --validate=false, no protobuf OpenAPI v2)' : ''}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-kubectl-'));
    const file = join(dir, 'dr.yaml');
    writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: from-kubectl\nspec:\n  host: helloworld.sample.svc.cluster.local\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1m}\n');
    const r = await k(['apply', '--server-side', '-f', file, ...(minor < 27 ? ['--validate=false'] : [])]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/destinationrule\.networking\.istio\.io\/from-kubectl serverside-applied/);
    const stored = (await gw.get({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', namespace: 'default', name: 'from-kubectl' })) as KubeObject;
    expect(stored['spec']).toEqual({ host: 'helloworld.sample.svc.cluster.local', trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '1m' } } });
    // A server-side apply by field manager kubectl, as meshbench's own apply is one by `meshbench`.
    const patch = bed.c1.requests.find((q) => q.method === 'PATCH' && q.path === '/apis/networking.istio.io/v1/namespaces/default/destinationrules/from-kubectl');
    expect(patch?.contentType).toMatch(/^application\/apply-patch\+yaml/);
    expect(patch?.query).toMatch(/fieldManager=kubectl/);
    if (minor >= 27) {
      // kubectl found the fieldValidation parameter in the OpenAPI v3 document and left validation to the server.
      expect(bed.c1.requests.some((q) => q.method === 'PATCH' && q.path.endsWith('/destinationrules/from-kubectl') && q.query.includes('fieldValidation=Strict'))).toBe(true);
    }
  });

  it('scale: the scale subresource, seen by client-node and by the emulated controller', async () => {
    const r = await k(['-n', 'sample', 'scale', 'deploy/helloworld-v1', '--replicas=0']);
    expect(r.code, r.stderr).toBe(0);
    const dep = (await gw.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'sample', name: 'helloworld-v1' })) as KubeObject;
    expect((dep['spec'] as { replicas: number }).replicas).toBe(0);
    expect(bed.c1.controller.scaleEvents.map((e) => `${e.from}->${e.to}`)).toEqual(['1->0']);
    expect(parseTable((await k(['get', 'deploy', 'helloworld-v1', '-n', 'sample'])).stdout)[0]?.['READY']).toBe('0/0');
    await gw.scale('sample', 'helloworld-v1', 1);
  });

  it.skipIf(minor > 0 && minor < 30)(`exec over WebSocket: the same output as client-node's exec${minor > 0 && minor < 30 ? ' — skipped: kubectl < 1.30 execs over SPDY only' : ''}`, async () => {
    const pod = (await gw.list('v1', 'Pod', { namespace: 'sample', labelSelector: 'app=sleep' }))[0]?.metadata.name as string;
    const argv = ['pilot-agent', 'request', 'GET', 'clusters'];
    const r = await k(['-n', 'sample', 'exec', pod, '-c', 'istio-proxy', '--', ...argv]);
    expect(r.code, r.stderr).toBe(0);
    const mine = await gw.exec({ namespace: 'sample', pod, container: 'istio-proxy', argv, timeoutMs: 10_000 });
    expect(r.stdout).toBe(mine.stdout);
    expect(r.stdout).toContain('outbound|5000||helloworld.sample.svc.cluster.local');
    // A failing command's exit code comes through the status channel.
    const bad = await k(['-n', 'sample', 'exec', pod, '-c', 'istio-proxy', '--', 'pilot-agent', 'request', 'GET', 'nothing']);
    expect(bad.code).toBe(1);
  });

  it('logs -f follows until the container ends, line for line what client-node follows', async () => {
    const pod = (await gw.list('v1', 'Pod', { namespace: 'sample', labelSelector: 'app=sleep' }))[0]?.metadata.name as string;
    for (const l of ['one', 'two']) bed.c1.logs.write('sample', pod, 'sleep', l);
    const child = spawn(kubectl, ['--context', 'c1', '--cache-dir', cacheDir, '-n', 'sample', 'logs', '-f', pod, '-c', 'sleep'], { env: { ...process.env, KUBECONFIG: bed.kubeconfig } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const killer = setTimeout(() => child.kill(), 20_000);
    const mine: string[] = [];
    const following = gw.followLogs({ namespace: 'sample', pod, container: 'sleep', onLine: (l) => mine.push(l) });
    for (let i = 0; i < 200 && !out.includes('two\n'); i++) await new Promise((r) => setTimeout(r, 50));
    for (const l of ['three', 'four']) bed.c1.logs.write('sample', pod, 'sleep', l);
    bed.c1.logs.end('sample', pod, 'sleep');
    expect(await exited).toBe(0);
    clearTimeout(killer);
    await following;
    expect(out).toBe('one\ntwo\nthree\nfour\n');
    expect(mine).toEqual(['one', 'two', 'three', 'four']);
  });
});
