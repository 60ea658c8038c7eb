/**
 * The emulator's REST surface: discovery, and for every resource collection list/create, and per
 * object get/replace/patch (server-side apply, JSON merge patch; JSON Patch is refused with 415,
 * which makes a missing patch Content-Type visible)/delete, plus the `scale` and `log` subresources.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { serveLog } from './pod-logs.js';
import { serveServiceProxy } from './service-proxy.js';
import { apiVersionOf, findByPlural, groupList, resourceList, type ResourceDef } from './resources.js';
import type { ApiServer } from './server.js';
import { StatusError } from './store.js';
import { tableVersionOf, toTable } from './tables.js';
import { openApiV3Document, openApiV3Root } from './openapi.js';

export async function routeRequest(server: ApiServer, req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
  const p = url.pathname.replace(/\/+$/, '');
  if (p === '/version') {
    const [major = '1', minor = '0'] = server.kubernetesVersion.replace(/^v/, '').split('.');
    return server.send(res, 200, { major, minor, gitVersion: server.kubernetesVersion, platform: 'linux/amd64' });
  }
  if (p === '/openapi/v3') return server.send(res, 200, openApiV3Root(server));
  if (p.startsWith('/openapi/v3/')) {
    const doc = openApiV3Document(server, p.slice('/openapi/v3/'.length));
    if (doc === undefined) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    return server.send(res, 200, doc);
  }
  if (p === '/api') return server.send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
  if (p === '/apis') return server.send(res, 200, groupList((r, v) => server.served(r, v)));
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(.*))?$/.exec(p);
  if (!m) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  const group = m[2] ?? '';
  const version = (m[1] ?? m[3]) as string;
  const rest = m[4];
  if (rest === undefined) {
    const list = resourceList(group, version, (r, v) => server.served(r, v));
    if (list === undefined) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    return server.send(res, 200, list);
  }
  const seg = rest.split('/').map(decodeURIComponent);
  let ns: string | undefined;
  let plural: string;
  let name: string | undefined;
  let sub: string | undefined;
  if (seg[0] === 'namespaces' && seg.length >= 3) [, ns, plural, name, sub] = seg as [string, string, string, string?, string?];
  else [plural, name, sub] = seg as [string, string?, string?];
  if (group === '' && plural === 'services' && sub === 'proxy' && ns !== undefined && name !== undefined) {
    return serveServiceProxy(server, req.method ?? 'GET', res, ns, name, seg.slice(5).map(encodeURIComponent).join('/'), url.search);
  }
  const def = findByPlural(group, plural);
  if (def === undefined || !def.versions.includes(version) || !server.served(def, version)) {
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const apiVersion = apiVersionOf(group, version);
  const method = req.method ?? 'GET';
  const out = (o: KubeObject) => ({ ...o, apiVersion, kind: def.kind });
  // kubectl get asks for server-side printing (tables.ts).
  const table = method === 'GET' && sub === undefined ? tableVersionOf(req.headers.accept) : undefined;
  if (name === undefined) {
    if (method === 'GET' && table !== undefined) {
      return server.send(res, 200, toTable(def, server.store.list(def, ns, url.searchParams.get('labelSelector') ?? undefined), table, url.searchParams.get('includeObject'), Date.now()));
    }
    if (method === 'GET') {
      const items = server.store.list(def, ns, url.searchParams.get('labelSelector') ?? undefined).map((o) => {
        if (!def.builtin) return out(o);
        const { apiVersion: _a, kind: _k, ...restOfObject } = o;
        return restOfObject;
      });
      return server.send(res, 200, { apiVersion, kind: `${def.kind}List`, metadata: { resourceVersion: '1' }, items });
    }
    if (method === 'POST') return server.send(res, 201, out(server.store.create(def, parseObject(body, def, ns), new Date().toISOString())));
    throw new StatusError(405, 'MethodNotAllowed', `${method} is not supported on a collection`);
  }
  if (sub === 'log') return serveLog(server, res, ns as string, name, url);
  if (sub === 'scale') return serveScale(server, req, res, def, ns, name, body);
  if (sub !== undefined && sub !== 'status') throw new StatusError(404, 'NotFound', `subresource ${sub} is not served`);
  switch (method) {
    case 'GET': {
      const o = server.store.get(def, ns, name);
      if (o === undefined) throw new StatusError(404, 'NotFound', `${def.plural} "${name}" not found`);
      if (table !== undefined) return server.send(res, 200, toTable(def, [o], table, url.searchParams.get('includeObject'), Date.now()));
      return server.send(res, 200, out(o));
    }
    case 'PUT':
      return server.send(res, 200, out(server.store.replace(def, parseObject(body, def, ns, name))));
    case 'PATCH':
      return server.send(res, 200, out(patch(server, req, def, ns, name, body, url)));
    case 'DELETE':
      return server.send(res, 200, out(deleteObject(server, def, ns, name)));
    default:
      throw new StatusError(405, 'MethodNotAllowed', `${method} is not supported`);
  }
}

function parseObject(body: string, def: ResourceDef, ns: string | undefined, name?: string): KubeObject {
  let obj: KubeObject;
  try {
    obj = JSON.parse(body) as KubeObject;
  } catch {
    throw new StatusError(400, 'BadRequest', 'the body is not valid JSON');
  }
  if (obj.kind !== def.kind) throw new StatusError(400, 'BadRequest', `the kind ${obj.kind} does not match the URL (${def.kind})`);
  obj.metadata ??= { name: name ?? '' };
  if (name !== undefined && obj.metadata.name !== name) throw new StatusError(400, 'BadRequest', `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  if (def.namespaced) {
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== ns) throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = ns;
  }
  return obj;
}

function patch(server: ApiServer, req: IncomingMessage, def: ResourceDef, ns: string | undefined, name: string, body: string, url: URL): KubeObject {
  const type = (req.headers['content-type'] ?? '').split(';')[0];
  if (type === 'application/apply-patch+yaml') {
    const manager = url.searchParams.get('fieldManager');
    if (!manager) throw new StatusError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    let obj: KubeObject;
    try {
      obj = parseYaml(body) as KubeObject; // JSON is YAML
    } catch {
      throw new StatusError(400, 'BadRequest', 'the apply body is not valid YAML');
    }
    if (obj.kind !== def.kind) throw new StatusError(400, 'BadRequest', `the kind ${obj.kind} does not match the URL (${def.kind})`);
    if (obj.metadata?.name !== name) throw new StatusError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    if (def.namespaced) obj.metadata.namespace = ns;
    return server.store.apply(def, obj, manager, new Date().toISOString());
  }
  if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
    return server.store.patch(def, ns, name, JSON.parse(body));
  }
  throw new StatusError(415, 'UnsupportedMediaType', `the emulator does not accept ${type} patches`);
}

function serveScale(server: ApiServer, req: IncomingMessage, res: ServerResponse, def: ResourceDef, ns: string | undefined, name: string, body: string): void {
  if (def.kind !== 'Deployment') throw new StatusError(404, 'NotFound', 'scale is served for Deployments only');
  const cur = server.store.get(def, ns, name);
  if (cur === undefined) throw new StatusError(404, 'NotFound', `deployments.apps "${name}" not found`);
  const from = (cur['spec'] as { replicas?: number }).replicas ?? 1;
  let replicas = from;
  if (req.method === 'PATCH' || req.method === 'PUT') {
    const type = (req.headers['content-type'] ?? '').split(';')[0];
    if (req.method === 'PATCH' && type !== 'application/merge-patch+json' && type !== 'application/strategic-merge-patch+json') {
      throw new StatusError(415, 'UnsupportedMediaType', `the emulator does not accept ${type} patches of scale`);
    }
    const patch = JSON.parse(body) as { spec?: { replicas?: number } };
    const want = patch.spec?.replicas;
    if (typeof want !== 'number' || want < 0) throw new StatusError(422, 'Invalid', 'spec.replicas: Invalid value');
    replicas = want;
    server.store.patch(def, ns, name, { spec: { replicas } });
    if (replicas !== from) server.controller.noteScale(ns ?? '', name, from, replicas);
    server.controller.reconcile();
  }
  const dep = server.store.get(def, ns, name) as KubeObject;
  const st = (dep['status'] ?? {}) as { replicas?: number };
  server.send(res, 200, {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace: ns, resourceVersion: dep.metadata.resourceVersion, uid: dep.metadata.uid },
    spec: { replicas },
    status: { replicas: st.replicas ?? 0, selector: Object.entries((dep['spec'] as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') },
  });
}

function deleteObject(server: ApiServer, def: ResourceDef, ns: string | undefined, name: string): KubeObject {
  const cur = server.store.get(def, ns, name);
  if (cur === undefined) throw new StatusError(404, 'NotFound', `${def.plural} "${name}" not found`);
  if (def.kind === 'Namespace') {
    // Deletion is asynchronous: Terminating now, gone (with its contents) at the next tick.
    return server.store.put(def, { ...cur, metadata: { ...cur.metadata, deletionTimestamp: new Date().toISOString() }, status: { phase: 'Terminating' } }, new Date().toISOString());
  }
  if (def.kind === 'Pod') {
    server.controller.terminatePod(cur);
    return cur;
  }
  server.store.remove(def, ns, name);
  return cur;
}
