/**
 * Reaching a Prometheus: through the client cluster's API server service proxy (the test bed's own
 * `istio-system/prometheus`, what `deploy --observability` installs) or at a URL (`--prometheus`).
 * Plain HTTP GETs of the Prometheus HTTP API (`/api/v1/query`, `/api/v1/status/config`), JSON out.
 */
import { EnvironmentError } from '../../errors.js';
import type { ClusterGateway } from '../gateway.js';
import { httpGetText, type HttpText } from '../http-get.js';

/** One Prometheus, however reached. */
export interface PrometheusApi {
  /** For the result and messages: never holds credentials. */
  readonly source: string;
  /** GET a path of the HTTP API (with its query string) and parse the JSON answer. */
  getJson(pathAndQuery: string): Promise<unknown>;
}

/** Per request: Prometheus answers an instant query in milliseconds; a minute means it is not answering. */
const REQUEST_TIMEOUT_MS = 30_000;

function parse(source: string, path: string, r: HttpText): unknown {
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    throw new EnvironmentError(`${source} answered ${path.split('?')[0]} with HTTP ${r.status} and no JSON (is it a Prometheus?)`, { code: 'PROMETHEUS' });
  }
  // The HTTP API answers 400/422/503 with a JSON error body; parseVector reports its message.
  if (r.status >= 500 && (body as { status?: string }).status !== 'error') {
    throw new EnvironmentError(`${source} answered HTTP ${r.status}`, { code: 'PROMETHEUS' });
  }
  return body;
}

/** The service `namespace/name:port` through `gateway`'s API server. */
export function prometheusViaServiceProxy(gateway: ClusterGateway, cluster: string, target: { namespace: string; service: string; port: number }): PrometheusApi {
  const source = `service proxy ${target.namespace}/${target.service}:${target.port} (${cluster})`;
  return {
    source,
    async getJson(path) {
      if (gateway.proxyGet === undefined) throw new EnvironmentError(`${source}: this cluster connection cannot use the service proxy`, { code: 'PROMETHEUS' });
      const r = await gateway.proxyGet(target, path, REQUEST_TIMEOUT_MS);
      if (r.status === 404 || r.status === 503) {
        throw new EnvironmentError(`${source}: HTTP ${r.status} (no ready Prometheus pod behind the service?)`, {
          code: 'PROMETHEUS',
          hint: `kubectl --context ${gateway.context} -n ${target.namespace} get pods -l app.kubernetes.io/name=prometheus`,
        });
      }
      return parse(source, path, r);
    },
  };
}

/** `http(s)://host:port[/prefix]` as given with `--prometheus`; user:password in it are used, never shown. */
export function prometheusAtUrl(url: string): PrometheusApi {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new EnvironmentError(`--prometheus ${JSON.stringify(url)} is not a URL`, { code: 'PROMETHEUS', hint: 'e.g. --prometheus http://localhost:9090 (after kubectl -n istio-system port-forward svc/prometheus 9090)' });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new EnvironmentError(`--prometheus must be an http(s) URL, not ${base.protocol}`, { code: 'PROMETHEUS' });
  const auth = base.username !== '' ? `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}` : undefined;
  const shown = new URL(base.href);
  shown.username = '';
  shown.password = '';
  const prefix = base.pathname.replace(/\/+$/, '');
  const source = `${shown.origin}${prefix}`;
  return {
    source,
    async getJson(path) {
      const target = new URL(`${base.origin}${prefix}/${path.replace(/^\/+/, '')}`);
      let r: HttpText;
      try {
        r = await httpGetText(target, { ...(auth !== undefined ? { auth } : {}) }, REQUEST_TIMEOUT_MS);
      } catch (err) {
        throw new EnvironmentError(`Prometheus at ${source} did not answer: ${(err as Error).message}`, { code: 'PROMETHEUS', hint: 'Check the URL (kubectl -n istio-system port-forward svc/prometheus 9090, then --prometheus http://localhost:9090).' });
      }
      return parse(source, path, r);
    },
  };
}
