/**
 * OpenAPI v3 as kube-apiserver publishes it (k8s.io/kube-openapi pkg/handler3): `/openapi/v3` lists
 * one document per group/version (`{"paths": {"apis/apps/v1": {"serverRelativeURL":
 * "/openapi/v3/apis/apps/v1?hash=…"}}}`), and each document has the resources' paths with their
 * operations, each tagged `x-kubernetes-action` and `x-kubernetes-group-version-kind`.
 *
 * kubectl (≥ 1.27) reads these to decide how to validate: cli-runtime's QueryParamVerifierV3
 * (pkg/resource/query_param_verifier_v3.go) looks for the `fieldValidation` parameter on the PATCH
 * operation of the object's kind; when it is there, kubectl sends `fieldValidation=Strict` and
 * leaves validation to the server — which is what a real API server does for every kind since
 * 1.27 (ServerSideFieldValidation GA). Without any OpenAPI, `kubectl apply` stops with "failed to
 * download openapi".
 *
 * The emulator does not check fields against schemas; its documents say so: each kind's schema is
 * an object with `x-kubernetes-preserve-unknown-fields` (what a CRD without a structural schema
 * publishes), so a strict server and this schema agree that no field is unknown. What it does
 * check is what rest.ts checks (kind, name, namespace, apply's field manager).
 */
import { apiVersionOf, RESOURCES, type ResourceDef } from './resources.js';
import type { ApiServer } from './server.js';

/** `api/v1` or `apis/<group>/<version>`. */
function prefixOf(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** The group/versions served, with their resources. */
function servedGroupVersions(server: ApiServer): Map<string, { group: string; version: string; resources: ResourceDef[] }> {
  const out = new Map<string, { group: string; version: string; resources: ResourceDef[] }>();
  for (const r of RESOURCES) {
    for (const v of r.versions) {
      if (!server.served(r, v)) continue;
      const key = prefixOf(r.group, v);
      const e = out.get(key) ?? { group: r.group, version: v, resources: [] };
      e.resources.push(r);
      out.set(key, e);
    }
  }
  return out;
}

/** `/openapi/v3`: one entry per group/version. */
export function openApiV3Root(server: ApiServer): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of servedGroupVersions(server).keys()) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${server.kubernetesVersion.replace(/\W/g, '')}` };
  return { paths };
}

const param = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [
  param('dryRun', 'When present, indicates that modifications should not be persisted.'),
  param('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  param('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.'),
];

/** The document of one group/version (`/openapi/v3/apis/<group>/<version>`), or undefined. */
export function openApiV3Document(server: ApiServer, key: string): object | undefined {
  const gv = servedGroupVersions(server).get(key);
  if (gv === undefined) return undefined;
  const paths: Record<string, object> = {};
  const schemas: Record<string, object> = {};
  for (const r of gv.resources) {
    const gvk = { group: gv.group, version: gv.version, kind: r.kind };
    const ref = `${gv.group === '' ? 'io.k8s.api.core' : gv.group}.${gv.version}.${r.kind}`;
    schemas[ref] = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-group-version-kind': [gvk] };
    const body = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } };
    const op = (action: string, params: object[] = []) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: { '200': body } });
    const base = `/${key}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
    paths[base] = { get: op('list'), post: { ...op('post', WRITE_PARAMS), requestBody: body } };
    paths[`${base}/{name}`] = {
      get: op('get'),
      put: { ...op('put', WRITE_PARAMS), requestBody: body },
      patch: { ...op('patch', [...WRITE_PARAMS, param('force', 'Force is going to "force" Apply requests.')]), requestBody: body },
      delete: op('delete'),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: server.kubernetesVersion },
    paths,
    components: { schemas },
    'x-meshbench-emulator': `group/version ${apiVersionOf(gv.group, gv.version)}: no field schemas (see test/support/apiserver/openapi.ts)`,
  };
}
