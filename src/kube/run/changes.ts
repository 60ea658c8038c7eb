/**
 * Every cluster change of a run goes through here: read the current state, write it to the
 * journal (durably), then change. A crash between the journal write and the change leaves a record
 * whose undo is a no-op, never a change without a record.
 */
import { refName, type KubeObject, type ObjectRef } from '../gateway.js';
import type { RunCluster } from './clusters.js';
import { JOURNAL_VERSION, type ChangeJournal, type ChangeRecord } from './journal.js';

/** Journals and makes the run's changes; remembers them for the restore plan. */
export class ChangeRecorder {
  /** Changes journaled by this process, in order. */
  readonly changes: ChangeRecord[] = [];

  constructor(private readonly journal: ChangeJournal) {}

  get path(): string {
    return this.journal.path;
  }

  /** Journals durably, then remembers. */
  record(r: ChangeRecord): void {
    this.journal.append(r);
    this.changes.push(r);
  }

  /** Scales a Deployment, journaled with its current replicas; returns them. */
  async scale(c: RunCluster, namespace: string, name: string, to: number): Promise<number> {
    const dep = await c.gateway.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
    if (dep === undefined) throw new RangeError(`Deployment ${namespace}/${name} vanished in ${c.name}`);
    const from = (dep['spec'] as { replicas?: number } | undefined)?.replicas ?? 1;
    this.record({ op: 'scale', v: JOURNAL_VERSION, context: c.context, cluster: c.name, namespace, name, from, to });
    await c.gateway.scale(namespace, name, to);
    return from;
  }

  /** Server-side applies `obj`, journaled with what was there (null: nothing). */
  async apply(c: RunCluster, obj: KubeObject, change: 'apply' | 'create'): Promise<void> {
    const ref = refOfObject(obj);
    const current = await c.gateway.get(ref);
    this.record({ op: 'object', v: JOURNAL_VERSION, context: c.context, cluster: c.name, change, ref, previous: current === undefined ? null : restorable(current) });
    await c.gateway.apply(obj);
  }

  /**
   * Makes the object exactly `obj`, journaled with what was there: created (server-side apply)
   * when absent, else replaced at the resourceVersion just read — so fields other managers set
   * (a `maxEjectionPercent` someone added with kubectl) do not survive, as they would an apply.
   * Returns the object as stored.
   */
  async put(c: RunCluster, obj: KubeObject): Promise<KubeObject> {
    const ref = refOfObject(obj);
    const current = await c.gateway.get(ref);
    this.record({ op: 'object', v: JOURNAL_VERSION, context: c.context, cluster: c.name, change: 'apply', ref, previous: current === undefined ? null : restorable(current) });
    if (current === undefined) return await c.gateway.apply(obj);
    return await c.gateway.replace({ ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } });
  }

  /** Deletes an existing object, journaled with its content. */
  async delete(c: RunCluster, current: KubeObject): Promise<void> {
    const ref = refOfObject(current);
    this.record({ op: 'object', v: JOURNAL_VERSION, context: c.context, cluster: c.name, change: 'delete', ref, previous: restorable(current) });
    await c.gateway.delete(ref);
  }
}

function refOfObject(o: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
  if (o.metadata.namespace !== undefined) ref.namespace = o.metadata.namespace;
  return ref;
}

/**
 * What is needed to put an object back with a server-side apply: its user-owned content, without
 * the fields the server manages (status, resourceVersion, uid, managedFields, timestamps).
 */
export function restorable(o: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = o as KubeObject & { status?: unknown };
  const md: KubeObject['metadata'] = { name: metadata.name };
  if (metadata.namespace !== undefined) md.namespace = metadata.namespace;
  if (metadata.labels !== undefined) md.labels = metadata.labels;
  if (metadata.annotations !== undefined) md.annotations = metadata.annotations;
  return { ...rest, apiVersion: o.apiVersion, kind: o.kind, metadata: md };
}

/** `DestinationRule sample/helloworld`, for messages. */
export function objectName(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${o.kind} ${refName(o.metadata)}`;
}
