/**
 * What a pod deletion does to the data path, container by container, from upstream code:
 *
 * - App (Mesh `server`, gunicorn with a gevent worker): SIGTERM clears the worker's `alive` flag;
 *   its main loop (gunicorn/workers/ggevent.py GeventWorker.run, `gevent.sleep(1.0)` per turn)
 *   notices at its next turn — an arbitrary phase of its 1 s loop, drawn per pod — and closes the
 *   listener (`server.close()`). Requests already accepted finish; the worker then checks once a
 *   second and exits when none is left, or is killed at `graceful_timeout`. A light app (only
 *   `latency`) stops taking requests at SIGTERM, as the model always assumed.
 * - Sidecar, classic (ENABLE_NATIVE_SIDECARS off): SIGTERM at the same moment; pilot-agent drains
 *   for terminationDrainDuration (listeners still accept) and then stops Envoy — or, with
 *   EXIT_ON_ZERO_ACTIVE_CONNECTIONS, waits after the drain until no connection is active.
 * - Sidecar, native: Kubernetes sends it SIGTERM only after the app container exited; then the same drain.
 * - Kubelet kills whatever still runs at terminationGracePeriodSeconds.
 *
 * While the sidecar is up and the app does not accept, the sidecar answers 503 (connection
 * refused upstream); once the sidecar is gone, connections are refused (connect failure).
 */
import type { MeshDefaults } from '../../model/mesh.js';
import type { Rng } from '../rng.js';
import type { SimPod } from './world.js';

/** pilot-agent polls Envoy's active connections once a second (EXIT_ON_ZERO_ACTIVE_CONNECTIONS). */
const ACTIVE_CONNECTIONS_POLL_US = 1_000_000;

export interface ShutdownHooks {
  at(atUs: number, fn: (nowUs: number) => void): void;
}

export interface ShutdownOptions {
  defaults: MeshDefaults;
  /** Native sidecars in force (the mesh setting resolved against the Istio version). */
  native: boolean;
  rng: Rng;
  hooks: ShutdownHooks;
}

/** SIGTERM to the pod's containers at `nowUs` (the endpoint change is the caller's). */
export function shutdownPod(pod: SimPod, nowUs: number, o: ShutdownOptions): void {
  const { defaults, hooks } = o;
  const killUs = nowUs + defaults.terminationGracePeriodUs;

  const sidecarExit = (t: number) => {
    if (!pod.sidecarUp) return;
    pod.sidecarUp = false;
    pod.sidecarExitUs = t;
    pod.phase = 'gone';
  };
  const sidecarSigterm = (t: number) => {
    const drainEndUs = Math.min(t + defaults.terminationDrainDurationUs, killUs);
    if (!defaults.exitOnZeroActiveConnections) {
      hooks.at(drainEndUs, sidecarExit);
      return;
    }
    const poll = (p: number) => {
      if (pod.inflight === 0 || p >= killUs) sidecarExit(p);
      else hooks.at(Math.min(p + ACTIVE_CONNECTIONS_POLL_US, killUs), poll);
    };
    hooks.at(drainEndUs, poll);
  };
  let appDone = false;
  const appExit = (t: number, killed: boolean) => {
    if (appDone) return;
    appDone = true;
    pod.appAccepting = false;
    if (killed) pod.appKilledUs = t;
    if (o.native) sidecarSigterm(t);
  };

  const server = pod.server;
  const spec = pod.deployment.workload.server;
  if (server === undefined || spec === undefined) {
    pod.appAccepting = false;
    appExit(nowUs, false);
  } else {
    const noticeUs = nowUs + Math.floor(o.rng.next() * spec.signalCheckUs);
    const gracefulEndUs = Math.min(noticeUs + spec.gracefulTimeoutUs, killUs);
    const check = (t: number) => {
      if (server.idleAt(t)) appExit(t, false);
      else if (t >= gracefulEndUs) appExit(t, true);
      else hooks.at(Math.min(t + spec.signalCheckUs, gracefulEndUs), check);
    };
    hooks.at(noticeUs, (t) => {
      pod.appAccepting = false;
      pod.listenerClosedUs = t;
      check(t);
    });
  }
  if (!o.native) sidecarSigterm(nowUs);
  hooks.at(killUs, (t) => {
    appExit(t, true);
    sidecarExit(t);
  });
}
