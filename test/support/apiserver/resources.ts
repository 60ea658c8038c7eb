/**
 * The API resources the emulator serves, as discovery (`/api/v1`, `/apis/<g>/<v>`) lists them.
 * Objects of one resource are stored once whatever version they were written with (Istio's
 * v1/v1beta1/v1alpha3 share storage, as a real API server converts between them).
 */
export interface ResourceDef {
  /** '' for the core group. */
  group: string;
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  /** Subresources served, e.g. ['scale'] or ['exec', 'log']. */
  subresources: string[];
  /** Built-in kinds' list items omit apiVersion/kind on the wire; custom resources keep them. */
  builtin: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(group: string, versions: string[], kind: string, plural: string, namespaced: boolean, builtin: boolean, subresources: string[] = []): ResourceDef {
  return { group, versions, plural, singular: kind.toLowerCase(), kind, namespaced, subresources, builtin };
}

const ISTIO_NET = ['v1', 'v1beta1', 'v1alpha3'];

/** Every resource the emulator knows. */
export const RESOURCES: ResourceDef[] = [
  def('', ['v1'], 'Namespace', 'namespaces', false, true),
  def('', ['v1'], 'Node', 'nodes', false, true),
  def('', ['v1'], 'Pod', 'pods', true, true, ['exec', 'log']),
  def('', ['v1'], 'Service', 'services', true, true),
  def('', ['v1'], 'Secret', 'secrets', true, true),
  def('', ['v1'], 'ConfigMap', 'configmaps', true, true),
  def('', ['v1'], 'ServiceAccount', 'serviceaccounts', true, true),
  def('', ['v1'], 'Endpoints', 'endpoints', true, true),
  def('', ['v1'], 'Event', 'events', true, true),
  def('apps', ['v1'], 'Deployment', 'deployments', true, true, ['scale', 'status']),
  def('apps', ['v1'], 'ReplicaSet', 'replicasets', true, true),
  def('batch', ['v1'], 'Job', 'jobs', true, true, ['status']),
  def('rbac.authorization.k8s.io', ['v1'], 'ClusterRole', 'clusterroles', false, true),
  def('rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', 'clusterrolebindings', false, true),
  def('rbac.authorization.k8s.io', ['v1'], 'Role', 'roles', true, true),
  def('rbac.authorization.k8s.io', ['v1'], 'RoleBinding', 'rolebindings', true, true),
  def('networking.istio.io', ISTIO_NET, 'DestinationRule', 'destinationrules', true, false),
  def('networking.istio.io', ISTIO_NET, 'Gateway', 'gateways', true, false),
  def('networking.istio.io', ISTIO_NET, 'VirtualService', 'virtualservices', true, false),
  def('networking.istio.io', ISTIO_NET, 'ServiceEntry', 'serviceentries', true, false),
  def('networking.istio.io', ISTIO_NET, 'Sidecar', 'sidecars', true, false),
  def('install.istio.io', ['v1alpha1'], 'IstioOperator', 'istiooperators', true, false),
  def('k6.io', ['v1alpha1'], 'TestRun', 'testruns', true, false, ['status']),
];

/** apiVersion string of a group/version. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** The APIResourceList body of one group/version (only resources `served` allows). */
export function resourceList(group: string, version: string, served: (r: ResourceDef, version: string) => boolean): object | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.versions.includes(version) && served(r, version));
  if (rs.length === 0) return undefined;
  const resources: object[] = [];
  for (const r of rs) {
    resources.push({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: VERBS });
    for (const sub of r.subresources) {
      resources.push({
        name: `${r.plural}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: sub === 'scale' ? 'Scale' : sub === 'exec' ? 'PodExecOptions' : sub === 'log' ? 'Pod' : r.kind,
        verbs: sub === 'exec' ? ['create', 'get'] : sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

/** `/apis` body. */
export function groupList(served: (r: ResourceDef, version: string) => boolean): object {
  const groups = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (r.group === '') continue;
    for (const v of r.versions) {
      if (!served(r, v)) continue;
      const vs = groups.get(r.group) ?? [];
      if (!vs.includes(v)) vs.push(v);
      groups.set(r.group, vs);
    }
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

/** The resource of a group and plural (URL form). */
export function findByPlural(group: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.plural === plural);
}

/** The resource of an apiVersion and kind. */
export function findByKind(apiVersion: string, kind: string): ResourceDef | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return RESOURCES.find((r) => r.group === group && r.kind === kind && r.versions.includes(version));
}
