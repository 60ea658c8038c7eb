/**
 * One bounded HTTP(S) GET returning status and text — for what is not a Kubernetes object: an API
 * server's service proxy (Prometheus, istiod's debug endpoints) and a `--prometheus` URL.
 */
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type * as k8s from '@kubernetes/client-node';

export interface HttpText {
  status: number;
  body: string;
}

/** Bodies larger than this are cut off with an error: nothing meshbench reads this way is that big. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * GET `url` with `opts` (headers, TLS material), failing after `timeoutMs`.
 * @throws Node's transport error (with its `code`; no credentials in it), an ETIMEDOUT error, or an oversized-body error.
 */
export function httpGetText(url: URL, opts: RequestOptions, timeoutMs: number, signal?: AbortSignal): Promise<HttpText> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { ...opts, method: 'GET', ...(signal !== undefined ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(new Error(`${url.origin}${url.pathname} answered more than ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`${url.origin}${url.pathname} did not answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    // Node's own errors keep their `code` (ECONNREFUSED, TLS codes) for the caller's translation.
    req.on('error', reject);
    req.end();
  });
}

/**
 * GET through the API server's service proxy
 * (`/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>`) with the context's credentials.
 * client-node 1.4's `connectGetNamespacedServiceProxyWithPath` percent-encodes the `/` and `?` of
 * the path (CoreV1Api.js), so the request is built here with `applyToHTTPSOptions`.
 */
export async function serviceProxyGet(
  kc: k8s.KubeConfig,
  server: string,
  target: { namespace: string; service: string; port: number },
  pathAndQuery: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpText> {
  const base = server.replace(/\/+$/, '');
  const url = new URL(`${base}/api/v1/namespaces/${encodeURIComponent(target.namespace)}/services/${encodeURIComponent(target.service)}:${target.port}/proxy/${pathAndQuery.replace(/^\/+/, '')}`);
  const opts: RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  return httpGetText(url, opts, timeoutMs, signal);
}
