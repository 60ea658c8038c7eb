/**
 * Starts a trial's load generator: the curl loop in the client pod, or k6 (a Job, or a k6-operator
 * TestRun with `--parallelism`) in the client's namespace. The k6 runners get a native sidecar on
 * Kubernetes ≥ 1.29 (see k6-objects.ts for why and what happens otherwise).
 */
import type { Clock } from '../../app/ports.js';
import type { Scenario } from '../../model/scenario.js';
import type { ChangeRecorder } from './changes.js';
import { startCurlLoad } from './curl-load.js';
import { k6ObjectName, k6Plan } from './k6-objects.js';
import { startK6Load } from './k6-load.js';
import type { LoadHandle, SampleSink } from './load.js';
import { kubernetesMinor } from './observed-mesh.js';
import { requestUrl } from './preflight.js';
import type { PreparedRun } from './prepare.js';
import type { KubeRunRequest } from './request.js';

/** Inputs of `loadStarter`. */
export interface LoadStarterInput {
  req: KubeRunRequest;
  /** The scenario as it runs (curl runs open models as one loop). */
  scenario: Scenario;
  prepared: PreparedRun;
  recorder: ChangeRecorder;
  /** 0-based trial number (names the objects and the stop file). */
  trial: number;
  note: (line: string) => void;
  /** The driver's clock (when a cut curl loop's file is read back). */
  clock: Pick<Clock, 'now'>;
}

/** The `startLoad` of one trial. */
export function loadStarter(i: LoadStarterInput): (onSample: SampleSink) => Promise<LoadHandle> {
  const { req, scenario: s, prepared: p } = i;
  const url = requestUrl(s);
  return async (onSample) => {
    if (req.load === 'curl') {
      const load = s.load;
      return startCurlLoad({
        gateway: p.client.gateway,
        namespace: p.clientNamespace,
        pod: p.facts.clientPod,
        container: p.clientContainer,
        url,
        durationMs: load.durationUs / 1000,
        requestTimeoutMs: s.request.timeoutUs / 1000,
        thinkTimeMs: load.kind === 'closed' ? load.thinkTimeUs / 1000 : 0,
        concurrency: load.kind === 'closed' ? load.concurrency : 1,
        runId: `${req.runId}-${i.trial}`,
        clock: p.sync.clock,
        driverClock: i.clock,
        onSample,
      });
    }
    const plan = k6Plan({
      scenario: s,
      url,
      namespace: p.clientNamespace,
      name: k6ObjectName(req.runId, i.trial),
      runId: req.runId,
      image: req.k6Image,
      script: req.k6Script,
      ...(req.parallelism !== undefined ? { parallelism: req.parallelism } : {}),
      nativeSidecar: (kubernetesMinor(p.facts.kubernetes[p.client.name]) ?? 0) >= 29,
      ...(p.facts.clientPodLabels !== undefined ? { clientPodLabels: p.facts.clientPodLabels } : {}),
    });
    return startK6Load({ client: p.client, namespace: p.clientNamespace, plan, recorder: i.recorder, onSample, note: i.note });
  };
}
