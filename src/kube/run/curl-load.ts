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
import type { PodClock } from './pod-clock.js';

/**
 * The fixed loop. Arguments: $1 url, $2 duration (in clock units), $3 curl timeout (s), $4 think
 * time (s), $5 loop id, $6 stop file, $7 the pod clock (`curl-time`, `date-ns`, `uptime`,
 * `date-s`: pod-clock.ts). It first prints `MB0 <loop> <stamp>` (the run origin is the first
 * loop's start), then one `MB1` line per request until its duration is over, then
 * `MB2 <loop> <requests sent>` so the driver can tell a complete stream from a cut one.
 *
 * Stamps are integers in the clock's unit: µs for `curl-time`, ns for `date-ns`, cs for `uptime`,
 * s for `date-s`. With `curl-time` an `MB1` stamp is the request's own curl at its end (write-out
 * `%time{%s.%f}`, curl ≥ 8.16), otherwise the reading just before curl ran.
 */
export const CURL_LOOP_SCRIPT = [
  'url=$1 dur=$2 tmo=$3 think=$4 id=$5 stop=$6 clk=$7',
  "nl='",
  "'",
  // A `%s.%f` reading → integer µs (`%f` zero-padded to 6 digits here, whatever curl printed).
  'us() { f=${1#*.}; while [ ${#f} -lt 6 ]; do f=0$f; done; s=${1%.*}$f; }',
  'stamp() {',
  '  case $clk in',
  "  curl-time) us \"$(curl -s -o /dev/null -w '%time{%s.%f}' file:///dev/null)\" ;;",
  '  date-ns) s=$(date +%s%N) ;;',
  '  uptime) read s x < /proc/uptime; s=${s%.*}${s#*.} ;;',
  '  *) s=$(date +%s) ;;',
  '  esac',
  '}',
  "w='\\n%{http_code} %{time_total}'",
  "[ \"$clk\" = curl-time ] && w='\\n%{http_code} %{time_total} %time{%s.%f}'",
  'stamp',
  'end=$((s + dur))',
  'printf \'MB0 %s %s\\n\' "$id" "$s"',
  'n=0',
  'while [ "$s" -lt "$end" ] && [ ! -e "$stop" ]; do',
  '  r=$(curl -s -g -m "$tmo" -o - -w "$w" "$url" 2>/dev/null)',
  '  c=$?',
  '  b=${r%"$nl"*}',
  '  [ "$b" = "$r" ] && b=',
  '  b=${b%"$nl"}',
  '  m=${r##*"$nl"}',
  '  if [ "$clk" = curl-time ]; then us "${m##* }"; m=${m% *}; fi',
  '  printf \'MB1 %s %s %s %s %s %s\\n\' "$id" "$n" "$s" "$c" "$m" "$b"',
  '  n=$((n+1))',
  '  [ "$think" = 0 ] || sleep "$think"',
  '  [ "$clk" = curl-time ] && [ "$think" = 0 ] || stamp',
  'done',
  'printf \'MB2 %s %s\\n\' "$id" "$n"',
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
  /** The pod clock the loop stamps with (found by detectPodClocks). */
  clock: PodClock;
}

/** The argv of one loop (an array: no shell parses it on the way in). */
export function curlLoopArgv(a: CurlLoopArgs): string[] {
  const unit = a.clock.stampUnitNs;
  const duration = (a.durationNs + unit - 1n) / unit;
  return ['timeout', String(a.boundS), 'sh', '-c', CURL_LOOP_SCRIPT, CURL_LOOP_NAME, a.url, duration.toString(), a.timeoutS, a.thinkS, String(a.loopId), a.stopFile, a.clock.kind];
}

/** Seconds as curl and sleep take them (`0.25`, `10`). */
export function secondsArg(ms: number): string {
  return ms <= 0 ? '0' : String(Math.round(ms) / 1000);
}

const LINE = /^MB1 (\d+) (\d+) (\d{1,20}) (\d+) (\d{3}) (\d+(?:\.\d+)?)(?: (.*))?$/;
const START = /^MB0 (\d+) (\d{1,20})$/;
const END = /^MB2 (\d+) (\d+)$/;

/** The start stamp (ns of the pod clock) of a loop's `MB0` line, else undefined. Pure. */
export function parseCurlStart(line: string, clock: PodClock): bigint | undefined {
  const m = START.exec(line);
  return m ? BigInt(m[2] as string) * clock.stampUnitNs : undefined;
}

/** Loop id and requests sent from a loop's closing `MB2` line, else undefined. Pure. */
export function parseCurlEnd(line: string): { loop: number; sent: number } | undefined {
  const m = END.exec(line);
  return m ? { loop: Number(m[1]), sent: Number(m[2]) } : undefined;
}

