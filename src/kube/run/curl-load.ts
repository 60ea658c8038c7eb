/**
 * The seed's way of making load: a curl loop in the client pod, over exec. Closed model: each of
 * `concurrency` loops runs in its own exec and sends the next request when the previous answered
 * (plus the think time). Every value the scenario supplies reaches the pod as a positional argument
 * of one fixed script (`sh -c '<script>' meshbench-load <url> <end> …`) — nothing is ever spliced
 * into shell text — and the whole loop runs under `timeout`, so a dropped exec connection (closing
 * the socket does not kill the remote process, client-node #2532) cannot leave it running; a stop
 * file ends it early on Ctrl-C.
 *
 * Each request prints one line: `MB1 <loop> <seq> <start ns> <curl exit> <http code> <time_total s> <body>`.
 * The start stamp is the pod's `date +%s%N` just before curl runs (a fork and exec away from the
 * request: about a millisecond), the duration is curl's own `time_total` (µs), so the exec
 * transport's delays never enter a latency.
 */
import { EnvironmentError } from '../../errors.js';
import type { Sample } from '../../model/sample.js';
import type { ClusterGateway } from '../gateway.js';
import { LineSplitter, parseHello, type LoadHandle, type SampleSink } from './load.js';

/**
 * The fixed loop. Arguments: $1 url, $2 duration (ns), $3 curl timeout (s), $4 think time (s),
 * $5 loop id, $6 stop file. It first prints `MB0 <loop> <start ns>` (the run origin is the first
 * loop's start, on the pod's clock), then one `MB1` line per request until its duration is over.
 */
export const CURL_LOOP_SCRIPT = [
  'url=$1 dur=$2 tmo=$3 think=$4 id=$5 stop=$6',
  "nl='",
  "'",
  's=$(date +%s%N)',
  'end=$((s + dur))',
  'printf \'MB0 %s %s\\n\' "$id" "$s"',
  'n=0',
  'while [ "$s" -lt "$end" ] && [ ! -e "$stop" ]; do',
  '  r=$(curl -s -g -m "$tmo" -o - -w \'\\n%{http_code} %{time_total}\' "$url" 2>/dev/null)',
  '  c=$?',
  '  b=${r%"$nl"*}',
  '  [ "$b" = "$r" ] && b=',
  '  b=${b%"$nl"}',
  '  m=${r##*"$nl"}',
  '  printf \'MB1 %s %s %s %s %s %s\\n\' "$id" "$n" "$s" "$c" "$m" "$b"',
  '  n=$((n+1))',
  '  [ "$think" = 0 ] || sleep "$think"',
  '  s=$(date +%s%N)',
  'done',
].join('\n');

/** `$0` of the script, so `ps` in the pod shows what it is. */
export const CURL_LOOP_NAME = 'meshbench-load';

/** The values one loop gets as arguments. */
export interface CurlLoopArgs {
  url: string;
  durationNs: bigint;
  timeoutS: string;
  thinkS: string;
  loopId: number;
  stopFile: string;
  /** `timeout`'s bound for the whole loop (s). */
  boundS: number;
}

/** The argv of one loop (an array: no shell parses it on the way in). */
export function curlLoopArgv(a: CurlLoopArgs): string[] {
  return ['timeout', String(a.boundS), 'sh', '-c', CURL_LOOP_SCRIPT, CURL_LOOP_NAME, a.url, a.durationNs.toString(), a.timeoutS, a.thinkS, String(a.loopId), a.stopFile];
}

/** Seconds as curl and sleep take them (`0.25`, `10`). */
export function secondsArg(ms: number): string {
  return ms <= 0 ? '0' : String(Math.round(ms) / 1000);
}

const LINE = /^MB1 (\d+) (\d+) (\d{1,20}) (\d+) (\d{3}) (\d+(?:\.\d+)?)(?: (.*))?$/;
const START = /^MB0 (\d+) (\d{1,20})$/;

/** The start stamp (epoch ns) of a loop's `MB0` line, else undefined. Pure. */
export function parseCurlStart(line: string): bigint | undefined {
  const m = START.exec(line);
  return m ? BigInt(m[2] as string) : undefined;
}

