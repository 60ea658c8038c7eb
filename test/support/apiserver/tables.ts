/**
 * Server-side printing: a list or get with `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`
 * (what kubectl get sends) answers a `meta.k8s.io/v1` Table. Columns and cells follow
 * kube-apiserver's printers (pkg/printers/internalversion/printers.go: podColumnDefinitions,
 * printPod; namespace, deployment, service, node, configmap, replicaset, job handlers), the
 * default convertor for types without one (pkg/registry/rest/table.go: Name, Created At), and for
 * custom resources the CRD's additionalPrinterColumns (apiextensions-apiserver
 * pkg/registry/customresource/tableconvertor: date columns as a human duration). Each row carries
 * the object's metadata as a PartialObjectMetadata (`includeObject=Metadata`, the default), or the
 * whole object (`Object`), or nothing (`None`). Ages use apimachinery's
 * pkg/util/duration HumanDuration.
 */
import type { KubeObject } from '../../../src/kube/gateway.js';
import type { ResourceDef } from './resources.js';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: string;
  description: string;
  priority: number;
}

/** The Table media type version a request's Accept asks for first, if any. */
export function tableVersionOf(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io' && (params.get('v') === 'v1' || params.get('v') === 'v1beta1')) return params.get('v') as 'v1' | 'v1beta1';
  }
  return undefined;
}

/** apimachinery's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${days / 365}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 };
const AGE_DESCRIPTION = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const AGE: Column = { name: 'Age', type: 'string', format: '', description: AGE_DESCRIPTION, priority: 0 };

function col(name: string, type: Column['type'], description: string, priority = 0): Column {
  return { name, type, format: '', description, priority };
}

type Spec = Record<string, unknown>;
const spec = (o: KubeObject) => (o['spec'] ?? {}) as Spec;
const status = (o: KubeObject) => (o['status'] ?? {}) as Spec;
const none = (v: unknown) => (v === undefined || v === '' ? '<none>' : String(v));

/** Columns and the row of one object, per built-in kind. */
interface Printer {
  columns: Column[];
  cells(o: KubeObject, age: string): unknown[];
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } };
}

