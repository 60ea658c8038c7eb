/**
 * The k6 objects: the script in a ConfigMap, the scenario in the environment, a native sidecar on
 * Kubernetes ≥ 1.29 and the script's quitquitquit otherwise; a TestRun for --parallelism whose
 * initializer and starter get no sidecar. And the first point of a runner's output is its origin.
 */
import { describe, expect, it } from 'vitest';
import { K6_SYSTEM_TAGS, k6Env, k6Plan } from '../../../src/kube/run/k6-objects.js';
import { k6Major, parseK6Args } from '../../support/apiserver/k6-runner.js';
import { pointEpochUs } from '../../../src/kube/run/k6-load.js';
import type { Scenario } from '../../../src/model/scenario.js';
import { k6TestScenario } from './k6-scenario.js';

const scenario: Scenario = k6TestScenario({ kind: 'open', ratePerS: 100, durationUs: 60_000_000 });
const base = { scenario, url: 'http://helloworld.sample:5000/hello', namespace: 'sample', name: 'meshbench-k6-abc123-0', runId: 'abc123', image: 'grafana/k6:1.4.2', script: '// script' };

describe('k6 objects', () => {
  it('one Job: native sidecar, the scenario in MESHBENCH_* variables, the script mounted from its ConfigMap', () => {
    const plan = k6Plan({ ...base, nativeSidecar: true });
    expect(plan.configMap).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'meshbench-k6-abc123-0', labels: { 'app.kubernetes.io/managed-by': 'meshbench' } }, data: { 'meshbench.ts': '// script' } });
    expect(plan.podSelector).toBe('job-name=meshbench-k6-abc123-0');
    const tpl = (plan.runner['spec'] as { template: { metadata: { annotations: Record<string, string> }; spec: { containers: Array<{ args: string[]; env: Array<{ name: string; value: string }> }> } } }).template;
    expect(tpl.metadata.annotations).toEqual({ 'sidecar.istio.io/nativeSidecar': 'true' });
    const c = tpl.spec.containers[0];
    expect(c?.args).toEqual(['run', '--quiet', '--system-tags', K6_SYSTEM_TAGS, '--out', 'json=/dev/stdout', '/scripts/meshbench.ts']);
    // Flags k6 1.x and 2.x both accept (2.0 removed --no-summary, grafana/k6#5729); vu and iter on.
    expect(c?.args).not.toContain('--no-summary');
    expect(K6_SYSTEM_TAGS.split(',')).toEqual(expect.arrayContaining(['vu', 'iter', 'status', 'scenario', 'group', 'name']));
    for (const image of ['grafana/k6:1.4.2', 'grafana/k6:2.0.0', 'grafana/k6:latest']) expect(parseK6Args(c?.args ?? [], k6Major(image))).not.toBeTypeOf('string');
    expect(Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]))).toEqual({
      MESHBENCH_DURATION: '60000ms',
      MESHBENCH_EXECUTOR: 'constant-arrival-rate',
      MESHBENCH_MAX_VUS: '1000',
      MESHBENCH_PREALLOCATED_VUS: '10',
      MESHBENCH_QUIT_SIDECAR: 'false',
      MESHBENCH_RATE: '100',
      MESHBENCH_TIMEOUT: '10000ms',
      MESHBENCH_URL: 'http://helloworld.sample:5000/hello',
    });
  });

  it('before Kubernetes 1.29 the script quits the sidecar, which holds k6 until it is up', () => {
    const tpl = (k6Plan({ ...base, nativeSidecar: false }).runner['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template;
    expect(tpl.metadata.annotations).toEqual({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}' });
    expect(k6Env(scenario, 'u', true).find((e) => e.name === 'MESHBENCH_QUIT_SIDECAR')?.value).toBe('true');
  });

  it('a closed model runs as constant-vus with the think time', () => {
    const env = Object.fromEntries(k6Env({ ...scenario, load: { kind: 'closed', concurrency: 4, durationUs: 5_000_000, thinkTimeUs: 250_000 } }, 'u', false).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ MESHBENCH_EXECUTOR: 'constant-vus', MESHBENCH_VUS: '4', MESHBENCH_THINK_TIME_S: '0.25', MESHBENCH_DURATION: '5000ms' });
  });

  it('--parallelism: a k6-operator TestRun over the same ConfigMap', () => {
    const plan = k6Plan({ ...base, nativeSidecar: true, parallelism: 3 });
    expect(plan.runner).toMatchObject({
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      spec: {
        parallelism: 3,
        script: { configMap: { name: 'meshbench-k6-abc123-0', file: 'meshbench.ts' } },
        // The operator adds `--quiet` itself (runner.go, NewRunnerJob).
        arguments: `--system-tags ${K6_SYSTEM_TAGS} --out json=/dev/stdout`,
        cleanup: 'post',
        // The initializer gets what k6 archive needs: the runners' image and env, and no sidecar.
        initializer: { image: 'grafana/k6:1.4.2', env: k6Env(scenario, base.url, false), metadata: { labels: { 'sidecar.istio.io/inject': 'false' } } },
      },
    });
    expect(plan).toMatchObject({ podSelector: 'k6_cr=meshbench-k6-abc123-0,runner=true', pods: 3 });
  });

  it('reads the time of a Point line (ns precision) and nothing else', () => {
    expect(pointEpochUs('{"metric":"vus","type":"Point","data":{"time":"2026-11-23T21:45:00.123456789Z","value":1,"tags":{}}}')).toBeCloseTo(1795470300123456.789, 3);
    expect(pointEpochUs('{"type":"Metric","data":{"name":"vus"},"metric":"vus"}')).toBeUndefined();
    expect(pointEpochUs('time="2026-11-23T21:45:00Z" level=info msg="x"')).toBeUndefined();
  });
});