/**
 * One parsed loop line, times in µs from `originNs`. Pure; undefined for any other line. With
 * `curl-time` the stamp is curl's own at the request's end, so the start is it minus `time_total`.
 */
export function parseCurlLine(line: string, originNs: bigint, clock: PodClock): Sample | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const durationUs = Math.round(Number(m[6]) * 1e6);
  const stampUs = Number((BigInt(m[3] as string) * clock.stampUnitNs - originNs) / 1000n);
  const startUs = clock.kind === 'curl-time' ? stampUs - durationUs : stampUs;
  const curlExit = Number(m[4]);
  const code = Number(m[5]);
  const s: Sample = { scheduledUs: startUs, startUs, endUs: startUs + durationUs, status: curlExit === 0 ? code : 0 };
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
  /** The pod clock of the run's clock sync (the loops stamp with it). */
  clock: PodClock;
  onSample: SampleSink;
}

/** What the loops of one trial run: each loop's argv, the stop file and the time bound (s). */
export interface CurlLoopPlan {
  argvs: string[][];
  stopFile: string;
  boundS: number;
}

/** The exact command lines of a trial's loops (also what `run --dry-run=client` prints). */
export function curlLoopPlan(o: Pick<CurlLoadOptions, 'url' | 'durationMs' | 'requestTimeoutMs' | 'thinkTimeMs' | 'concurrency' | 'runId' | 'clock'>): CurlLoopPlan {
  const durationNs = BigInt(Math.round(o.durationMs * 1000)) * 1000n;
  const stopFile = `/tmp/meshbench-stop-${o.runId}`;
  const boundS = Math.ceil((o.durationMs + o.requestTimeoutMs + o.thinkTimeMs) / 1000) + 30;
  const argvs = [...Array(o.concurrency).keys()].map((loopId) =>
    curlLoopArgv({ url: o.url, durationNs, timeoutS: secondsArg(o.requestTimeoutMs), thinkS: secondsArg(o.thinkTimeMs), loopId, stopFile, boundS, clock: o.clock }),
  );
  return { argvs, stopFile, boundS };
}

/** Starts `concurrency` loops; they stream their lines back through exec. */
export function startCurlLoad(o: CurlLoadOptions): LoadHandle {
  let originNs: bigint | undefined;
  const { argvs, stopFile, boundS } = curlLoopPlan(o);
  const notes: string[] = [];
  const sockets = new AbortController();
  let running = o.concurrency;
  let failure: Error | undefined;
  let unparsed = 0;
  let seen = 0;
  let stopped = false;
  // Requests each loop said it sent (its MB2 line): a loop without one was cut short.
  const sentBy = new Map<number, number>();
  const receivedBy = new Map<number, number>();
  for (let loop = 0; loop < o.concurrency; loop++) {
    const lines = new LineSplitter((line) => {
      const start = originNs === undefined ? parseCurlStart(line, o.clock) : undefined;
      if (start !== undefined) originNs = start;
      const s = originNs !== undefined ? parseCurlLine(line, originNs, o.clock) : undefined;
      const end = s === undefined ? parseCurlEnd(line) : undefined;
      if (s !== undefined) {
        seen++;
        receivedBy.set(loop, (receivedBy.get(loop) ?? 0) + 1);
        o.onSample(s);
      } else if (end !== undefined) sentBy.set(loop, end.sent);
      else if (line.startsWith('MB0 ')) return;
      else if (line.trim() !== '' && ++unparsed <= 3) notes.push(`curl loop ${loop}: unexpected output ${JSON.stringify(line.slice(0, 100))}`);
    });
    const argv = argvs[loop] as string[];
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
    accounting() {
      const cut = [...Array(o.concurrency).keys()].filter((l) => !sentBy.has(l));
      const short = [...sentBy].filter(([l, n]) => (receivedBy.get(l) ?? 0) !== n).map(([l, n]) => `loop ${l} sent ${n}, ${receivedBy.get(l) ?? 0} arrived`);
      const sent = cut.length === 0 ? [...sentBy.values()].reduce((a, b) => a + b, 0) : undefined;
      const problems = [...(cut.length > 0 ? [`curl loop${cut.length > 1 ? 's' : ''} ${cut.join(', ')} never reported what ${cut.length > 1 ? 'they' : 'it'} sent (output cut)`] : []), ...short];
      return { received: seen, ...(sent !== undefined ? { sent } : {}), ...(problems.length > 0 ? { missing: problems.join('; ') } : {}) };
    },
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
