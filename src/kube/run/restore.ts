/**
 * Undoing journaled changes. The plan is pure: for every object the journal touched, the state
 * recorded by its FIRST record is the state before the run (later records only describe steps in
 * between), and objects are put back in the reverse order they were first touched. Applying the
 * plan is idempotent — scaling to the recorded replicas, re-applying a recorded object, deleting
 * an object that did not exist — so it can be replayed any number of times, after a clean run,
 * a Ctrl-C or a kill -9 (a record written just before a crash undoes a change that never happened:
 * a no-op).
 */
import type { Clock, Progress } from '../../app/ports.js';
import { EnvironmentError, ToolError } from '../../errors.js';
import type { ClusterGateway, KubeObject, ObjectRef } from '../gateway.js';
import { waitForRollouts } from '../wait-rollout.js';
import type { ChangeRecord } from './journal.js';

/** One object to put back. */
export type RestoreStep =
  | { kind: 'scale'; context: string; cluster: string; namespace: string; name: string; replicas: number }
  | { kind: 'object'; context: string; cluster: string; ref: ObjectRef; previous: KubeObject | null };

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

function keyOf(r: ChangeRecord): string | undefined {
  switch (r.op) {
    case 'scale':
      return `${r.context}\u0000apps\u0000Deployment\u0000${r.namespace}\u0000${r.name}`;
    case 'object':
      // One object whatever version it was read with (v1 and v1beta1 DestinationRules are one object).
      return `${r.context}\u0000${groupOf(r.ref.apiVersion)}\u0000${r.ref.kind}\u0000${r.ref.namespace ?? ''}\u0000${r.ref.name}`;
    case 'deletePods':
      return undefined;
  }
}

/** The steps that put everything back, most recently first-touched object first. Pure. */
export function restorePlan(changes: readonly ChangeRecord[]): RestoreStep[] {
  const first = new Map<string, ChangeRecord>();
  for (const r of changes) {
    const k = keyOf(r);
    if (k !== undefined && !first.has(k)) first.set(k, r);
  }
  const steps: RestoreStep[] = [];
  for (const r of [...first.values()].reverse()) {
    if (r.op === 'scale') steps.push({ kind: 'scale', context: r.context, cluster: r.cluster, namespace: r.namespace, name: r.name, replicas: r.from });
    else if (r.op === 'object') steps.push({ kind: 'object', context: r.context, cluster: r.cluster, ref: r.ref, previous: r.previous });
  }
  return steps;
}

/** One line per step (`scale cluster1 sample/helloworld-v1 back to 1`). */
export function describeStep(s: RestoreStep): string {
  if (s.kind === 'scale') return `scale ${s.cluster} (context ${s.context}) ${s.namespace}/${s.name} back to ${s.replicas}`;
  const where = `${s.ref.kind} ${s.ref.namespace !== undefined ? `${s.ref.namespace}/` : ''}${s.ref.name} in ${s.cluster} (context ${s.context})`;
  return s.previous === null ? `delete ${where}` : `re-apply ${where} as it was`;
}

/** How to reach the clusters and report. */
export interface RestoreOptions {
  /** The gateway of a context (restore uses gateways without the run's abort signal). */
  gatewayFor: (context: string) => ClusterGateway;
  progress: Progress;
  clock: Clock;
  /** Wait this long for scaled Deployments to roll out again (0: do not wait). */
  rolloutTimeoutMs: number;
  /** Told which steps are still to do, before each step (for a second Ctrl-C). */
  onRemaining?: (remaining: readonly RestoreStep[]) => void;
}

/** What was put back and what could not be. */
export interface RestoreOutcome {
  done: RestoreStep[];
  failed: Array<{ step: RestoreStep; error: ToolError }>;
  /** Rollouts that did not finish in time (the replicas are set; the pods are still coming). */
  notReady: string[];
}

async function applyStep(gw: ClusterGateway, s: RestoreStep): Promise<void> {
  if (s.kind === 'scale') {
    const dep = await gw.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: s.namespace, name: s.name });
    if (dep === undefined) return; // deleted meanwhile: nothing left to scale back
    await gw.scale(s.namespace, s.name, s.replicas);
  } else if (s.previous === null) {
    await gw.delete(s.ref);
  } else {
    // Put back exactly what was there: a replace, since an apply would keep fields the run's
    // version had and the original lacked.
    const current = await gw.get(s.ref);
    if (current === undefined) await gw.apply(s.previous);
    else await gw.replace({ ...s.previous, metadata: { ...s.previous.metadata, resourceVersion: current.metadata.resourceVersion } });
  }
}

/**
 * Applies every step; a step that fails does not stop the others. Only ToolErrors (environment
 * trouble) are collected; anything else is a bug and propagates.
 */
export async function applyRestore(steps: readonly RestoreStep[], o: RestoreOptions): Promise<RestoreOutcome> {
  const out: RestoreOutcome = { done: [], failed: [], notReady: [] };
  for (const [i, s] of steps.entries()) {
    o.onRemaining?.(steps.slice(i));
    o.progress.update(`restoring: ${describeStep(s)}`);
    try {
      await applyStep(o.gatewayFor(s.context), s);
      out.done.push(s);
      o.progress.note(`restored: ${describeStep(s)}`);
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      out.failed.push({ step: s, error: err });
      o.progress.note(`could not ${describeStep(s)}: ${err.message}`);
    }
  }
  o.onRemaining?.(out.failed.map((f) => f.step));
  if (o.rolloutTimeoutMs > 0) {
    for (const s of out.done) {
      if (s.kind !== 'scale' || s.replicas === 0) continue;
      try {
        await waitForRollouts([{ gateway: o.gatewayFor(s.context), cluster: s.cluster, namespace: s.namespace, name: s.name }], {
          clock: o.clock,
          timeoutMs: o.rolloutTimeoutMs,
          intervalMs: 1_000,
          progress: o.progress,
        });
      } catch (err) {
        if (!(err instanceof ToolError)) throw err;
        out.notReady.push(`${s.cluster} ${s.namespace}/${s.name}`);
      }
    }
  }
  o.progress.done();
  return out;
}

/** The error for a restore that left steps undone: what is left and the command that finishes it. */
export function restoreIncompleteError(failed: RestoreOutcome['failed'], command: string, cause?: unknown): EnvironmentError {
  const lines = failed.map((f) => `  - ${describeStep(f.step)}: ${f.error.message}`);
  return new EnvironmentError(`could not put everything back; still to restore:\n${lines.join('\n')}`, {
    code: 'KUBE_RESTORE',
    hint: `The journal keeps what is left. Once the cluster answers again, run: ${command}`,
    ...(cause !== undefined ? { cause } : {}),
  });
}
