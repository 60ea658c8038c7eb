/**
 * meshbench's k6 script: the scenario's load against helloworld, from inside the mesh.
 *
 * `meshbench run --target kube --load k6` puts this file in a ConfigMap and runs it as a Job (or,
 * with --parallelism, a k6-operator TestRun) in the client's namespace:
 *   k6 run --quiet --system-tags <defaults>,vu,iter --out json=/dev/stdout /scripts/meshbench.ts
 * (flags k6 1.x and 2.x both accept: 2.0 removed `--no-summary`, grafana/k6#5729; `handleSummary`
 * below replaces the end-of-test summary instead). k6 runs TypeScript directly (k6 ≥ 0.57). Everything comes from the environment (MESHBENCH_*),
 * never from script text. Each request is tagged through the custom counter `helloworld_responses`
 * with the `version` and `instance` its body names (`Hello version: v1, instance: <pod>`), which is
 * how meshbench's k6 reader (and `meshbench import`) attributes responses.
 */
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import { sleep } from 'k6';
import type { Options } from 'k6/options';

const responses = new Counter('helloworld_responses');
/** Requests of the scenario that returned (not meshbench's own control requests). */
const sent = new Counter('meshbench_requests');
/** Tag `name` of meshbench's own requests (the sidecar's quit): never counted as load. */
const CONTROL = 'meshbench-control';
const HELLO = /Hello version: ([^,\s]+), instance: (\S+)/;

function env(name: string, fallback?: string): string {
  const v = __ENV[name];
  if (v !== undefined && v !== '') return v;
  if (fallback !== undefined) return fallback;
  throw new Error(`meshbench.ts: environment variable ${name} is not set`);
}

function positive(name: string, fallback?: string): number {
  const n = Number(env(name, fallback));
  if (!Number.isFinite(n) || n < 0) throw new Error(`meshbench.ts: ${name} must be a number ≥ 0`);
  return n;
}

const TARGET_URL = env('MESHBENCH_URL');
const EXECUTOR = env('MESHBENCH_EXECUTOR', 'constant-arrival-rate');
const DURATION = env('MESHBENCH_DURATION', '60s');
const TIMEOUT = env('MESHBENCH_TIMEOUT', '10s');
const THINK_S = positive('MESHBENCH_THINK_TIME_S', '0');
const QUIT_SIDECAR = env('MESHBENCH_QUIT_SIDECAR', 'false') === 'true';
// Requests may take the whole timeout: let them finish rather than count them as interrupted.
const GRACEFUL_STOP = `${Math.ceil(parseDurationS(TIMEOUT)) + 1}s`;

function parseDurationS(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(d);
  if (m === null) return 10;
  const v = Number(m[1]);
  return m[2] === 'ms' ? v / 1000 : m[2] === 'm' ? v * 60 : v;
}

export const options: Options = {
  scenarios: {
    meshbench:
      EXECUTOR === 'constant-vus'
        ? { executor: 'constant-vus', vus: positive('MESHBENCH_VUS', '1'), duration: DURATION, gracefulStop: GRACEFUL_STOP }
        : {
            executor: 'constant-arrival-rate',
            rate: positive('MESHBENCH_RATE'),
            timeUnit: '1s',
            duration: DURATION,
            preAllocatedVUs: positive('MESHBENCH_PREALLOCATED_VUS', '10'),
            maxVUs: positive('MESHBENCH_MAX_VUS', '100'),
            gracefulStop: GRACEFUL_STOP,
          },
  },
};

export default function (): void {
  const res = http.get(TARGET_URL, { timeout: TIMEOUT, tags: { name: 'helloworld' } });
  sent.add(1);
  const body = typeof res.body === 'string' ? res.body : '';
  const m = HELLO.exec(body);
  if (m !== null && m[1] !== undefined && m[2] !== undefined) responses.add(1, { version: m[1], instance: m[2] });
  if (THINK_S > 0) sleep(THINK_S);
}

/** Without native sidecars the Job only completes once istio-proxy is told to quit. */
export function teardown(): void {
  if (QUIT_SIDECAR) http.post('http://127.0.0.1:15020/quitquitquit', null, { tags: { name: CONTROL } });
}

/**
 * Replaces k6's end-of-test summary (in k6 1.x and 2.x alike) with one line meshbench reads: how
 * many requests the script made, to compare with the points that reached it (a log that rotated or
 * a stream that was cut shows as fewer).
 */
export function handleSummary(data: { metrics: Record<string, { values?: Record<string, number> } | undefined> }): Record<string, string> {
  const count = data.metrics['meshbench_requests']?.values?.['count'] ?? 0;
  return { stdout: `MESHBENCH_SUMMARY ${JSON.stringify({ requests: count })}\n` };
}
