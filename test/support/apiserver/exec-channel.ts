/**
 * Exec over WebSocket: the upgrade of `/api/v1/namespaces/<ns>/pods/<pod>/exec?command=...` is
 * checked like a request (faults, auth, pod, container, readiness; refusals are plain HTTP
 * answers, which `ws` reports as "Unexpected server response: <code>"), then the handler registered
 * for argv[0] runs and its output goes out on the channel protocol (`v5.channel.k8s.io` /
 * `v4.channel.k8s.io`: one leading byte per frame, 1 stdout, 2 stderr, 3 the final v1.Status).
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';
import type { KubeObject } from '../../../src/kube/gateway.js';
import { isReady } from './controller.js';
import type { RequestInfo } from './faults.js';
import type { ApiServer } from './server.js';

function status(code: number, text: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: text, reason: text, code });
}

export function handleExecUpgrade(server: ApiServer, wss: WebSocketServer, req: IncomingMessage, socket: Socket, head: Buffer): void {
  const url = new URL(req.url ?? '/', 'https://emulator');
  const info: RequestInfo = { method: 'GET', path: url.pathname, query: url.searchParams };
  server.requests.push({ method: 'UPGRADE', path: url.pathname, query: url.search });
  const refuse = (code: number, text: string) => {
    socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${status(code, text)}`);
  };
  const fault = server.faults.take(info);
  if (fault === 'reset') return void socket.destroy();
  if (fault === 'hang') return; // the upgrade is never answered
  if (fault !== undefined) return refuse(fault.status, fault.reason ?? 'Injected');
  if (!server.authorized(req)) return refuse(401, 'Unauthorized');
  server.controller.reconcile(true);
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
  if (!m) return refuse(404, 'Not Found');
  const [ns, podName] = [decodeURIComponent(m[1] as string), decodeURIComponent(m[2] as string)];
  const pod = server.get('v1', 'Pod', ns, podName);
  if (pod === undefined) return refuse(404, 'Not Found');
  const container = url.searchParams.get('container') ?? '';
  // Regular containers, and native sidecars (init containers with restartPolicy Always run beside them).
  const spec = pod['spec'] as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string; restartPolicy?: string }> };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')].map((c) => c.name);
  if (!containers.includes(container) || !isReady(pod)) return refuse(400, 'Bad Request');
  const argv = url.searchParams.getAll('command');
  wss.handleUpgrade(req, socket, head, (ws) => {
    server.track(ws);
    void runExec(server, ws, pod, container, argv);
  });
}

async function runExec(server: ApiServer, ws: WebSocket, pod: KubeObject, container: string, argv: string[]): Promise<void> {
  // A stream cut on purpose (faults.ts ExecCuts): the first `cutAt` bytes of stdout go out (the
  // last line possibly in part), then the connection drops and the command runs on unheard.
  const cutAt = server.execCuts.take(argv);
  let sentBytes = 0;
  let detached = false;
  const frame = (channel: number, text: string) => {
    if (detached || ws.readyState !== ws.OPEN || text === '') return;
    let data = Buffer.from(text, 'utf8');
    if (channel === 1 && cutAt !== undefined && sentBytes + data.length >= cutAt) {
      data = data.subarray(0, cutAt - sentBytes);
      detached = true;
      server.execCuts.cut++;
      // Dropped once what went before is on the wire.
      ws.send(Buffer.concat([Buffer.from([channel]), data]), () => ws.terminate());
      return;
    }
    if (channel === 1) sentBytes += data.length;
    ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  const abort = new AbortController();
  ws.on('close', () => {
    if (!detached) abort.abort();
  });
  const handler = server.exec.resolve(argv[0] ?? '', pod, container);
  let code: number;
  if (handler === undefined) {
    frame(2, `exec: "${argv[0] ?? ''}": executable file not found in $PATH\n`);
    code = 127;
  } else {
    try {
      code = await handler({ server, pod, container, argv, stdout: (t) => frame(1, t), stderr: (t) => frame(2, t), signal: abort.signal });
    } catch (err) {
      frame(2, `emulator handler failed: ${(err as Error).message}\n`);
      code = 1;
    }
  }
  if (ws.readyState !== ws.OPEN) return;
  const st =
    code === 0
      ? { metadata: {}, status: 'Success' }
      : {
          metadata: {},
          status: 'Failure',
          message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
          reason: 'NonZeroExitCode',
          details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
        };
  ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(st), 'utf8')]));
  ws.close(1000);
}
