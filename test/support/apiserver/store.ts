/**
 * The emulator's in-memory object store: create, server-side apply (field ownership per manager,
 * simplified to "the fields this manager applied last time"), JSON merge patch, replace with
 * resourceVersion check, delete, list with label selectors. Writes that change nothing keep the
 * resourceVersion, as a real API server does for a no-op apply.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { parseLabelSelector } from './labels.js';
import type { ResourceDef } from './resources.js';

/** An HTTP-level failure the server turns into a v1.Status response. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface Stored {
  obj: KubeObject;
  /** Last config applied by each field manager (server-side apply). */
  applied: Map<string, unknown>;
}

type Json = Record<string, unknown>;

function isMap(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Remove from `base` the fields `prev` had and `next` no longer has (the manager gave them up). */
function dropReleased(base: Json, prev: Json, next: Json): void {
  for (const [k, pv] of Object.entries(prev)) {
    if (!(k in next)) delete base[k];
    else if (isMap(pv) && isMap(next[k]) && isMap(base[k])) dropReleased(base[k] as Json, pv, next[k] as Json);
  }
}

/** Maps merge recursively; lists and scalars are replaced. */
function deepMerge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = isMap(v) && isMap(out[k]) ? deepMerge(out[k] as Json, v) : clone(v);
  return out;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return clone(patch);
  const out: Json = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (isMap(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}

function withoutVolatile(o: KubeObject): unknown {
  const c = clone(o) as KubeObject;
  delete c.metadata.resourceVersion;
  delete c.metadata['managedFields'];
  return c;
}

export class ObjectStore {
  private readonly objects = new Map<string, Stored>();
  private rv = 1000;
  /** Called after every change with the new object (or undefined when deleted). */
  onChange: (def: ResourceDef, obj: KubeObject, deleted: boolean) => void = () => {};

  private key(def: ResourceDef, ns: string | undefined, name: string): string {
    return `${def.group}/${def.plural}/${def.namespaced ? (ns ?? '') : ''}/${name}`;
  }

  get(def: ResourceDef, ns: string | undefined, name: string): KubeObject | undefined {
    const s = this.objects.get(this.key(def, ns, name));
    return s === undefined ? undefined : clone(s.obj);
  }

  list(def: ResourceDef, ns?: string, labelSelector?: string): KubeObject[] {
    let matches: ReturnType<typeof parseLabelSelector>;
    try {
      matches = parseLabelSelector(labelSelector);
    } catch (e) {
      throw new StatusError(400, 'BadRequest', (e as Error).message);
    }
    const prefix = `${def.group}/${def.plural}/`;
    const out: KubeObject[] = [];
    for (const [k, s] of this.objects) {
      if (!k.startsWith(prefix)) continue;
      if (def.namespaced && ns !== undefined && s.obj.metadata.namespace !== ns) continue;
      if (!matches(s.obj.metadata.labels)) continue;
      out.push(clone(s.obj));
    }
    return out.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  }

  /** Every stored object (for assertions). */
  all(): KubeObject[] {
    return [...this.objects.values()].map((s) => clone(s.obj));
  }

  private checkNamespace(def: ResourceDef, ns: string | undefined): void {
    if (!def.namespaced) return;
    if (ns === undefined || ns === '') throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    const nsObj = [...this.objects.values()].find((s) => s.obj.kind === 'Namespace' && s.obj.metadata.name === ns);
    if (nsObj === undefined) throw new StatusError(404, 'NotFound', `namespaces "${ns}" not found`);
    if ((nsObj.obj['status'] as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw new StatusError(403, 'Forbidden', `unable to create new content in namespace ${ns} because it is being terminated`);
    }
  }

  /** Normalise a written object: stringData → data, defaults a real API server fills. */
  private normalise(def: ResourceDef, obj: KubeObject, isNew: boolean): void {
    if (def.kind === 'Secret') {
      const sd = obj['stringData'] as Record<string, string> | undefined;
      if (sd !== undefined) {
        const data = (obj['data'] ??= {}) as Record<string, string>;
        for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(v, 'utf8').toString('base64');
        delete obj['stringData'];
      }
      obj['type'] ??= 'Opaque';
    }
    if (def.kind === 'Deployment') {
      const spec = (obj['spec'] ??= {}) as { replicas?: number };
      spec.replicas ??= 1;
    }
    if (def.kind === 'Namespace' && isNew) obj['status'] = { phase: 'Active' };
  }

  private commit(def: ResourceDef, key: string, prev: Stored | undefined, next: KubeObject, applied: Map<string, unknown>): KubeObject {
    if (prev !== undefined && stable(withoutVolatile(prev.obj)) === stable(withoutVolatile(next))) {
      prev.applied = applied;
      return clone(prev.obj);
    }
    const specChanged = prev === undefined || stable(prev.obj['spec']) !== stable(next['spec']);
    next.metadata.resourceVersion = String(++this.rv);
    if ('spec' in next && specChanged) next.metadata.generation = (prev?.obj.metadata.generation ?? 0) + 1;
    this.objects.set(key, { obj: next, applied });
    this.onChange(def, clone(next), false);
    return clone(next);
  }

  private fresh(def: ResourceDef, obj: KubeObject, nowIso: string): KubeObject {
    const o = clone(obj);
    o.metadata = { ...o.metadata, uid: randomUUID(), creationTimestamp: nowIso };
    if (!def.namespaced) delete o.metadata.namespace;
    this.normalise(def, o, true);
    return o;
  }

  create(def: ResourceDef, obj: KubeObject, nowIso: string): KubeObject {
    const ns = def.namespaced ? obj.metadata.namespace : undefined;
    const key = this.key(def, ns, obj.metadata.name);
    if (this.objects.has(key)) throw new StatusError(409, 'AlreadyExists', `${def.plural} "${obj.metadata.name}" already exists`);
    this.checkNamespace(def, ns);
    return this.commit(def, key, undefined, this.fresh(def, obj, nowIso), new Map());
  }

  /** Server-side apply by `manager`. */
  apply(def: ResourceDef, obj: KubeObject, manager: string, nowIso: string): KubeObject {
    const ns = def.namespaced ? obj.metadata.namespace : undefined;
    const key = this.key(def, ns, obj.metadata.name);
    const prev = this.objects.get(key);
    const config = clone(obj) as Json;
    if (prev === undefined) {
      this.checkNamespace(def, ns);
      return this.commit(def, key, undefined, this.fresh(def, obj, nowIso), new Map([[manager, config]]));
    }
    const base = clone(prev.obj) as Json;
    const last = prev.applied.get(manager);
    if (isMap(last)) dropReleased(base, last, config);
    const merged = deepMerge(base, config) as KubeObject;
    merged.metadata = { ...merged.metadata, uid: prev.obj.metadata.uid, creationTimestamp: prev.obj.metadata.creationTimestamp };
    if (prev.obj.metadata.generation !== undefined) merged.metadata.generation = prev.obj.metadata.generation;
    merged.metadata.resourceVersion = prev.obj.metadata.resourceVersion;
    this.normalise(def, merged, false);
    const applied = new Map(prev.applied);
    applied.set(manager, config);
    return this.commit(def, key, prev, merged, applied);
  }

  /** JSON merge patch of the whole object (or of what `project` maps it to, for subresources). */
  patch(def: ResourceDef, ns: string | undefined, name: string, patch: unknown): KubeObject {
    const key = this.key(def, ns, name);
    const prev = this.objects.get(key);
    if (prev === undefined) throw new StatusError(404, 'NotFound', `${def.plural} "${name}" not found`);
    const next = mergePatch(prev.obj, patch) as KubeObject;
    next.metadata = { ...next.metadata, name, uid: prev.obj.metadata.uid };
    this.normalise(def, next, false);
    return this.commit(def, key, prev, next, prev.applied);
  }

  replace(def: ResourceDef, obj: KubeObject): KubeObject {
    const ns = def.namespaced ? obj.metadata.namespace : undefined;
    const key = this.key(def, ns, obj.metadata.name);
    const prev = this.objects.get(key);
    if (prev === undefined) throw new StatusError(404, 'NotFound', `${def.plural} "${obj.metadata.name}" not found`);
    if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== prev.obj.metadata.resourceVersion) {
      throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${def.plural} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const next = clone(obj);
    next.metadata = { ...next.metadata, uid: prev.obj.metadata.uid, creationTimestamp: prev.obj.metadata.creationTimestamp };
    if (prev.obj.metadata.generation !== undefined) next.metadata.generation = prev.obj.metadata.generation;
    this.normalise(def, next, false);
    return this.commit(def, key, prev, next, prev.applied);
  }

  /** Write by a controller (status, pods): no manager bookkeeping. */
  put(def: ResourceDef, obj: KubeObject, nowIso: string): KubeObject {
    const ns = def.namespaced ? obj.metadata.namespace : undefined;
    const key = this.key(def, ns, obj.metadata.name);
    const prev = this.objects.get(key);
    if (prev === undefined) return this.commit(def, key, undefined, this.fresh(def, obj, nowIso), new Map());
    const next = clone(obj);
    const pm = prev.obj.metadata;
    next.metadata = { ...next.metadata, uid: pm.uid, creationTimestamp: pm.creationTimestamp, resourceVersion: pm.resourceVersion };
    if (pm.generation !== undefined) next.metadata.generation = pm.generation;
    if (!def.namespaced) delete next.metadata.namespace;
    this.normalise(def, next, false);
    return this.commit(def, key, prev, next, prev.applied);
  }

  /** Removes the object; undefined when absent. */
  remove(def: ResourceDef, ns: string | undefined, name: string): KubeObject | undefined {
    const key = this.key(def, ns, name);
    const prev = this.objects.get(key);
    if (prev === undefined) return undefined;
    this.objects.delete(key);
    this.onChange(def, clone(prev.obj), true);
    return clone(prev.obj);
  }

  /** Removes every namespaced object of `ns` (namespace deletion's cascade). */
  removeNamespaceContents(ns: string, defs: readonly ResourceDef[]): void {
    for (const def of defs) {
      if (!def.namespaced) continue;
      for (const o of this.list(def, ns)) this.remove(def, ns, o.metadata.name);
    }
  }
}
