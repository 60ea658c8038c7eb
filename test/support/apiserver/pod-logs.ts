/** `GET /api/v1/namespaces/<ns>/pods/<pod>/log` (plain and `follow=true`) from the emulator's LogSource. */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../../src/kube/gateway.js';
import type { ApiServer } from './server.js';
import { StatusError } from './store.js';

export function serveLog(server: ApiServer, res: ServerResponse, ns: string, pod: string, url: URL): void {
  const obj = server.get('v1', 'Pod', ns, pod);
  if (obj === undefined) throw new StatusError(404, 'NotFound', `pods "${pod}" not found`);
  const containers = ((obj['spec'] as { containers?: Array<{ name: string }> }).containers ?? []).map((c) => c.name);
  const container = url.searchParams.get('container') ?? containers[0] ?? '';
  if (!containers.includes(container)) throw new StatusError(400, 'BadRequest', `container ${container} is not valid for pod ${pod}`);
  const tail = Number(url.searchParams.get('tailLines') ?? '0');
  const lines = server.logs.read(ns, pod, container, tail > 0 ? tail : undefined);
  res.writeHead(200, { 'content-type': 'text/plain' });
  for (const l of lines) res.write(`${l}\n`);
  if (url.searchParams.get('follow') !== 'true' || server.logs.isEnded(ns, pod, container)) {
    res.end();
    return;
  }
  const stop = server.logs.follow(
    ns,
    pod,
    container,
    (l) => res.write(`${l}\n`),
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
