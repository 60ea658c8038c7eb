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
  /** Discovery's short names (`kubectl get ns`), from each type's REST storage or CRD. */
  shortNames?: string[];
  /** Discovery's categories (`kubectl get all`). */
  categories?: string[];
  /** Verbs when not the usual eight (namespaces have no deletecollection). */
  verbs?: string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(
  group: string,
  versions: string[],
  kind: string,
  plural: string,
  namespaced: boolean,
  builtin: boolean,
  subresources: string[] = [],
  more: Pick<ResourceDef, 'shortNames' | 'categories' | 'verbs'> = {},
): ResourceDef {
  return { group, versions, plural, singular: kind.toLowerCase(), kind, namespaced, subresources, builtin, ...more };
}

/**
 * Short names and categories as kube-apiserver serves them: each built-in storage's ShortNames()
 * and Categories() (pkg/registry/core/namespace/storage: "ns"; pod: "po", category "all"; service
 * "svc"; configmap "cm"; serviceaccount "sa"; endpoints "ep"; event "ev"; node "no"; apps
 * deployment "deploy", replicaset "rs"; batch job: category "all"), and the CRDs' `names`
 * (Istio's manifests/charts/base/files/crd-all.gen.yaml: destinationrules "dr", gateways "gw",
 * virtualservices "vs", serviceentries "se", categories istio-io and networking-istio-io;
 * IstioOperator "iop"/"io"; k6-operator's TestRun: none).
 */
const ALL = { categories: ['all'] };
const ISTIO = ['istio-io', 'networking-istio-io'];

const ISTIO_NET = ['v1', 'v1beta1', 'v1alpha3'];

/** Every resource the emulator knows. */
export const RESOURCES: ResourceDef[] = [
  def('', ['v1'], 'Namespace', 'namespaces', false, true, [], { shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  def('', ['v1'], 'Node', 'nodes', false, true, [], { shortNames: ['no'] }),
  def('', ['v1'], 'Pod', 'pods', true, true, ['exec', 'log'], { shortNames: ['po'], ...ALL }),
  def('', ['v1'], 'Service', 'services', true, true, [], { shortNames: ['svc'], ...ALL }),
  def('', ['v1'], 'Secret', 'secrets', true, true),
  def('', ['v1'], 'ConfigMap', 'configmaps', true, true, [], { shortNames: ['cm'] }),
  def('', ['v1'], 'ServiceAccount', 'serviceaccounts', true, true, [], { shortNames: ['sa'] }),
  def('', ['v1'], 'Endpoints', 'endpoints', true, true, [], { shortNames: ['ep'] }),
  def('', ['v1'], 'Event', 'events', true, true, [], { shortNames: ['ev'] }),
  def('apps', ['v1'], 'Deployment', 'deployments', true, true, ['scale', 'status'], { shortNames: ['deploy'], ...ALL }),
  def('apps', ['v1'], 'ReplicaSet', 'replicasets', true, true, [], { shortNames: ['rs'], ...ALL }),
  def('batch', ['v1'], 'Job', 'jobs', true, true, ['status'], ALL),
  def('rbac.authorization.k8s.io', ['v1'], 'ClusterRole', 'clusterroles', false, true),
  def('rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', 'clusterrolebindings', false, true),
  def('rbac.authorization.k8s.io', ['v1'], 'Role', 'roles', true, true),
  def('rbac.authorization.k8s.io', ['v1'], 'RoleBinding', 'rolebindings', true, true),
  def('networking.istio.io', ISTIO_NET, 'DestinationRule', 'destinationrules', true, false, [], { shortNames: ['dr'], categories: ISTIO }),
  def('networking.istio.io', ISTIO_NET, 'Gateway', 'gateways', true, false, [], { shortNames: ['gw'], categories: ISTIO }),
  def('networking.istio.io', ISTIO_NET, 'VirtualService', 'virtualservices', true, false, [], { shortNames: ['vs'], categories: ISTIO }),
  def('networking.istio.io', ISTIO_NET, 'ServiceEntry', 'serviceentries', true, false, [], { shortNames: ['se'], categories: ISTIO }),
  def('networking.istio.io', ISTIO_NET, 'Sidecar', 'sidecars', true, false, [], { categories: ISTIO }),
  def('install.istio.io', ['v1alpha1'], 'IstioOperator', 'istiooperators', true, false, [], { shortNames: ['iop', 'io'] }),
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
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs ?? VERBS,
      ...(r.shortNames !== undefined ? { shortNames: r.shortNames } : {}),
      ...(r.categories !== undefined ? { categories: r.categories } : {}),
    });
    for (const sub of r.subresources) {
      resources.push({
        name: `${r.plural}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        // A scale subresource names its own group/version (autoscaling/v1), as kube-apiserver's discovery does.
        ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
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
