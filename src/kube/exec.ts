/**
 * Exec into one container over the WebSocket channel protocol and capture its output
 * (client-node.md §7). The promise of `Exec.exec` resolves when the socket opens; completion is
 * the status frame on channel 3, which carries the exit code. Errors before the socket opens are
 * `ws` error events, translated like API errors.
 */
import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import * as k8s from '@kubernetes/client-node';
import { ExecError, KubeTimeoutError } from './errors.js';
import type { ExecRequest, ExecResult } from './gateway.js';
import { translateKubeError, type CallSite } from './translate.js';

/** Exit code from a channel-3 `v1.Status`: 0 on Success, the ExitCode cause otherwise, -1 if absent. */
export function exitCodeOfStatus(status: k8s.V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = Number(cause?.message);
  return cause !== undefined && Number.isInteger(n) ? n : -1;
}

function sink(into: Buffer[], live?: (text: string) => void): Writable {
  // A multi-byte character may straddle two frames: decode with a stateful decoder.
  const decoder = live !== undefined ? new StringDecoder('utf8') : undefined;
  return new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (live !== undefined && decoder !== undefined) {
        const text = decoder.write(buf);
        if (text !== '') live(text);
      } else {
        into.push(buf);
      }
      cb();
    },
    final(cb) {
      const rest = decoder?.end();
      if (live !== undefined && rest !== undefined && rest !== '') live(rest);
      cb();
    },
  });
}

/**
 * Run `req.argv` in `req.container` of `req.pod`, bounded by `req.timeoutMs` (a socket guard, so a
 * real timer: closing the socket does not kill the remote process, see client-node #2532); the
 * socket itself must open within `connectTimeoutMs`.
 * @throws ExecError on timeout or a connection cut before the status frame; translated API errors
 *         (KubeNotFoundError for a missing pod, KubeInvalidError for a missing container, ...).
 */
export function execCapture(kc: k8s.KubeConfig, req: ExecRequest, site: CallSite, connectTimeoutMs = Infinity): Promise<ExecResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const what = `exec ${JSON.stringify(req.argv.join(' '))} in ${req.namespace}/${req.pod} container ${req.container}`;
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let socket: { close(): void } | undefined;
    const timer = setTimeout(() => {
      finish(() =>
        reject(
          new ExecError(`context '${site.context}': ${what} did not finish within ${Math.round(req.timeoutMs / 1000)} s`, {
            hint: 'The process may still be running in the pod; bound it with `timeout` in the command.',
          }),
        ),
      );
    }, req.timeoutMs);
    timer.unref?.();
    // The socket must open within the per-request limit: an API server that accepts the
    // connection and never answers the upgrade is not a long command.
    const opening =
      connectTimeoutMs < req.timeoutMs
        ? setTimeout(() => {
            if (socket === undefined) finish(() => reject(new KubeTimeoutError(`context '${site.context}' (${site.server}): no answer within ${Math.round(connectTimeoutMs / 100) / 10} s to ${what}`)));
          }, connectTimeoutMs)
        : undefined;
    opening?.unref?.();
    const onAbort = () => finish(() => reject(req.signal?.reason ?? new Error('aborted')));
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(opening);
      req.signal?.removeEventListener('abort', onAbort);
      try {
        socket?.close();
      } catch {
        /* already closed */
      }
      f();
    };
    if (req.signal?.aborted) {
      onAbort();
      return;
    }
    req.signal?.addEventListener('abort', onAbort, { once: true });
    new k8s.Exec(kc)
      .exec(req.namespace, req.pod, req.container, [...req.argv], sink(out, req.onStdout), sink(err), null, false, (status) =>
        finish(() => {
          const exitCode = exitCodeOfStatus(status);
          let stderr = Buffer.concat(err).toString('utf8');
          if (exitCode === -1 && status.message) stderr += (stderr && !stderr.endsWith('\n') ? '\n' : '') + status.message;
          resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr, exitCode });
        }),
      )
      .then(
        (ws) => {
          socket = ws;
          if (settled) {
            ws.close();
            return;
          }
          ws.on('close', () =>
            finish(() => reject(new ExecError(`context '${site.context}': ${what}: the connection closed before the command finished`))),
          );
        },
        (e: unknown) => finish(() => reject(translateKubeError(e, { ...site, action: what }))),
      );
  });
}
