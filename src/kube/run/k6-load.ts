/**
 * k6 in the cluster: the ConfigMap and the Job (or TestRun) are journaled and applied, the runner
 * pods are found as they appear, and each one's log is followed. k6 writes its JSON points to
 * stdout (`--out json=/dev/stdout`), which is the pod log; its own messages share that log and are
 * told apart by their first character. Points go through the k6 importer's line parser (one per
 * runner: its request/version correlation is per VU), so live runs and `meshbench import` read k6
 * the same way. The run origin is the first point of the first runner (k6's test start, on the
 * cluster's clock); each runner's times are shifted onto it.
 */
import { EnvironmentError } from '../../errors.js';
import { createK6Parser, type K6Parser } from '../../ingest/k6-ndjson.js';
import { parseRfc3339 } from '../../ingest/rfc3339.js';
import type { Sample } from '../../model/sample.js';
import type { KubeObject } from '../gateway.js';
import type { ChangeRecorder } from './changes.js';
import type { RunCluster } from './clusters.js';
import { K6_CONTAINER, K6_CONTROL_NAME, K6_SUMMARY_PREFIX, type K6Plan } from './k6-objects.js';
import type { LoadHandle, SampleSink } from './load.js';
import { LogResume } from './log-resume.js';
import { KubeNotFoundError } from '../errors.js';

/** The client cluster, the planned objects, where samples and notes go. */
export interface K6LoadOptions {
  client: RunCluster;
  namespace: string;
  plan: K6Plan;
  recorder: ChangeRecorder;
  onSample: SampleSink;
  /** Progress notes (k6's own warnings and errors). */
  note: (line: string) => void;
}

const POINT = '{"metric":"';
/** Reopenings of one runner's log that bring no new line before giving up (the container has ended). */
const MAX_EMPTY_RESUMES = 2;
/** Reopenings of one runner's log in all (a rotation per 10 MiB: about 3,500 requests each). */
const MAX_RESUMES = 10_000;
const WAITING_FATAL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

/** Epoch µs of a Point line's `data.time`, or undefined for any other line. */
export function pointEpochUs(line: string): number | undefined {
  if (!line.startsWith(POINT) || !line.includes('"type":"Point"')) return undefined;
  try {
    const time = (JSON.parse(line) as { data?: { time?: unknown } }).data?.time;
    const t = typeof time === 'string' ? parseRfc3339(time) : null;
    return t === null ? undefined : t.epochS * 1e6 + t.nanos / 1000;
  } catch {
    return undefined;
  }
}

interface Runner {
  pod: string;
  parser: K6Parser;
  originUs?: number;
  ended: boolean;
  /** k6's own (non-JSON) lines, the last few, for a failure message. */
  text: string[];
  /** Requests whose points arrived. */
  received: number;
  /** Requests the script says it made (its handleSummary line), once that arrived. */
  sent?: number;
  /** Times its log follow was reopened. */
  resumes: () => number;
}

/** A point of meshbench's own control requests (the sidecar's quit): not load. */
const CONTROL_TAG = `"name":"${K6_CONTROL_NAME}"`;

