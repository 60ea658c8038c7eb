/**
 * `run --target kube --dry-run=client -o yaml|json` (issue 13): every object the run would create
 * and every command it would exec, printed without a kubeconfig or a cluster, like kubectl.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CURL_LOOP_SCRIPT } from '../../src/kube/run/curl-load.js';
import { K6_SYSTEM_TAGS } from '../../src/kube/run/k6-objects.js';
import { runCli } from '../support/cli.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'kube-run');
/** No KUBECONFIG and a HOME without ~/.kube/config. */
const noKubeconfig = () => ({ env: { HOME: mkdtempSync(join(tmpdir(), 'meshbench-home-')) } });

type Doc = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown>; commands?: Array<{ purpose: string; argv: string[]; kubectl: string; container: string }> };

async function dryRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string; docs: Doc[] }> {
  const r = await runCli(['run', ...args, '--target', 'kube', '--context', 'c1', '--context', 'c2', '--dry-run=client'], noKubeconfig());
  const docs = r.code === 0 && !args.includes('json') ? parseAllDocuments(r.stdout).map((d) => d.toJSON() as Doc) : [];
  return { ...r, docs };
}

describe('run --target kube --dry-run=client', () => {
  it('k6 Job: the DestinationRule, the ConfigMap and the Job as YAML, then the exec plan; no kubeconfig needed', async () => {
    const r = await dryRun([join(FIXTURES, 'failover-open.yaml'), '-o', 'yaml']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('# meshbench run failover-open --target kube --dry-run=client')).toBe(true);
    expect(r.docs.map((d) => d.kind)).toEqual(['DestinationRule', 'ConfigMap', 'Job', 'ExecPlan']);
    expect(r.docs[0]?.metadata).toMatchObject({ name: 'helloworld', namespace: 'sample' });
    const job = r.docs[2] as Doc & { spec: { template: { spec: { affinity: unknown; containers: Array<{ args: string[] }> } } } };
    expect(job.spec.template.spec.containers[0]?.args).toContain(K6_SYSTEM_TAGS);
    expect(job.spec.template.spec.affinity).toBeDefined();
    const plan = r.docs[3] as Doc;
    expect(plan.commands?.map((c) => c.purpose)).toEqual(expect.arrayContaining(['clock sync: the best clock read 3 times, the shortest round trip kept', "k6 in the Job's pod (the image's entrypoint is k6)"]));
    expect(plan.commands?.find((c) => c.purpose.startsWith('k6 in'))?.kubectl).toBe(`k6 run --quiet --system-tags ${K6_SYSTEM_TAGS} --out json=/dev/stdout /scripts/meshbench.ts`);
    // The proxy read is the sending runner's own sidecar (the client is the pod that sends).
    expect(plan.commands?.find((c) => c.purpose.startsWith('sending proxy endpoints'))?.kubectl).toMatch(/^kubectl --context c1 -n sample exec '<the pod of Job meshbench-k6-[0-9a-f]{6}-0>' -c istio-proxy -- pilot-agent request GET clusters$/);
  });

  it('--parallelism: the TestRun and each runner\'s k6 command as the operator builds it', async () => {
    const r = await dryRun([join(FIXTURES, 'failover-open.yaml'), '--parallelism', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.docs.map((d) => d.kind)).toEqual(['DestinationRule', 'ConfigMap', 'TestRun', 'ExecPlan']);
    expect(r.docs[2]?.spec).toMatchObject({ parallelism: 2, cleanup: 'post', initializer: { image: 'grafana/k6:1.4.2' } });
    const runners = r.docs[3]?.commands?.filter((c) => c.purpose.startsWith('k6 in runner')) ?? [];
    expect(runners.map((c) => c.argv.slice(0, 5))).toEqual([
      ['k6', 'run', '--quiet', '--execution-segment=0:1/2', '--execution-segment-sequence=0,1/2,1'],
      ['k6', 'run', '--quiet', '--execution-segment=1/2:1', '--execution-segment-sequence=0,1/2,1'],
    ]);
  });

  it('curl mode, 2 trials: the loops\' exact argv (the fixed script, values as arguments) for each trial', async () => {
    const r = await dryRun([join(FIXTURES, 'failover-closed.yaml'), '--load', 'curl', '--repeat', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.docs.map((d) => d.kind)).toEqual(['DestinationRule', 'ExecPlan']);
    const loops = r.docs[1]?.commands?.filter((c) => /curl loop \d$/.test(c.purpose)) ?? [];
    expect(loops).toHaveLength(2);
    expect(loops[0]?.argv.slice(0, 5)).toEqual(['timeout', '38', 'sh', '-c', CURL_LOOP_SCRIPT]);
    expect(loops[0]?.argv.slice(6)).toEqual(['http://helloworld.sample:5000/hello', '6000000', '2', '0', '0', expect.stringMatching(/^\/tmp\/meshbench-stop-[0-9a-f]{6}-0$/), 'curl-time', expect.stringMatching(/^\/tmp\/meshbench-[0-9a-f]{6}-0-0\.out$/)]);
    expect(loops[1]?.purpose).toBe('trial 2: curl loop 0');
    // A cut loop's file is copied out with its size and digest; every loop file is removed once read.
    const file = loops[0]?.argv.at(-1) as string;
    const around = r.docs[1]?.commands?.filter((c) => c.argv.includes(file)).map((c) => c.argv) ?? [];
    expect(around.slice(1)).toEqual([['wc', '-c', file], ['sha256sum', file], ['cat', file], ['rm', '-f', file]]);
  });

  it('-o json: one List', async () => {
    const r = await runCli(['run', join(FIXTURES, 'spread-open.yaml'), '--target', 'kube', '--context', 'c1', '--context', 'c2', '--dry-run=client', '-o', 'json'], noKubeconfig());
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { kind: string; items: Doc[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((d) => d.kind)).toEqual(['ConfigMap', 'Job', 'ExecPlan']);
  });

  it('-o without --dry-run, and --dry-run=server, are usage errors (exit 2)', async () => {
    const a = await runCli(['run', 'failover', '--target', 'kube', '--context', 'c1', '--context', 'c2', '-o', 'yaml'], noKubeconfig());
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('add --dry-run=client');
    const b = await runCli(['run', 'failover', '--target', 'kube', '--context', 'c1', '--context', 'c2', '--dry-run=server'], noKubeconfig());
    expect(b.code).toBe(2);
  });
});
