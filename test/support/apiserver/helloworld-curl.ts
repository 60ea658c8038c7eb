/**
 * `curl http://<service>.<namespace>[:port]/…` from a pod with a sidecar: the request goes where
 * that pod's Envoy would send it — the healthy hosts of the emulated `/clusters` view
 * (handlers.ts envoyClustersText) at the lowest priority that has one, round robin — and a
 * helloworld-style pod answers `Hello version: <version>, instance: <pod>`. A host that is a remote
 * east-west gateway (`<ip>:15443`) forwards to a ready pod of the service in that cluster. No healthy
 * host: Envoy's 503 `no healthy upstream` (curl still exits 0). Anything else goes to `fallback`.
 */
import { clusterHosts } from '../../../src/kube/doctor/envoy-clusters.js';
import { isReady } from './controller.js';
import type { ExecHandler } from './handlers.js';
import { envoyClustersText } from './handlers.js';
import type { ApiServer } from './server.js';

const turns = new WeakMap<ApiServer, number>();

function readyPods(server: ApiServer, namespace: string, service: string): Array<{ name: string; ip: string; version: string }> {
  return server
    .list('v1', 'Pod', namespace, `app=${service}`)
    .filter((p) => isReady(p) && p.metadata.deletionTimestamp === undefined)
    .map((p) => ({ name: p.metadata.name, ip: (p['status'] as { podIP: string }).podIP, version: p.metadata.labels?.['version'] ?? '' }));
}

export function withHelloworld(fallback: ExecHandler): ExecHandler {
  return (ctx) => {
    const url = ctx.argv.find((a) => /^https?:\/\//.test(a));
    const u = url !== undefined ? new URL(url) : undefined;
    const [service, namespace] = u?.hostname.split('.') ?? [];
    const svc = service !== undefined && namespace !== undefined ? ctx.server.get('v1', 'Service', namespace, service) : undefined;
    if (u === undefined || svc === undefined || service === undefined || namespace === undefined) return fallback(ctx);
    const port = Number(u.port || '80');
    const cluster = `outbound|${port}||${service}.${namespace}.svc.cluster.local`;
    const healthy = clusterHosts(envoyClustersText(ctx.server, ctx.pod), cluster).filter((h) => h.healthy);
    const top = Math.min(...healthy.map((h) => h.priority));
    const hosts = healthy.filter((h) => h.priority === top);
    if (hosts.length === 0) {
      ctx.stdout('no healthy upstream');
      return 0;
    }
    const turn = turns.get(ctx.server) ?? 0;
    turns.set(ctx.server, turn + 1);
    const host = hosts[turn % hosts.length]!;
    const ip = host.address.split(':')[0];
    const everyone = [ctx.server, ...ctx.server.linkedPeers()];
    let answer = everyone.flatMap((s) => readyPods(s, namespace, service)).find((p) => p.ip === ip);
    if (answer === undefined) {
      const remote = ctx.server.linkedPeers().find((s) => s.eastWestGateway()?.ip === ip);
      const pods = remote !== undefined ? readyPods(remote, namespace, service) : [];
      answer = pods[turn % Math.max(1, pods.length)];
    }
    if (answer === undefined) {
      ctx.stdout('upstream connect error or disconnect/reset before headers. reset reason: connection failure');
      return 0;
    }
    ctx.stdout(`Hello version: ${answer.version}, instance: ${answer.name}\n`);
    return 0;
  };
}