/** printPod's Ready, Status and Restarts (without init containers, which the emulator has none of). */
function podCells(o: KubeObject): [string, string, string] {
  const st = status(o) as { phase?: string; reason?: string; containerStatuses?: ContainerStatus[] };
  const containers = ((spec(o) as { containers?: unknown[] }).containers ?? []).length;
  let reason = st.reason ?? st.phase ?? '';
  let ready = 0;
  let restarts = 0;
  for (const c of [...(st.containerStatuses ?? [])].reverse()) {
    restarts += c.restartCount ?? 0;
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
    else if (c.ready === true) ready++;
  }
  if (o.metadata['deletionTimestamp'] !== undefined) reason = 'Terminating';
  return [`${ready}/${containers}`, reason, String(restarts)];
}

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      NAME,
      col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'string', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      col('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      col('Node', 'string', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.', 1),
      col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
      col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    cells: (o, age) => [o.metadata.name, ...podCells(o), age, none(status(o)['podIP']), none(spec(o)['nodeName']), '<none>', '<none>'],
  },
  Namespace: {
    columns: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
    cells: (o, age) => [o.metadata.name, String(status(o)['phase'] ?? 'Active'), age],
  },
  Deployment: {
    columns: [
      NAME,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'integer', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'integer', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
    ],
    cells: (o, age) => {
      const st = status(o) as { readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
      const cs = ((spec(o)['template'] as { spec?: { containers?: Array<{ name: string; image?: string }> } } | undefined)?.spec?.containers ?? []);
      const sel = (spec(o)['selector'] as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
      return [
        o.metadata.name,
        `${st.readyReplicas ?? 0}/${(spec(o)['replicas'] as number | undefined) ?? 1}`,
        st.updatedReplicas ?? 0,
        st.availableReplicas ?? 0,
        age,
        cs.map((c) => c.name).join(','),
        cs.map((c) => c.image ?? '').join(','),
        Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',') || '<none>',
      ];
    },
  },
  Service: {
    columns: [
      NAME,
      col('Type', 'string', 'type determines how the Service is exposed.'),
      col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
      col('External-IP', 'string', 'List of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
      AGE,
      col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    cells: (o, age) => {
      const s = spec(o) as { type?: string; clusterIP?: string; ports?: Array<{ port: number; nodePort?: number; protocol?: string }>; selector?: Record<string, string> };
      const lb = (status(o) as { loadBalancer?: { ingress?: Array<{ ip?: string }> } }).loadBalancer?.ingress?.map((i) => i.ip).join(',');
      const type = s.type ?? 'ClusterIP';
      const ports = (s.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
      return [o.metadata.name, type, none(s.clusterIP), type === 'LoadBalancer' ? (lb || '<pending>') : '<none>', ports || '<none>', age, Object.entries(s.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'];
    },
  },
  Node: {
    columns: [NAME, col('Status', 'string', 'The status of the node'), col('Roles', 'string', 'The roles of the node'), AGE, col('Version', 'string', 'Kubelet Version reported by the node.')],
    cells: (o, age) => {
      const ready = ((status(o)['conditions'] ?? []) as Array<{ type: string; status: string }>).find((c) => c.type === 'Ready')?.status === 'True';
      const info = (status(o)['nodeInfo'] ?? {}) as { kubeletVersion?: string };
      return [o.metadata.name, ready ? 'Ready' : 'NotReady', '<none>', age, info.kubeletVersion ?? ''];
    },
  },
  ConfigMap: {
    columns: [NAME, col('Data', 'integer', 'Data contains the configuration data.'), AGE],
    cells: (o, age) => [o.metadata.name, Object.keys((o['data'] ?? {}) as object).length + Object.keys((o['binaryData'] ?? {}) as object).length, age],
  },
  Job: {
    columns: [
      NAME,
      col('Status', 'string', 'Status of the job.'),
      col('Completions', 'string', 'The desired number of successfully finished pods the job should be run with.'),
      col('Duration', 'string', 'Time required to complete the job.'),
      AGE,
    ],
    cells: (o, age) => {
      const st = status(o) as { succeeded?: number; failed?: number };
      const want = (spec(o)['completions'] as number | undefined) ?? 1;
      const state = (st.failed ?? 0) > 0 ? 'Failed' : (st.succeeded ?? 0) >= want ? 'Complete' : 'Running';
      return [o.metadata.name, state, `${st.succeeded ?? 0}/${want}`, '', age];
    },
  },
};

/** The CRDs' additionalPrinterColumns (Istio's crd-all.gen.yaml: DestinationRule's Host, then Age). */
const CRD_COLUMNS: Record<string, Array<{ column: Column; path: (o: KubeObject) => unknown }>> = {
  DestinationRule: [{ column: col('Host', 'string', 'The name of a service from the service registry'), path: (o) => spec(o)['host'] }],
};

function partialMetadata(o: KubeObject): object {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** The Table of `objects` (a list, or one object for a get). */
export function toTable(def: ResourceDef, objects: readonly KubeObject[], tableVersion: 'v1' | 'v1beta1', includeObject: string | null, nowMs: number): object {
  const ageOf = (o: KubeObject) => {
    const created = Date.parse(String(o.metadata['creationTimestamp'] ?? ''));
    return Number.isNaN(created) ? '<unknown>' : humanDuration(nowMs - created);
  };
  let columns: Column[];
  let cells: (o: KubeObject) => unknown[];
  const printer = PRINTERS[def.kind];
  if (printer !== undefined && def.builtin) {
    columns = printer.columns;
    cells = (o) => printer.cells(o, ageOf(o));
  } else if (!def.builtin) {
    const extra = CRD_COLUMNS[def.kind] ?? [];
    columns = [NAME, ...extra.map((e) => e.column), { ...AGE, type: 'date' }];
    cells = (o) => [o.metadata.name, ...extra.map((e) => e.path(o) ?? null), ageOf(o)];
  } else {
    columns = [NAME, { name: 'Created At', type: 'date', format: '', description: AGE_DESCRIPTION, priority: 0 }];
    cells = (o) => [o.metadata.name, String(o.metadata['creationTimestamp'] ?? '')];
  }
  const object = (o: KubeObject) => (includeObject === 'None' ? {} : { object: includeObject === 'Object' ? o : partialMetadata(o) });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${tableVersion}`,
    metadata: { resourceVersion: '1' },
    columnDefinitions: columns,
    rows: objects.map((o) => ({ cells: cells(o), ...object(o) })),
  };
}
