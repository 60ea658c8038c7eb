import { describe, expect, it } from 'vitest';
import type { Mesh } from '../../../src/model/mesh.js';
import type { Sample } from '../../../src/model/sample.js';
import { destinationRule, lightMesh, run, scenario, withServer } from '../../support/sim.js';

const light = await lightMesh();
const local = destinationRule();
const scaleDown = (atUs: number) => [{ atUs, name: 'fault', action: { kind: 'scale' as const, cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 0 } }];

/** The mesh with constant, slow propagation, so the pod's own shutdown shows before the EDS push. */
function slowPush(m: Mesh, endpointUpdateUs: number): Mesh {
  const copy = structuredClone(m);
  Object.assign(copy.controlPlane, { endpointUpdateUs, endpointUpdateP99Us: endpointUpdateUs, pushUs: 50_000, pushP99Us: 50_000 });
  return copy;
}

const v1After = (samples: readonly Sample[], fromUs: number) => samples.filter((s) => s.scheduledUs >= fromUs && s.version === 'v1' && s.status === 200);

describe('pod shutdown from upstream code', () => {
  // gunicorn/workers/ggevent.py GeventWorker.run: `while self.alive: self.notify(); gevent.sleep(1.0)`
  // then `server.close()`: the listener closes at the next turn of the 1 s loop after SIGTERM.
  it('helloworld keeps serving until its gevent worker notices SIGTERM (< 1 s, a per-trial phase), then its sidecar answers 503', () => {
    const m = slowPush(withServer(light, 'cluster1', 'helloworld-v1', { cpuP50Us: 30_000 }), 3_000_000);
    const lastServedMs: number[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const { samples } = run(m, scenario({ destinationRule: local, timeline: scaleDown(2_000_000), load: { kind: 'closed', concurrency: 1, thinkTimeUs: 5_000, durationUs: 4_000_000 } }), { istio: '1.24', seed });
      const served = v1After(samples, 2_000_000);
      const last = Math.max(...served.map((s) => s.scheduledUs));
      expect(last).toBeLessThan(3_000_000);
      lastServedMs.push(Math.round(last / 1000));
      // Between the listener closing and the push (≈ 3.15 s) the sidecar answers 503 at once.
      const failed = samples.filter((s) => s.status === 503);
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed) expect(f.scheduledUs).toBeGreaterThan(last);
    }
    // The old model stopped the app at SIGTERM: no v1 success after 2 s in any trial.
    expect(new Set(lastServedMs).size).toBeGreaterThan(5);
    expect(Math.max(...lastServedMs) - Math.min(...lastServedMs)).toBeGreaterThan(300);
  });

  // A request in service when the pod is deleted, longer than terminationDrainDuration (5 s).
  const slowApp = withServer(light, 'cluster1', 'helloworld-v1', { cpuP50Us: 8_000_000 });
  const oneLongRequest = (m: Mesh, istio: string) =>
    run(m, scenario({ destinationRule: local, timeline: scaleDown(1_000_000), load: { kind: 'closed', concurrency: 1, thinkTimeUs: 20_000_000, durationUs: 9_000_000 } }), { istio }).samples[0]!;

  // Classic sidecar: pilot-agent drains for terminationDrainDuration from SIGTERM, then Envoy exits.
  // (The client sees the reset when the request would have finished: the model does not move a
  // request's completion event, see docs/simulator.md "Limitations".)
  it('classic sidecars (Istio ≤ 1.26 default) exit 5 s after SIGTERM and reset a longer request', () => {
    const s = oneLongRequest(slowApp, '1.26');
    expect(s.status).toBe(503);
  });

  // Native sidecar (ENABLE_NATIVE_SIDECARS auto from 1.27, pilot/pkg/features): Kubernetes stops
  // the sidecar container only after the app container exited.
  it('native sidecars (Istio ≥ 1.27 default) wait for the app: the request completes', () => {
    const s = oneLongRequest(slowApp, '1.27');
    expect(s.status).toBe(200);
    expect(s.endUs - s.startUs).toBeGreaterThanOrEqual(8_000_000);
  });

  it('the mesh setting overrides the version default, and EXIT_ON_ZERO_ACTIVE_CONNECTIONS keeps a classic sidecar for the request', () => {
    const classic = structuredClone(slowApp);
    classic.defaults.nativeSidecars = false;
    expect(oneLongRequest(classic, '1.27').status).toBe(503);
    const waits = structuredClone(classic);
    waits.defaults.exitOnZeroActiveConnections = true;
    expect(oneLongRequest(waits, '1.27').status).toBe(200);
  });

  // gunicorn graceful_timeout: after noticing SIGTERM the worker gets this long, then is killed.
  it('kills the app at graceful_timeout: a request still in service fails', () => {
    const short = withServer(light, 'cluster1', 'helloworld-v1', { cpuP50Us: 8_000_000, gracefulTimeoutUs: 2_000_000 });
    const s = oneLongRequest(short, '1.27');
    expect(s.status).toBe(503);
  });
});
