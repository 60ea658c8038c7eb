/**
 * Container logs (client-node.md §8). Plain reads use the typed CoreV1Api (a string comes back);
 * following uses `Log`, which pipes the response body into our writable. `Log` flattens errors to
 * an ApiException without a body, so the pod and container are checked first for a useful message.
 */
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type { FollowLogRequest, LogRequest } from './gateway.js';

/** Reads a container log once. Zero values are not sent (client-node drops them anyway). */
export async function readLog(kc: k8s.KubeConfig, req: LogRequest): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const params: k8s.CoreV1ApiReadNamespacedPodLogRequest = { name: req.pod, namespace: req.namespace, container: req.container };
  if (req.tailLines !== undefined && req.tailLines > 0) params.tailLines = req.tailLines;
  if (req.sinceSeconds !== undefined && req.sinceSeconds > 0) params.sinceSeconds = req.sinceSeconds;
  return await core.readNamespacedPodLog(params);
}

/**
 * Streams a container log line by line until the server ends it or the signal aborts. Resolves
 * when the stream ends; rejects with the (untranslated) client error if the request fails, or
 * with what `boundOpen` rejects with when the stream does not open in time.
 */
export async function followLog(kc: k8s.KubeConfig, req: FollowLogRequest, boundOpen: <T>(opening: Promise<T>) => Promise<T> = (p) => p): Promise<void> {
  const stream = new PassThrough();
  const options: k8s.LogOptions = { follow: true };
  if (req.tailLines !== undefined && req.tailLines > 0) options.tailLines = req.tailLines;
  if (req.sinceSeconds !== undefined && req.sinceSeconds > 0) options.sinceSeconds = req.sinceSeconds;
  if (req.sinceTime !== undefined) options.sinceTime = req.sinceTime;
  if (req.timestamps === true) options.timestamps = true;
  if (req.signal?.aborted) return;
  // node-fetch emits 'error' on the response body when aborted; pipe() adds no listener there, and
  // an unheard 'error' event would crash the process. The 'pipe' event hands us that body.
  let bodyError: unknown;
  stream.on('pipe', (src: NodeJS.ReadableStream) => {
    src.on('error', (e: unknown) => {
      bodyError = e;
      stream.end();
    });
  });
  // `Log.log` resolves when the response headers arrive: a server that never answers would hold
  // it for ever, so opening the stream is bounded (the caller's per-request limit).
  const controller = await boundOpen(new k8s.Log(kc).log(req.namespace, req.pod, req.container, stream, options));
  const onAbort = () => {
    controller.abort();
    // pipe() does not forward the abort: end our side ourselves.
    stream.end();
  };
  req.signal?.addEventListener('abort', onAbort, { once: true });
  let rest = '';
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        rest += chunk.toString('utf8');
        let nl = rest.indexOf('\n');
        while (nl >= 0) {
          req.onLine(rest.slice(0, nl).replace(/\r$/, ''));
          rest = rest.slice(nl + 1);
          nl = rest.indexOf('\n');
        }
      });
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', (e) => (req.signal?.aborted ? resolve() : reject(e)));
    });
    if (rest !== '') req.onLine(rest);
    if (bodyError !== undefined && !req.signal?.aborted) throw bodyError;
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
  }
}
