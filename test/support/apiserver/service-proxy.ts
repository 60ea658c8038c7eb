/**
 * The API server's service proxy (`/api/v1/namespaces/<ns>/services/<name>[:<port>]/proxy/<path>`),
 * forwarding GETs to a loopback backend a test registers for the Service (a real Prometheus, an
 * emulated istiod debug port). As kube-apiserver does (pkg/registry/core/service/proxy.go,
 * ResourceLocation): the Service must exist (404 `services "x" not found`), and without a backend —
 * a Service with no ready endpoints — the answer is 503 `no endpoints available for service "x"`.
 */
import type { ServerResponse } from 'node:http';
import { request } from 'node:http';
import type { ApiServer } from './server.js';
import { StatusError } from './store.js';

const backends = new WeakMap<ApiServer, Map<string, string>>();

/** Routes `namespace/name:port` of `server` to `baseUrl` (http://127.0.0.1:…). */
export function registerServiceBackend(server: ApiServer, namespace: string, service: string, port: number, baseUrl: string): void {
  const m = backends.get(server) ?? new Map<string, string>();
  m.set(`${namespace}/${service}:${port}`, baseUrl.replace(/\/+$/, ''));
  backends.set(server, m);
}

/** Removes a backend (its pods went away). */
export function unregisterServiceBackend(server: ApiServer, namespace: string, service: string, port: number): void {
  backends.get(server)?.delete(`${namespace}/${service}:${port}`);
}

/** `name` or `name:port` (the port's number; a named port is not resolved here). */
export async function serveServiceProxy(server: ApiServer, method: string, res: ServerResponse, namespace: string, nameAndPort: string, path: string, search: string): Promise<void> {
  const [name = '', portText] = nameAndPort.split(':');
  const svc = server.get('v1', 'Service', namespace, name);
  if (svc === undefined) throw new StatusError(404, 'NotFound', `services "${name}" not found`);
  const ports = ((svc['spec'] as { ports?: Array<{ port: number }> } | undefined)?.ports ?? []).map((p) => p.port);
  const port = portText !== undefined ? Number(portText) : ports[0];
  if (port === undefined || !ports.includes(port)) throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service "${nameAndPort}"`);
  const base = backends.get(server)?.get(`${namespace}/${name}:${port}`);
  if (base === undefined) throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
  if (method !== 'GET') throw new StatusError(405, 'MethodNotAllowed', 'the emulator proxies GET only');
  await new Promise<void>((resolve) => {
    const up = request(`${base}/${path}${search}`, { method: 'GET' }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(r.statusCode ?? 502, { 'content-type': r.headers['content-type'] ?? 'text/plain', 'content-length': body.length });
        res.end(body);
        resolve();
      });
    });
    up.on('error', (err) => {
      // kube-apiserver's proxy answers 503 with the dial error when the backend refuses.
      server.send(res, 503, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `error trying to reach service: ${err.message}`, reason: 'ServiceUnavailable', code: 503 });
      resolve();
    });
    up.end();
  });
}