/** One parsed loop line, times in µs from `originNs`. Pure; undefined for any other line. */
export function parseCurlLine(line: string, originNs: bigint): Sample | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const startUs = Number((BigInt(m[3] as string) - originNs) / 1000n);
  const curlExit = Number(m[4]);
  const code = Number(m[5]);
  const s: Sample = { scheduledUs: startUs, startUs, endUs: startUs + Math.round(Number(m[6]) * 1e6), status: curlExit === 0 ? code : 0 };
  const hello = parseHello(m[7] ?? '');
  if (hello !== undefined) {
    s.version = hello.version;
    s.instance = hello.instance;
  }
  return s;
}

/** Where and how the loops run. */
export interface CurlLoadOptions {
  gateway: ClusterGateway;
  namespace: string;
  pod: string;
  container: string;
  url: string;
  durationMs: number;
  requestTimeoutMs: number;
  thinkTimeMs: number;
  concurrency: number;
  /** Hex/dash id of the run (names the stop file). */
  runId: string;
  onSample: SampleSink;
}

/** Starts `concurrency` loops; they stream their lines back through exec. */
export function startCurlLoad(o: CurlLoadOptions): LoadHandle {
  let originNs: bigint | undefined;
  const durationNs = BigInt(Math.round(o.durationMs * 1000)) * 1000n;
  const stopFile = `/tmp/meshbench-stop-${o.runId}`;
  const boundS = Math.ceil((o.durationMs + o.requestTimeoutMs + o.thinkTimeMs) / 1000) + 30;
  const notes: string[] = [];
  const sockets = new AbortController();
  let running = o.concurrency;
  let failure: Error | undefined;
  let unparsed = 0;
  let seen = 0;
  let stopped = false;
  for (let loop = 0; loop < o.concurrency; loop++) {
    const lines = new LineSplitter((line) => {
      const start = originNs === undefined ? parseCurlStart(line) : undefined;
      if (start !== undefined) originNs = start;
      const s = originNs !== undefined ? parseCurlLine(line, originNs) : undefined;
      if (s !== undefined) {
        seen++;
        o.onSample(s);
      } else if (line.startsWith('MB0 ')) return;
      else if (line.trim() !== '' && ++unparsed <= 3) notes.push(`curl loop ${loop}: unexpected output ${JSON.stringify(line.slice(0, 100))}`);
    });
    const argv = curlLoopArgv({ url: o.url, durationNs, timeoutS: secondsArg(o.requestTimeoutMs), thinkS: secondsArg(o.thinkTimeMs), loopId: loop, stopFile, boundS });
    o.gateway
      .exec({ namespace: o.namespace, pod: o.pod, container: o.container, argv, timeoutMs: boundS * 1000 + 30_000, onStdout: (t) => lines.push(t), signal: sockets.signal })
      .then(
        (r) => {
          lines.flush();
          if (r.exitCode !== 0 && !stopped) {
            const why = r.exitCode === 124 ? `hit its ${boundS} s time bound` : `exited with ${r.exitCode}: ${r.stderr.trim().split('\n')[0] ?? ''}`;
            failure ??= new EnvironmentError(`context '${o.gateway.context}': the curl loop ${loop} in ${o.namespace}/${o.pod} ${why}`, { code: 'KUBE_LOAD' });
          }
        },
        (err: unknown) => {
          if (!stopped) failure ??= err instanceof Error ? err : new Error(String(err));
        },
      )
      .finally(() => {
        running--;
      });
  }
  return {
    description: `curl loop ×${o.concurrency} in ${o.namespace}/${o.pod}`,
    originEpochMs: () => (originNs === undefined ? undefined : Number(originNs / 1000n) / 1000),
    async poll() {
      if (failure !== undefined) throw failure;
    },
    finished: () => running === 0,
    requestsSeen: () => seen,
    notes: () => (unparsed > 3 ? [...notes, `curl loops: ${unparsed} lines not understood in all`] : notes),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (running > 0) {
        // The stop file ends every loop after its current request; `timeout` bounds them anyway.
        await o.gateway
          .exec({ namespace: o.namespace, pod: o.pod, container: o.container, argv: ['touch', stopFile], timeoutMs: 10_000 })
          .catch(() => notes.push(`could not create the stop file ${stopFile}; the loops end by themselves within ${boundS} s`));
      }
      sockets.abort(new Error('load stopped'));
    },
  };
}
