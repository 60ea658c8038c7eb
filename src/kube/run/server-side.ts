/**
 * The run's one hook for server-side evidence: Prometheus' `istio_requests_total` for the client's
 * requests, read before the load and after it (src/kube/prometheus/). With `--prometheus URL` a
 * Prometheus that does not answer stops the run before any change (exit 4); the test bed's own
 * `istio-system/prometheus` is used when it exists, and a failure there is a note, not a failed run.
 */
import type { Progress, Clock } from '../../app/ports.js';
import { ToolError } from '../../errors.js';
import type { PrometheusCounts } from '../../model/prometheus-check.js';
import type { Scenario } from '../../model/scenario.js';
import { prometheusAtUrl, prometheusViaServiceProxy, type PrometheusApi } from '../prometheus/api.js';
import { readAfter, readBefore, type PrometheusReading } from '../prometheus/reading.js';
import { ISTIO_NAMESPACE } from '../testbed.js';
import type { RunCluster } from './clusters.js';

/** The Service `deploy --observability` installs (Istio's samples/addons/prometheus.yaml). */
export const PROMETHEUS_SERVICE = 'prometheus';
const PROMETHEUS_PORT = 9090;

export interface ServerSideCheck {
  /** The counts over the run (undefined when there is no Prometheus or it failed; the note says why). */
  finish(): Promise<PrometheusCounts | undefined>;
}

const NONE: ServerSideCheck = { finish: async () => undefined };

async function findInCluster(client: RunCluster): Promise<PrometheusApi | undefined> {
  const svc = await client.gateway.get({ apiVersion: 'v1', kind: 'Service', namespace: ISTIO_NAMESPACE, name: PROMETHEUS_SERVICE });
  if (svc === undefined || client.gateway.proxyGet === undefined) return undefined;
  const ports = ((svc['spec'] as { ports?: Array<{ name?: string; port: number }> } | undefined)?.ports ?? []).filter((p) => typeof p.port === 'number');
  const port = (ports.find((p) => p.name === 'http') ?? ports.find((p) => p.port === PROMETHEUS_PORT) ?? ports[0])?.port ?? PROMETHEUS_PORT;
  return prometheusViaServiceProxy(client.gateway, client.name, { namespace: ISTIO_NAMESPACE, service: PROMETHEUS_SERVICE, port });
}

/** Reads "before" now; `finish()` after the last trial. */
export async function startServerSideCheck(
  opts: { prometheusUrl?: string; client: RunCluster; clientNamespace: string; scenario: Scenario },
  deps: { clock: Clock; progress: Progress; signal?: AbortSignal },
): Promise<ServerSideCheck> {
  const selector = { service: opts.scenario.request.service, namespace: opts.scenario.request.namespace, clientNamespace: opts.clientNamespace };
  let reading: PrometheusReading;
  if (opts.prometheusUrl !== undefined) {
    reading = await readBefore(prometheusAtUrl(opts.prometheusUrl), selector);
  } else {
    try {
      const api = await findInCluster(opts.client);
      if (api === undefined) {
        deps.progress.note(`no ${ISTIO_NAMESPACE}/${PROMETHEUS_SERVICE} in ${opts.client.name}: no server-side counts (deploy --observability installs it; or --prometheus URL)`);
        return NONE;
      }
      reading = await readBefore(api, selector);
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      deps.progress.note(`Prometheus: ${err.message}; no server-side counts`);
      return NONE;
    }
  }
  deps.progress.note(`Prometheus: ${reading.api.source}, scrape interval ${reading.scrapeIntervalS} s; counts read before and after the load`);
  return {
    async finish() {
      deps.progress.update(`Prometheus: waiting for a scrape after the load (up to ${reading.scrapeIntervalS + 1} s)`);
      try {
        return await readAfter(reading, deps);
      } catch (err) {
        if (!(err instanceof ToolError) || deps.signal?.aborted === true) throw err;
        deps.progress.note(`Prometheus: ${err.message}; no server-side counts`);
        return undefined;
      } finally {
        deps.progress.done();
      }
    },
  };
}
