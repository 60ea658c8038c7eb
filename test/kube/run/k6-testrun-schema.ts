/**
 * The k6-operator's TestRun (k6.io/v1alpha1) as a strict JSON schema, written here from the fields
 * of the operator's API types at v1.3.0 (grafana/k6-operator `api/v1alpha1/testrun_types.go`
 * `TestRunSpec`, `k6_types.go` `Pod`, `PodMetadata`, `K6Script`, `K6Scuttle`, `InitContainer`;
 * the CRD controller-gen generates from them, `config/crd/bases/k6.io_testruns.yaml`): every field
 * name, type, enum and required list below is the CRD's. v1.4–v1.6 only add fields (spec.args,
 * schedulerName, userAnnotations), so a TestRun valid here is valid on each of them.
 *
 * Strict as `kubectl apply` with field validation Strict is: an object with properties takes no
 * other field (the API server would otherwise prune it without a word). The Kubernetes types the
 * CRD embeds (affinity, env, resources, probes, volumes …) are typed `object` here and checked
 * where the operator puts them — in the pod it builds (`pkg/resources/jobs/runner.go`
 * `NewRunnerJob`): `podOf` makes that pod and kubernetes-models validates it.
 */
import { Pod as PodModel } from 'kubernetes-models/v1';

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const obj = { type: 'object' } as const;
const objects = { type: 'array', items: obj } as const;
const stringMap = { type: 'object', additionalProperties: str } as const;
const strictObject = (properties: Record<string, unknown>, required?: string[]) => ({
  type: 'object',
  properties,
  additionalProperties: false,
  ...(required !== undefined ? { required } : {}),
});

/** `k6_types.go` `Pod`: the initializer, starter and runner settings. */
const POD = strictObject({
  affinity: obj,
  automountServiceAccountToken: str,
  containerSecurityContext: obj,
  disabled: bool,
  env: objects,
  envFrom: objects,
  image: str,
  imagePullPolicy: str,
  imagePullSecrets: objects,
  initContainers: {
    type: 'array',
    items: strictObject({
      args: { type: 'array', items: str },
      command: { type: 'array', items: str },
      env: objects,
      envFrom: objects,
      image: str,
      name: str,
      resources: obj,
      restartPolicy: str,
      volumeMounts: objects,
      workingDir: str,
    }),
  },
  livenessProbe: obj,
  metadata: strictObject({ annotations: stringMap, labels: stringMap }),
  nodeSelector: stringMap,
  priorityClassName: str,
  readinessProbe: obj,
  resources: obj,
  securityContext: obj,
  serviceAccountName: str,
  tolerations: objects,
  topologySpreadConstraints: objects,
  volumeMounts: objects,
  volumes: objects,
});

export const TESTRUN_SCHEMA_V1_3 = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: obj,
    spec: strictObject(
      {
        arguments: str,
        cleanup: { type: 'string', enum: ['post'] },
        initializer: POD,
        parallelism: { type: 'integer', format: 'int32' },
        paused: str,
        ports: objects,
        quiet: str,
        runner: POD,
        script: strictObject({
          configMap: strictObject({ file: str, name: str }, ['name']),
          localFile: str,
          volumeClaim: strictObject({ file: str, name: str, readOnly: bool }, ['name']),
        }),
        scuttle: strictObject({
          disableLogging: bool,
          enabled: str,
          envoyAdminApi: str,
          genericQuitEndpoint: str,
          istioQuitApi: str,
          neverKillIstio: bool,
          neverKillIstioOnFailure: bool,
          quitWithoutEnvoyTimeout: str,
          startWithoutEnvoy: bool,
          waitForEnvoyTimeout: str,
        }),
        separate: bool,
        starter: POD,
        testRunId: str,
        token: str,
      },
      ['parallelism', 'script'],
    ),
    status: obj,
  },
  additionalProperties: false,
};

/**
 * The pod the operator builds from one of the TestRun's pod settings (runner.go: the settings go
 * to the pod spec and to its k6 container), validated by kubernetes-models: the embedded
 * Kubernetes types are checked by Kubernetes' own schemas. Returns the error text, '' when valid.
 */
export function embeddedPodProblems(pod: Record<string, unknown> | undefined, ports?: unknown): string {
  if (pod === undefined) return '';
  const container: Record<string, unknown> = { name: 'k6', image: pod['image'] ?? 'grafana/k6' };
  for (const k of ['env', 'envFrom', 'imagePullPolicy', 'resources', 'readinessProbe', 'livenessProbe', 'volumeMounts']) if (pod[k] !== undefined) container[k] = pod[k];
  if (pod['containerSecurityContext'] !== undefined) container['securityContext'] = pod['containerSecurityContext'];
  if (ports !== undefined) container['ports'] = ports;
  const spec: Record<string, unknown> = { containers: [container] };
  for (const k of ['affinity', 'imagePullSecrets', 'nodeSelector', 'tolerations', 'topologySpreadConstraints', 'serviceAccountName', 'securityContext', 'volumes', 'priorityClassName']) if (pod[k] !== undefined) spec[k] = pod[k];
  try {
    new PodModel({ metadata: { name: 'k6' }, spec } as never).validate();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}
