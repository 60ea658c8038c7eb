/**
 * `GET /api/v1/namespaces/<ns>/pods/<pod>/log` (plain and `follow=true`) from the emulator's
 * LogSource, with the kubelet's options (pkg/kubelet/kuberuntime/logs/logs.go ReadLogs):
 * `sinceTime` (RFC3339; lines received at or after it), `sinceSeconds` (on the log's clock),
 * `tailLines`, `timestamps` (each line prefixed with its RFC3339Nano time and a space). Only one of
 * sinceTime and sinceSeconds may be given (pkg/apis/core/validation ValidatePodLogOptions).
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { parseRfc3339Ns, rfc3339Nano, type LogEntry } from './logs.js';
import type { ApiServer } from './server.js';
import { StatusError } from './store.js';

export function serveLog(server: ApiServer, res: ServerResponse, ns: string, pod: string, url: URL): void {
  const obj = server.get('v1', 'Pod', ns, pod);
  if (obj === undefined) throw new StatusError(404, 'NotFound', `pods "${pod}" not found`);
  const containers = ((obj['spec'] as { containers?: Array<{ name: string }> }).containers ?? []).map((c) => c.name);
  const container = url.searchParams.get('container') ?? containers[0] ?? '';
  if (!containers.includes(container)) throw new StatusError(400, 'BadRequest', `container ${container} is not valid for pod ${pod}`);
  const q = url.searchParams;
  const sinceTime = q.get('sinceTime');
  const sinceSeconds = q.get('sinceSeconds');
  if (sinceTime !== null && sinceSeconds !== null) throw new StatusError(422, 'Invalid', 'PodLogOptions "" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  let sinceNs: bigint | undefined;
  if (sinceTime !== null) {
    sinceNs = parseRfc3339Ns(sinceTime);
    if (sinceNs === undefined) throw new StatusError(400, 'BadRequest', `parsing time "${sinceTime}" as RFC3339: cannot parse`);
  } else if (sinceSeconds !== null) {
    sinceNs = BigInt(Math.round((server.logs.now() - Number(sinceSeconds) * 1000) * 1e6));
  }
  const stamped = q.get('timestamps') === 'true';
  const text = (e: LogEntry) => `${stamped ? `${rfc3339Nano(e.atNs)} ` : ''}${e.text}\n`;
  const tail = Number(q.get('tailLines') ?? '0');
  res.writeHead(200, { 'content-type': 'text/plain' });
  for (const e of server.logs.entries(ns, pod, container, tail > 0 ? tail : undefined, sinceNs)) res.write(text(e));
  if (q.get('follow') !== 'true' || server.logs.isEnded(ns, pod, container)) {
    res.end();
    return;
  }
  const stop = server.logs.follow(
    ns,
    pod,
    container,
    (e) => res.write(text(e)),
    () => res.end(),
  );
  const onPodGone = (p: KubeObject) => {
    if (p.metadata.namespace === ns && p.metadata.name === pod) res.end();
  };
  server.controller.events.on('pod-deleted', onPodGone);
  res.on('close', () => {
    stop();
    server.controller.events.off('pod-deleted', onPodGone);
  });
}
