/**
 * `meshbench restore`: replays a journal a run left behind (Ctrl-C twice, kill -9, a cluster that
 * stopped answering) and removes it once everything is back. Idempotent: running it twice, or on a
 * journal whose run had already restored part of it, changes nothing more.
 */
import { existsSync } from 'node:fs';
import type { Clock, Progress } from '../../app/ports.js';
import { EnvironmentError } from '../../errors.js';
import { createKubeGateway } from '../index.js';
import type { ClusterGateway } from '../gateway.js';
import { describeRecord, type ChangeJournal } from './journal.js';
import { applyRestore, describeStep, restoreIncompleteError, restorePlan, type RestoreStep } from './restore.js';

/** The journal to replay and where the kubeconfig is. */
export interface RestoreJournalRequest {
  journal: ChangeJournal;
  /** `--kubeconfig`; else the path the run recorded (if it still exists); else $KUBECONFIG / ~/.kube/config. */
  kubeconfig?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** `--request-timeout` (ms). */
  requestTimeoutMs?: number;
  /** `--timeout`: no API call starts or is waited for after this long (ms). */
  timeoutMs?: number;
}

/** Clock, jitter and progress for the API calls. */
export interface RestoreJournalDeps {
  clock: Clock;
  jitter: () => number;
  progress: Progress;
  /** Told which steps are still to do (for a second Ctrl-C). */
  onRemaining?: (remaining: readonly RestoreStep[]) => void;
  rolloutTimeoutMs?: number;
}

/** What `restore` did, for the user. */
export interface RestoreJournalOutcome {
  /** False when there was no journal (nothing to do). */
  found: boolean;
  restored: string[];
  /** Journaled steps with nothing to undo (deleted pods come back by themselves). */
  informational: string[];
  notReady: string[];
}

/** The exact command that finishes a restore, quoted for a POSIX shell. */
export function restoreCommand(journalPath: string, kubeconfig?: string): string {
  const q = (s: string) => (/^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);
  return `meshbench restore --journal ${q(journalPath)}${kubeconfig !== undefined ? ` --kubeconfig ${q(kubeconfig)}` : ''}`;
}

/**
 * @throws EnvironmentError (exit 4) when a step fails (the journal is kept, listing what is left)
 *         or the journal holds records this version cannot read (nothing is guessed).
 */
export async function restoreJournal(req: RestoreJournalRequest, deps: RestoreJournalDeps): Promise<RestoreJournalOutcome> {
  const read = req.journal.read();
  if (read.changes.length === 0 && read.unreadable.length === 0) {
    if (read.run !== undefined) req.journal.clear(); // a run that changed nothing yet
    return { found: read.run !== undefined, restored: [], informational: [], notReady: [] };
  }
  const steps = restorePlan(read.changes);
  const contexts = [...new Set([...steps.map((s) => s.context), ...read.changes.map((c) => c.context)])];
  const recorded = read.run?.kubeconfig;
  const kubeconfig = req.kubeconfig ?? (recorded !== undefined && existsSync(recorded) ? recorded : undefined);
  const kube = createKubeGateway({
    contexts,
    ...(kubeconfig !== undefined ? { file: kubeconfig } : {}),
    env: req.env,
    cwd: req.cwd,
    clock: deps.clock,
    jitter: deps.jitter,
    onRetry: (m) => deps.progress.note(m),
    ...(req.requestTimeoutMs !== undefined ? { requestTimeoutMs: req.requestTimeoutMs } : {}),
    ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
  });
  const byContext = new Map<string, ClusterGateway>(kube.clusters.map((c) => [c.spec.context, c.gateway]));
  const outcome = await applyRestore(steps, {
    gatewayFor: (ctx) => byContext.get(ctx) as ClusterGateway,
    progress: deps.progress,
    clock: deps.clock,
    rolloutTimeoutMs: deps.rolloutTimeoutMs ?? 120_000,
    ...(deps.onRemaining !== undefined ? { onRemaining: deps.onRemaining } : {}),
  });
  const command = restoreCommand(req.journal.path, req.kubeconfig);
  if (outcome.failed.length > 0) throw restoreIncompleteError(outcome.failed, command);
  if (read.unreadable.length > 0) {
    throw new EnvironmentError(
      `the journal ${req.journal.path} holds records this version of meshbench cannot read; everything it could read was restored:\n  - ${read.unreadable.join('\n  - ')}`,
      { code: 'KUBE_RESTORE', hint: `Undo what those records describe by hand, then delete ${req.journal.path}.` },
    );
  }
  req.journal.clear();
  return {
    found: true,
    restored: outcome.done.map(describeStep),
    informational: read.changes.filter((c) => c.op === 'deletePods').map((c) => `${describeRecord(c)} (their ReplicaSet replaced them)`),
    notReady: outcome.notReady,
  };
}
