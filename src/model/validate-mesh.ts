import { checkLabelKey, checkLabelValue } from './dns.js';
import { durationUsOrUndefined } from './duration.js';
import type { Mesh } from './mesh.js';
import { resolveMesh } from './resolve-mesh.js';
import { parseWith } from './schemas/common.js';
import { meshSchema } from './schemas/mesh.js';
import { checkHeader } from './validate-header.js';
import { arrayField, duplicateNames, field, isRecord, problemAt, stringField, type DocProblem, type PathSeg } from './validate-problems.js';

/**
 * Validation of a `kind: Mesh` document: header, schema (strict, with did-you-mean), then the checks
 * that span several fields (duplicate names, services without a version or service time…), which
 * run even when the schema found problems elsewhere so that every problem is listed at once.
 */

function checkWorkload(w: unknown, path: PathSeg[]): DocProblem[] {
  const problems: DocProblem[] = [];
  const service = stringField(w, 'service');
  const version = field(w, 'version');
  if (service !== undefined && version === undefined) {
    problems.push({ path: [...path, 'version'], message: `workload backing service "${service}" needs a version`, hint: 'add "version: v1" (helloworld reports it in every response)' });
  }
  const latency = field(w, 'latency');
  const server = field(w, 'server');
  if (service !== undefined && latency === undefined && server === undefined && field(w, 'client') !== true) {
    problems.push({
      path: [...path, 'latency'],
      message: `workload backing service "${service}" needs a service time`,
      hint: 'add "latency: {p50: 3ms, p99: 20ms}" (a light app) or "server: {workers: 1, cpu: {p50: 30ms, p99: 45ms}}" (finite capacity)',
    });
  }
  if (latency !== undefined && server !== undefined) {
    problems.push({ path: [...path, 'server'], message: 'give either latency (a light app, no capacity limit) or server (finite capacity), not both', hint: 'server.cpu is the time a request holds a worker' });
  }
  const cpuP50 = durationUsOrUndefined(field(field(server, 'cpu'), 'p50'));
  const cpuP99 = durationUsOrUndefined(field(field(server, 'cpu'), 'p99'));
  if (cpuP50 !== undefined && cpuP99 !== undefined && cpuP99 < cpuP50) {
    problems.push({ path: [...path, 'server', 'cpu', 'p99'], message: 'cpu p99 is below p50', hint: 'p99 must be at least p50' });
  }
  const p50 = durationUsOrUndefined(field(latency, 'p50'));
  const p99 = durationUsOrUndefined(field(latency, 'p99'));
  if (p50 !== undefined && p99 !== undefined && p99 < p50) {
    problems.push({ path: [...path, 'latency', 'p99'], message: 'latency p99 is below p50', hint: 'p99 must be at least p50' });
  }
  const labels = field(w, 'labels');
  if (isRecord(labels)) {
    for (const [key, value] of Object.entries(labels)) {
      const k = checkLabelKey(key);
      if (!k.ok) problems.push(problemAt([...path, 'labels', key], k, 'key'));
      if (typeof value === 'string') {
        const v = checkLabelValue(value, `label ${key}`);
        if (!v.ok) problems.push(problemAt([...path, 'labels', key], v));
      }
    }
    if (typeof version === 'string' && typeof labels['version'] === 'string' && labels['version'] !== version) {
      problems.push({ path: [...path, 'labels', 'version'], message: `label version "${labels['version']}" contradicts version "${version}"`, hint: 'the version label is set from `version`; drop it from labels' });
    }
    if (service !== undefined && typeof labels['app'] === 'string' && labels['app'] !== service) {
      problems.push({ path: [...path, 'labels', 'app'], message: `label app "${labels['app']}" contradicts service "${service}"`, hint: 'the app label is set from `service`; drop it from labels' });
    }
  }
  return problems;
}

function crossChecks(raw: unknown): DocProblem[] {
  const problems: DocProblem[] = [];
  const spec = field(raw, 'spec');
  const clusters = arrayField(spec, 'clusters');
  problems.push(...duplicateNames(clusters.map((c, i) => ({ name: stringField(c, 'name'), path: ['spec', 'clusters', i, 'name'] })), 'cluster name'));
  clusters.forEach((c, i) => {
    const base: PathSeg[] = ['spec', 'clusters', i];
    const workloads = arrayField(c, 'workloads');
    problems.push(...duplicateNames(workloads.map((w, j) => ({ name: stringField(w, 'name'), path: [...base, 'workloads', j, 'name'] })), 'workload name in the cluster'));
    workloads.forEach((w, j) => problems.push(...checkWorkload(w, [...base, 'workloads', j])));
    const gateway = field(c, 'eastWestGateway');
    if (isRecord(gateway) && gateway['locality'] === undefined && workloads.length === 0) {
      problems.push({ path: [...base, 'eastWestGateway', 'locality'], message: 'east-west gateway needs a locality when the cluster has no workloads', hint: 'add "locality: <region>/<zone>"' });
    }
  });
  const cp = field(spec, 'controlPlane');
  const after = durationUsOrUndefined(field(cp, 'debounceAfter'));
  const max = durationUsOrUndefined(field(cp, 'debounceMax'));
  if (after !== undefined && max !== undefined && max < after) {
    problems.push({ path: ['spec', 'controlPlane', 'debounceMax'], message: 'debounceMax is shorter than debounceAfter', hint: 'PILOT_DEBOUNCE_MAX bounds the whole debounce window, so it must be ≥ PILOT_DEBOUNCE_AFTER' });
  }
  return problems;
}

/**
 * Validates a parsed Mesh document and resolves it (defaults applied, durations in µs).
 * Returns the mesh only when there is no problem; otherwise every problem found.
 */
export function validateMeshDocument(raw: unknown): { mesh?: Mesh; problems: DocProblem[] } {
  const header = checkHeader(raw, 'Mesh');
  if (header.length > 0) return { problems: header };
  const { data, problems } = parseWith(meshSchema, raw);
  problems.push(...crossChecks(raw));
  if (problems.length > 0 || data === undefined) return { problems };
  return { mesh: resolveMesh(data), problems: [] };
}
