/**
 * The data-path assumptions behind the simulator's figures for one client × service: the app's
 * capacity (which decides whether the predicted split survives load), the shutdown race that sets
 * the errors during a pod deletion, and connection pinning through east-west gateways. Each says
 * which Mesh-file setting changes it.
 */
import type { Mesh, MeshWorkload } from '../../model/mesh.js';
import type { IstioProfile } from '../istio-profile.js';
import type { ExplainWarning } from './warnings.js';

const ms = (us: number) => `${Math.round(us / 100) / 10}ms`;

export function dataPathAssumptions(
  mesh: Mesh,
  profile: IstioProfile,
  service: { service: string; namespace: string },
  throughGateway: boolean,
  workers = mesh.defaults.proxyConcurrency,
): ExplainWarning[] {
  const out: ExplainWarning[] = [];
  const backing: Array<{ cluster: string; w: MeshWorkload }> = [];
  for (const c of mesh.clusters) for (const w of c.workloads) if (!w.client && w.service === service.service && w.namespace === service.namespace) backing.push({ cluster: c.name, w });

  for (const { cluster, w } of backing) {
    const s = w.server;
    if (s === undefined) {
      out.push({ severity: 'note', code: 'light-app', message: `${cluster}/${w.name} is a light app (latency only): no capacity limit, so no queueing at any load; give it a \`server\` to model one.` });
      continue;
    }
    const slowdown = s.cpuLimitMillicores === undefined ? 1 : Math.max(1, (s.workers * 1000) / s.cpuLimitMillicores);
    const perPod = (s.workers * 1e6) / (s.cpuP50Us * slowdown);
    out.push({
      severity: 'note',
      code: 'capacity',
      message:
        `${cluster}/${w.name}: ${s.workers} worker${s.workers === 1 ? '' : 's'} × ${ms(s.cpuP50Us)} CPU per request (p50)` +
        `${slowdown > 1 ? `, ×${slowdown.toFixed(1)} under cpuLimit` : ''} ≈ ${perPod.toFixed(0)} req/s per pod, ${(perPod * w.replicas).toFixed(0)} req/s for ${w.replicas} replica${w.replicas === 1 ? '' : 's'}. ` +
        'Above that, requests queue (FIFO, backlog ' +
        `${s.backlog}) and time out at the route timeout; LEAST_REQUEST then steers away from the queued pod, and the predicted split no longer holds. ` +
        'Change with `server.workers`, `server.cpu`, `replicas`, or the scenario load.',
    });
  }

  const withServer = backing.filter((b) => b.w.server !== undefined);
  const native = mesh.defaults.nativeSidecars === 'auto' ? profile.nativeSidecarsByDefault : mesh.defaults.nativeSidecars;
  const cp = mesh.controlPlane;
  const pushMedianUs = cp.endpointUpdateUs + cp.debounceAfterUs + cp.pushUs;
  const notice =
    withServer.length > 0
      ? `the app (gunicorn gevent worker) closes its listener at the next turn of its ${ms(withServer[0]!.w.server!.signalCheckUs)} signal loop after SIGTERM (a phase drawn per pod)`
      : 'a light app stops taking requests at SIGTERM';
  out.push({
    severity: 'note',
    code: 'shutdown-errors',
    message:
      `errors when a pod is deleted are set by a race: ${notice}, while the client keeps sending to it until the EDS push lands ` +
      `(EndpointSlice update + debounce + push, median ${ms(pushMedianUs)}, drawn per trial). Requests in between get 503 from its sidecar` +
      `${profile.retries503 ? ', which Istio ' + profile.version + ' retries on another host' : ` (not retried by Istio ${profile.version}'s default policy)`}. ` +
      `${native ? 'Native sidecars' : 'Classic sidecars'} (${mesh.defaults.nativeSidecars === 'auto' ? `auto for Istio ${profile.version}` : 'set in the mesh'}): ` +
      (native
        ? 'the sidecar stops only after the app exited, so accepted requests finish. '
        : `the sidecar drains ${ms(mesh.defaults.terminationDrainDurationUs)} from SIGTERM and resets what is still in flight. `) +
      'Change with `server.signalCheckInterval`, `controlPlane` delays, `defaults.nativeSidecars`, `defaults.terminationDrainDuration`.',
  });

  if (throughGateway) {
    out.push({
      severity: 'note',
      code: 'gateway-pinning',
      message:
        `the east-west gateway forwards each connection by SNI (AUTO_PASSTHROUGH) to one remote pod, so a client's requests stick to the pod their connection was opened to ` +
        `(istio#32208, istio#31549): a one-at-a-time client keeps one connection and reaches one remote pod per gateway until it closes (idle timeout ${Math.round(mesh.defaults.connectionIdleTimeoutUs / 1e6)}s); ` +
        `concurrent requests open more connections (one pool per host per worker thread, ${workers} worker thread${workers === 1 ? '' : 's'}, one request per connection at a time). ` +
        'Change with the client\'s `proxy.concurrency` or `defaults.proxyConcurrency`, `defaults.connectionIdleTimeout`, or the scenario load.',
    });
  }
  return out;
}
