/**
 * What the kube run writes to its journal before each cluster change, and how a journal read back
 * (after the run, after Ctrl-C, after kill -9) is checked. A record says what is about to change
 * and the state before it, so replaying the journal backwards puts every object back as it was,
 * however far the run got. Records never hold credentials: contexts by name, objects by content
 * (Deployments' replicas, DestinationRules, meshbench's own Job/ConfigMap names).
 */
import type { KubeObject, ObjectRef } from '../gateway.js';

/** Schema version of the records. */
export const JOURNAL_VERSION = 1;

/** First record of a run: who wrote the journal and where. */
export interface RunRecord {
  op: 'run';
  v: number;
  runId: string;
  scenario: string;
  /** kubeconfig contexts in cluster order. */
  contexts: string[];
  /** `--kubeconfig` as an absolute path, when one was given (a path, never the contents). */
  kubeconfig?: string;
  startedAt: string;
}

/** A Deployment is about to be scaled from `from` to `to` replicas. */
export interface ScaleRecord {
  op: 'scale';
  v: number;
  context: string;
  cluster: string;
  namespace: string;
  name: string;
  from: number;
  to: number;
}

/**
 * An object is about to be applied, created or deleted; `previous` is how it was (null: absent).
 * Restoring applies `previous` again, or deletes the object when it did not exist.
 */
export interface ObjectRecord {
  op: 'object';
  v: number;
  context: string;
  cluster: string;
  change: 'apply' | 'create' | 'delete';
  ref: ObjectRef;
  previous: KubeObject | null;
}

/** Pods are about to be deleted; their ReplicaSet replaces them, so there is nothing to undo. */
export interface DeletePodsRecord {
  op: 'deletePods';
  v: number;
  context: string;
  cluster: string;
  namespace: string;
  deployment: string;
  pods: string[];
}

/** A change the run makes (everything but the `run` header). */
export type ChangeRecord = ScaleRecord | ObjectRecord | DeletePodsRecord;
/** Any record of the journal. */
export type JournalRecord = RunRecord | ChangeRecord;

/** The journal as the run and restore use it (the CLI wires a durable file behind it). */
export interface ChangeJournal {
  readonly path: string;
  /** True when the journal holds records (a run that did not finish restoring). */
  exists(): boolean;
  /** Writes the record durably before returning. */
  append(record: JournalRecord): void;
  read(): JournalReadout;
  /** Forget everything (after a complete restore). */
  clear(): void;
}

/** A journal read back and checked. */
export interface JournalReadout {
  run?: RunRecord;
  changes: ChangeRecord[];
  /** Records or lines that could not be understood (line numbers or descriptions). */
  unreadable: string[];
  /**
   * A last line cut by a crash while it was written: its change was never made (the record is
   * written and synced before the change), so it is reported, not restored.
   */
  cutLastLine?: number;
}

/** The structural shape of `fs/journal.ts`'s JournalFile (kube may not import fs). */
export interface JournalFileLike {
  readonly path: string;
  exists(): boolean;
  append(record: object): void;
  read(): { records: unknown[]; damagedLines: number[]; lastLine: number };
  clear(): void;
}

const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function isRef(v: unknown): v is ObjectRef {
  const r = v as Partial<ObjectRef> | null;
  return r !== null && typeof r === 'object' && isStr(r.apiVersion) && isStr(r.kind) && isStr(r.name) && (r.namespace === undefined || isStr(r.namespace));
}

function isObject(v: unknown): v is KubeObject {
  const o = v as Partial<KubeObject> | null;
  return o !== null && typeof o === 'object' && isStr(o.apiVersion) && isStr(o.kind) && typeof o.metadata === 'object' && o.metadata !== null && isStr(o.metadata.name);
}

/** The record if it is one meshbench writes (this version), else undefined. Pure. */
export function checkRecord(v: unknown): JournalRecord | undefined {
  const r = v as Record<string, unknown>;
  if (r === null || typeof r !== 'object' || r['v'] !== JOURNAL_VERSION) return undefined;
  switch (r['op']) {
    case 'run':
      return isStr(r['runId']) && isStr(r['scenario']) && Array.isArray(r['contexts']) && r['contexts'].every(isStr) && isStr(r['startedAt']) && (r['kubeconfig'] === undefined || isStr(r['kubeconfig']))
        ? (r as unknown as RunRecord)
        : undefined;
    case 'scale':
      return isStr(r['context']) && isStr(r['cluster']) && isStr(r['namespace']) && isStr(r['name']) && isCount(r['from']) && isCount(r['to']) ? (r as unknown as ScaleRecord) : undefined;
    case 'object':
      return isStr(r['context']) && isStr(r['cluster']) && ['apply', 'create', 'delete'].includes(r['change'] as string) && isRef(r['ref']) && (r['previous'] === null || isObject(r['previous']))
        ? (r as unknown as ObjectRecord)
        : undefined;
    case 'deletePods':
      return isStr(r['context']) && isStr(r['cluster']) && isStr(r['namespace']) && isStr(r['deployment']) && Array.isArray(r['pods']) && r['pods'].every(isStr)
        ? (r as unknown as DeletePodsRecord)
        : undefined;
    default:
      return undefined;
  }
}

/** Types a journal file: records are checked on read; unknown ones are reported, never guessed at. */
export function typedJournal(file: JournalFileLike): ChangeJournal {
  return {
    path: file.path,
    exists: () => file.exists(),
    append: (record) => file.append(record),
    clear: () => file.clear(),
    read() {
      const { records, damagedLines, lastLine } = file.read();
      const out: JournalReadout = { changes: [], unreadable: [] };
      for (const n of damagedLines) {
        if (n === lastLine) out.cutLastLine = n;
        else out.unreadable.push(`line ${n} is not a JSON object`);
      }
      records.forEach((raw, i) => {
        const r = checkRecord(raw);
        if (r === undefined) out.unreadable.push(`record ${i + 1} is not a meshbench v${JOURNAL_VERSION} journal record: ${JSON.stringify(raw).slice(0, 120)}`);
        else if (r.op === 'run') out.run ??= r;
        else out.changes.push(r);
      });
      return out;
    },
  };
}

/** One line per change, for messages (`scale cluster1/sample/helloworld-v1 1 → 0`). */
export function describeRecord(r: ChangeRecord): string {
  switch (r.op) {
    case 'scale':
      return `scale ${r.cluster} (context ${r.context}) ${r.namespace}/${r.name} from ${r.from} to ${r.to}`;
    case 'object':
      return `${r.change} ${r.ref.kind} ${r.ref.namespace !== undefined ? `${r.ref.namespace}/` : ''}${r.ref.name} in ${r.cluster} (context ${r.context})`;
    case 'deletePods':
      return `delete pod(s) ${r.pods.join(', ')} of ${r.namespace}/${r.deployment} in ${r.cluster} (context ${r.context})`;
  }
}