/** The request count of the script's summary line, or undefined for any other line. */
export function parseK6Summary(line: string): number | undefined {
  if (!line.startsWith(K6_SUMMARY_PREFIX)) return undefined;
  try {
    const n = (JSON.parse(line.slice(K6_SUMMARY_PREFIX.length)) as { requests?: unknown }).requests;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Applies the k6 objects (journaled) and returns a handle that streams the runners' output. */
export async function startK6Load(o: K6LoadOptions): Promise<LoadHandle> {
  const gw = o.client.gateway;
  await o.recorder.apply(o.client, o.plan.configMap, 'create');
  await o.recorder.apply(o.client, o.plan.runner, 'create');
  const runners = new Map<string, Runner>();
  const follows = new AbortController();
  const notes: string[] = [];
  let runOriginUs: number | undefined;
  let seen = 0;
  let failure: Error | undefined;
  let completed = false;
  let stopped = false;
  const kind = o.plan.runner.kind;
  const name = o.plan.runner.metadata.name;

  const startRunner = (pod: string): void => {
    const r: Runner = { pod, ended: false, text: [], received: 0, parser: createK6Parser(() => undefined), resumes: () => 0 };
    r.parser = createK6Parser((s: Sample) => {
      if (r.originUs === undefined || runOriginUs === undefined) return;
      // Parser times are µs from this runner's first point; move them onto the run origin.
      const shift = Math.round(r.originUs - runOriginUs);
      s.scheduledUs += shift;
      s.startUs += shift;
      s.endUs += shift;
      o.onSample(s);
    });
    let lineNo = 0;
    runners.set(pod, r);
    const onLine = (line: string): void => {
      if (line.startsWith('{')) {
        if (line.includes(CONTROL_TAG)) return;
        if (r.originUs === undefined) {
          r.originUs = pointEpochUs(line);
          if (r.originUs !== undefined) runOriginUs ??= r.originUs;
        }
        if (line.startsWith('{"metric":"http_req_duration","type":"Point"')) {
          seen++;
          r.received++;
        }
        r.parser.line(line, ++lineNo);
        return;
      }
      if (line.trim() === '') return;
      const summary = parseK6Summary(line);
      if (summary !== undefined) {
        r.sent = summary;
        return;
      }
      r.text.push(line);
      if (r.text.length > 20) r.text.shift();
      if (/level=(error|warning)/.test(line) && notes.length < 10) {
        notes.push(`k6 (${pod}): ${line}`);
        o.note(`k6 (${pod}): ${line}`);
      }
    };
    // Every line carries the kubelet's receive time, so a follow cut before k6's summary (a log
    // rotation, an early close) is reopened from there without losing or repeating a line.
    const resume = new LogResume();
    r.resumes = () => resume.resumes;
    let emptyResumes = 0;
    const finish = () => {
      r.ended = true;
      const stats = r.parser.end();
      if (stats.droppedIterations > 0) notes.push(`k6 (${pod}): ${stats.droppedIterations} iteration(s) dropped (not enough VUs for the arrival rate)`);
      if (stats.malformed > 0) notes.push(`k6 (${pod}): ${stats.malformed} JSON line(s) not understood`);
      if (resume.resumes > 0) notes.push(`k6 (${pod}): its log stream ended ${resume.resumes} time(s) before k6's summary (kubelet log rotation or a cut stream); each time it was reopened from the last line read`);
    };
    const follow = (sinceTime?: string): void => {
      let fresh = 0;
      gw.followLogs({
        namespace: o.namespace,
        pod,
        container: K6_CONTAINER,
        signal: follows.signal,
        timestamps: true,
        ...(sinceTime !== undefined ? { sinceTime } : {}),
        onLine: (stamped) => {
          const line = resume.accept(stamped);
          if (line === undefined) return;
          fresh++;
          onLine(line);
        },
      }).then(
        () => {
          emptyResumes = sinceTime !== undefined && fresh === 0 ? emptyResumes + 1 : 0;
          // No summary yet: reopen, unless the last reopenings brought nothing (the container is
          // gone or its lines were rotated away: the accounting then says what is missing).
          if (r.sent === undefined && !stopped && emptyResumes < MAX_EMPTY_RESUMES && resume.resumes < MAX_RESUMES) follow(resume.resume());
          else finish();
        },
        (err: unknown) => {
          r.ended = true;
          // A pod deleted while reopening (its Job cleaned up) leaves what was read: the accounting says what is missing.
          if (sinceTime !== undefined && err instanceof KubeNotFoundError) return finish();
          if (!stopped) failure ??= err instanceof Error ? err : new Error(String(err));
        },
      );
    };
    follow();
  };

  const podProblem = (pod: KubeObject): string | undefined => {
    const st = (pod['status'] ?? {}) as { containerStatuses?: Array<{ name: string; state?: { waiting?: { reason?: string; message?: string } } }> };
    const waiting = st.containerStatuses?.find((c) => c.name === K6_CONTAINER)?.state?.waiting;
    return waiting?.reason !== undefined && WAITING_FATAL.has(waiting.reason) ? `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` : undefined;
  };

  /**
   * The k6-operator's initializer (`<name>-initializer`, k6 archive + inspect): its log is followed
   * from the moment its pod runs, because with `cleanup: post` the operator deletes a failed
   * TestRun — and its pods with it — right after marking it `error` (it also reconciles on pod
   * changes), so a log read afterwards finds nothing.
   */
  const initializerLog: string[] = [];
  let initializerFollow: Promise<void> | undefined;
  const readInitializer = async (): Promise<void> => {
    if (initializerFollow !== undefined) return;
    const pod = (await gw.list('v1', 'Pod', { namespace: o.namespace, labelSelector: `job-name=${name}-initializer` }))[0];
    const phase = (pod?.['status'] as { phase?: string } | undefined)?.phase;
    if (pod === undefined || phase === 'Pending' || phase === undefined) return;
    initializerFollow = gw
      .followLogs({ namespace: o.namespace, pod: pod.metadata.name, container: K6_CONTAINER, signal: follows.signal, onLine: (l) => void (l.trim() !== '' && initializerLog.push(l)) })
      .catch(() => undefined);
  };

  const initializerFailed = (why: string): EnvironmentError =>
    new EnvironmentError(`the k6-operator's initializer for the TestRun ${o.namespace}/${name} failed (${why})${initializerLog.length > 0 ? `; its last lines:\n  ${initializerLog.slice(-5).join('\n  ')}` : ''}`, {
      code: 'KUBE_LOAD',
      hint: `kubectl --context ${o.client.context} -n ${o.namespace} get testrun ${name} -o yaml; the operator's log: kubectl --context ${o.client.context} logs -n k6-operator-system deploy/k6-operator-controller-manager`,
    });

  const checkDone = async (): Promise<void> => {
    const obj = await gw.get({ apiVersion: o.plan.runner.apiVersion, kind, namespace: o.namespace, name });
    const status = (obj?.['status'] ?? {}) as { succeeded?: number; failed?: number; stage?: string };
    const last = [...runners.values()].flatMap((r) => r.text.slice(-5));
    if (runners.size === 0 && kind === 'TestRun' && (status.stage === 'error' || obj === undefined)) {
      await initializerFollow; // ends with the initializer's log (or its pod)
      failure ??= initializerFailed(obj === undefined ? 'the TestRun was deleted before any runner started: the operator deletes a failed TestRun with cleanup: post' : 'stage error');
    } else if ((status.failed ?? 0) > 0 || status.stage === 'error') {
      failure ??= new EnvironmentError(`the k6 ${kind} ${o.namespace}/${name} failed${last.length > 0 ? `; its last lines:\n  ${last.join('\n  ')}` : ''}`, {
        code: 'KUBE_LOAD',
        hint: `kubectl --context ${o.client.context} -n ${o.namespace} logs -l ${o.plan.podSelector} -c ${K6_CONTAINER}`,
      });
    } else if ((status.succeeded ?? 0) > 0 || status.stage === 'finished' || (obj === undefined && kind === 'TestRun' && runners.size >= o.plan.pods)) {
      // `cleanup: post` deletes a finished TestRun: gone after its runners ended is done (their
      // summaries say whether anything is missing).
      completed = true;
    }
  };

  return {
    description: `k6 ${kind} ${o.namespace}/${name}${o.plan.pods > 1 ? ` (${o.plan.pods} runners)` : ''}`,
    originEpochMs: () => (runOriginUs === undefined ? undefined : runOriginUs / 1000),
    async poll() {
      if (failure !== undefined) throw failure;
      if (runners.size < o.plan.pods) {
        const pods = await gw.list('v1', 'Pod', { namespace: o.namespace, labelSelector: o.plan.podSelector });
        for (const p of pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
          if (runners.has(p.metadata.name)) continue;
          const problem = podProblem(p);
          if (problem !== undefined) {
            throw new EnvironmentError(`the k6 pod ${o.namespace}/${p.metadata.name} cannot start: ${problem}`, {
              code: 'KUBE_LOAD',
              hint: 'Check the image (--k6-image) and that the cluster can pull it.',
            });
          }
          const phase = (p['status'] as { phase?: string } | undefined)?.phase;
          if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') startRunner(p.metadata.name);
        }
      }
      if (!completed && runners.size >= o.plan.pods && [...runners.values()].every((r) => r.ended)) await checkDone();
      else if (runners.size === 0 && kind === 'TestRun') {
        await readInitializer();
        await checkDone(); // an initializer that failed
      }
      if (failure !== undefined) throw failure;
    },
    finished: () => completed && runners.size >= o.plan.pods && [...runners.values()].every((r) => r.ended),
    notes: () => notes,
    requestsSeen: () => seen,
    senders: () => [...runners.keys()],
    accounting() {
      const all = [...runners.values()];
      const sent = all.length >= o.plan.pods && all.every((r) => r.sent !== undefined) ? all.reduce((a, r) => a + (r.sent ?? 0), 0) : undefined;
      const problems = all.flatMap((r) =>
        r.sent === undefined
          ? [`k6 (${r.pod}): its log ended before k6's summary (stream cut or log rotated, and reopening it did not bring the rest)`]
          : r.sent !== r.received
            ? [`k6 (${r.pod}): made ${r.sent} requests, ${r.received} arrived${r.resumes() > 0 ? ' (lines rotated away before the log could be reopened)' : ''}`]
            : [],
      );
      if (all.length < o.plan.pods) problems.push(`${o.plan.pods - all.length} of ${o.plan.pods} k6 runner(s) never followed`);
      return { received: seen, ...(sent !== undefined ? { sent } : {}), ...(problems.length > 0 ? { missing: problems.join('; ') } : {}) };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      follows.abort(new Error('load stopped'));
      // The journal's create record deletes it again on restore; deleting now stops k6 at once.
      await gw.delete({ apiVersion: o.plan.runner.apiVersion, kind, namespace: o.namespace, name }).catch(() => notes.push(`could not delete the k6 ${kind} ${name} yet; restore deletes it`));
    },
  };
}
