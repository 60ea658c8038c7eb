/**
 * The seed's way of making load: a curl loop in the client pod, over exec. Closed model: each of
 * `concurrency` loops runs in its own exec and sends the next request when the previous answered
 * (plus the think time). Every value the scenario supplies reaches the pod as a positional argument
 * of one fixed script (`sh -c '<script>' meshbench-load <url> <end> …`) — nothing is ever spliced
 * into shell text — and the whole loop runs under `timeout`, so a dropped exec connection (closing
 * the socket does not kill the remote process, client-node #2532) cannot leave it running; a stop
 * file ends it early on Ctrl-C. Every line also goes into a file in the pod, so a loop whose exec
 * stream was cut is read back from there once it must have ended (curl-recover.ts).
 *
 * Each request prints one line: `MB1 <loop> <seq> <start ns> <curl exit> <http code> <time_total s> <body>`.
 * The start stamp is the pod's `date +%s%N` just before curl runs (a fork and exec away from the
 * request: about a millisecond), the duration is curl's own `time_total` (µs), so the exec
 * transport's delays never enter a latency.
 */
import type { Clock } from '../../app/ports.js';
import { EnvironmentError, ToolError } from '../../errors.js';
import type { Sample } from '../../model/sample.js';
import { ExecError } from '../errors.js';
import type { ClusterGateway } from '../gateway.js';
import { curlLoopOutFile, copyOutChecked } from './curl-recover.js';
import { isDeadlineError } from './deadline.js';
import { LineSplitter, parseHello, type LoadHandle, type SampleSink } from './load.js';
import type { PodClock } from './pod-clock.js';

/**
 * The fixed loop. Arguments: $1 url, $2 duration (in clock units), $3 curl timeout (s), $4 think
 * time (s), $5 loop id, $6 stop file, $7 the pod clock (`curl-time`, `date-ns`, `uptime`,
 * `date-s`: pod-clock.ts), $8 the file the lines also go to. It first prints `MB0 <loop> <stamp>` (the run origin is the first
 * loop's start), then one `MB1` line per request until its duration is over, then
 * `MB2 <loop> <requests sent>` so the driver can tell a complete stream from a cut one.
 *
 * Each line is appended to `$8` (the loop's file, curl-recover.ts) before it is printed, with
 * builtins only (`printf … >> "$f"`: no fork per request in busybox ash or dash), and SIGPIPE is
 * ignored so a broken stdout cannot end the loop. A loop ended by the stop file removes its file
 * (nothing will read it); otherwise the driver removes it after reading the stream or the file.
 *
 * Stamps are integers in the clock's unit: µs for `curl-time`, ns for `date-ns`, cs for `uptime`,
 * s for `date-s`. With `curl-time` an `MB1` stamp is the request's own curl at its end (write-out
 * `%time{%s.%f}`, curl ≥ 8.16), otherwise the reading just before curl ran.
 */
export const CURL_LOOP_SCRIPT = [
  'url=$1 dur=$2 tmo=$3 think=$4 id=$5 stop=$6 clk=$7 f=$8',
  "trap '' PIPE",
  'say() { printf "$@" >> "$f"; printf "$@"; }',
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
  'say \'MB0 %s %s\\n\' "$id" "$s"',
  'n=0',
  'while [ "$s" -lt "$end" ] && [ ! -e "$stop" ]; do',
  '  r=$(curl -s -g -m "$tmo" -o - -w "$w" "$url" 2>/dev/null)',
  '  c=$?',
  '  b=${r%"$nl"*}',
  '  [ "$b" = "$r" ] && b=',
  '  b=${b%"$nl"}',
  '  m=${r##*"$nl"}',
  '  if [ "$clk" = curl-time ]; then us "${m##* }"; m=${m% *}; fi',
  '  say \'MB1 %s %s %s %s %s %s\\n\' "$id" "$n" "$s" "$c" "$m" "$b"',
  '  n=$((n+1))',
  '  [ "$think" = 0 ] || sleep "$think"',
  '  [ "$clk" = curl-time ] && [ "$think" = 0 ] || stamp',
  'done',
  'say \'MB2 %s %s\\n\' "$id" "$n"',
  'if [ -e "$stop" ]; then rm -f "$f"; fi',
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
  /** The file the loop appends its lines to (curl-recover.ts). */
  outFile: string;
  /** `timeout`'s bound for the whole loop (s). */
  boundS: number;
  /** The pod clock the loop stamps with (found by detectPodClocks). */
  clock: PodClock;
}

/** The argv of one loop (an array: no shell parses it on the way in). */
export function curlLoopArgv(a: CurlLoopArgs): string[] {
  const unit = a.clock.stampUnitNs;
  const duration = (a.durationNs + unit - 1n) / unit;
  return ['timeout', String(a.boundS), 'sh', '-c', CURL_LOOP_SCRIPT, CURL_LOOP_NAME, a.url, duration.toString(), a.timeoutS, a.thinkS, String(a.loopId), a.stopFile, a.clock.kind, a.outFile];
}

/** Seconds as curl and sleep take them (`0.25`, `10`). */
export function secondsArg(ms: number): string {
  return ms <= 0 ? '0' : String(Math.round(ms) / 1000);
}

const LINE = /^MB1 (\d+) (\d+) (\d{1,20}) (\d+) (\d{3}) (\d+(?:\.\d+)?)(?: (.*))?$/;
const START = /^MB0 (\d+) (\d{1,20})$/;
const END = /^MB2 (\d+) (\d+)$/;
const KEY = /^MB1 (\d+) (\d+) /;

/** Loop id and sequence number of an `MB1` line (what de-duplicates a stream and its file), else undefined. Pure. */
export function curlLineKey(line: string): { loop: number; seq: number } | undefined {
  const m = KEY.exec(line);
  return m ? { loop: Number(m[1]), seq: Number(m[2]) } : undefined;
}

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
  /** Hex/dash id of the run (names the stop file and the loops' files). */
  runId: string;
  /** The pod clock of the run's clock sync (the loops stamp with it). */
  clock: PodClock;
  /** The driver's clock: when a cut loop must have ended, so its file can be read. */
  driverClock: Pick<Clock, 'now'>;
  onSample: SampleSink;
}

/** What the loops of one trial run: each loop's argv and file, the stop file and the time bound (s). */
export interface CurlLoopPlan {
  argvs: string[][];
  outFiles: string[];
  stopFile: string;
  boundS: number;
}

/** The exact command lines of a trial's loops (also what `run --dry-run=client` prints). */
export function curlLoopPlan(o: Pick<CurlLoadOptions, 'url' | 'durationMs' | 'requestTimeoutMs' | 'thinkTimeMs' | 'concurrency' | 'runId' | 'clock'>): CurlLoopPlan {
  const durationNs = BigInt(Math.round(o.durationMs * 1000)) * 1000n;
  const stopFile = `/tmp/meshbench-stop-${o.runId}`;
  const boundS = Math.ceil((o.durationMs + o.requestTimeoutMs + o.thinkTimeMs) / 1000) + 30;
  const outFiles = [...Array(o.concurrency).keys()].map((loop) => curlLoopOutFile(o.runId, loop));
  const argvs = outFiles.map((outFile, loopId) =>
    curlLoopArgv({ url: o.url, durationNs, timeoutS: secondsArg(o.requestTimeoutMs), thinkS: secondsArg(o.thinkTimeMs), loopId, stopFile, outFile, boundS, clock: o.clock }),
  );
  return { argvs, outFiles, stopFile, boundS };
}

/** Slack past a loop's own end (its last stamp, the start of its exec) before its file is read. */
const LOOP_END_SLACK_MS = 2000;

/** A loop's state: its stream is open, it was cut and waits for its file, or it is over. */
type LoopState = { kind: 'streaming' } | { kind: 'cut'; readAtMs: number[]; why: string } | { kind: 'done' };

/** Starts `concurrency` loops; they stream their lines back through exec, and a cut loop is read back from its file. */
export function startCurlLoad(o: CurlLoadOptions): LoadHandle {
  let originNs: bigint | undefined;
  const { argvs, outFiles, stopFile, boundS } = curlLoopPlan(o);
  const notes: string[] = [];
  const sockets = new AbortController();
  const target = { gateway: o.gateway, namespace: o.namespace, pod: o.pod, container: o.container };
  let failure: Error | undefined;
  let unparsed = 0;
  let seen = 0;
  let stopped = false;
  let cleaned = false;
  // Requests each loop said it sent (its MB2 line): a loop without one was cut short.
  const sentBy = new Map<number, number>();
  // The sequence numbers that arrived, per loop: a line read again from the file counts once.
  const seqsBy = new Map<number, Set<number>>();
  // Why a cut loop's file could not make it whole.
  const lost = new Map<number, string>();
  const states: LoopState[] = argvs.map(() => ({ kind: 'streaming' }));
  const onLine = (loop: number, line: string) => {
    const start = originNs === undefined ? parseCurlStart(line, o.clock) : undefined;
    if (start !== undefined) originNs = start;
    const key = curlLineKey(line);
    if (key !== undefined) {
      const seqs = seqsBy.get(loop) ?? new Set<number>();
      seqsBy.set(loop, seqs);
      if (seqs.has(key.seq)) return;
      const s = originNs !== undefined ? parseCurlLine(line, originNs, o.clock) : undefined;
      if (s !== undefined) {
        seqs.add(key.seq);
        seen++;
        o.onSample(s);
        return;
      }
    }
    const end = parseCurlEnd(line);
    if (end !== undefined) sentBy.set(loop, end.sent);
    else if (line.startsWith('MB0 ')) return;
    else if (line.trim() !== '' && ++unparsed <= 3) notes.push(`curl loop ${loop}: unexpected output ${JSON.stringify(line.slice(0, 100))}`);
  };
  argvs.forEach((argv, loop) => {
    const lines = new LineSplitter((line) => onLine(loop, line));
    const startedAtMs = o.driverClock.now();
    const cut = (why: string) => {
      if (originNs === undefined) {
        // No loop's start has arrived: the timeline is placed on it, so the run cannot go on
        // (reading the file after the loop's end would put every action after the load).
        failure ??= new EnvironmentError(`context '${o.gateway.context}': the curl loop ${loop} in ${o.namespace}/${o.pod}: ${why} before its first line arrived`, { code: 'KUBE_LOAD' });
        states[loop] = { kind: 'done' };
        return;
      }
      // Its stream ended without MB2; the loop runs on to its end (or `timeout`'s): read its file
      // then, and once more at the bound if it had not finished.
      const endMs = startedAtMs + o.durationMs + o.requestTimeoutMs + o.thinkTimeMs + LOOP_END_SLACK_MS;
      states[loop] = { kind: 'cut', readAtMs: [endMs, Math.max(endMs, startedAtMs + boundS * 1000 + LOOP_END_SLACK_MS)], why };
    };
    o.gateway
      .exec({ ...target, argv, timeoutMs: boundS * 1000 + 30_000, onStdout: (t) => lines.push(t), signal: sockets.signal })
      .then(
        (r) => {
          lines.flush();
          if (stopped) return void (states[loop] = { kind: 'done' });
          if (r.exitCode !== 0) {
            const why = r.exitCode === 124 ? `hit its ${boundS} s time bound` : `exited with ${r.exitCode}: ${r.stderr.trim().split('\n')[0] ?? ''}`;
            failure ??= new EnvironmentError(`context '${o.gateway.context}': the curl loop ${loop} in ${o.namespace}/${o.pod} ${why}`, { code: 'KUBE_LOAD' });
            states[loop] = { kind: 'done' };
          } else if (!sentBy.has(loop)) cut('its output ended without its count');
          else states[loop] = { kind: 'done' };
        },
        (err: unknown) => {
          // A partial last line is not flushed: the file has it whole.
          if (stopped) return void (states[loop] = { kind: 'done' });
          // (The message quotes the whole script: only its reason is kept.)
          if (err instanceof ExecError) return cut(`its exec stream was cut (${/(the connection closed before the command finished|did not finish within \d+ s)/.exec(err.message)?.[1] ?? 'ended early'})`);
          failure ??= err instanceof Error ? err : new Error(String(err));
          states[loop] = { kind: 'done' };
        },
      );
  });
  const readBack = async (loop: number, state: Extract<LoopState, { kind: 'cut' }>): Promise<void> => {
    const last = state.readAtMs.length === 1;
    const got = await copyOutChecked({ ...target, signal: sockets.signal }, outFiles[loop] as string);
    if ('problem' in got) {
      lost.set(loop, got.problem);
      states[loop] = { kind: 'done' };
      return;
    }
    const finishedInFile = got.text.split('\n').some((l) => parseCurlEnd(l.replace(/\r$/, ''))?.loop === loop);
    if (!finishedInFile && !last) {
      state.readAtMs.shift(); // still running (a slow pod): once more at its bound
      return;
    }
    const before = seen;
    const lines = new LineSplitter((line) => onLine(loop, line));
    lines.push(got.text);
    lines.flush();
    notes.push(`curl loop ${loop}: ${state.why}; ${seen - before} request(s) read back from ${outFiles[loop] as string} in the pod`);
    states[loop] = { kind: 'done' };
  };
  const removeFiles = async (): Promise<void> => {
    cleaned = true;
    const r = await o.gateway.exec({ ...target, argv: ['rm', '-f', ...outFiles], timeoutMs: 10_000 }).catch((err: unknown) => {
      if (isDeadlineError(err) || !(err instanceof ToolError)) throw err;
      return undefined;
    });
    if (r?.exitCode !== 0) notes.push(`could not remove ${outFiles.join(' ')} in ${o.namespace}/${o.pod}; remove them by hand`);
  };
  return {
    description: `curl loop ×${o.concurrency} in ${o.namespace}/${o.pod}`,
    originEpochMs: () => (originNs === undefined ? undefined : Number(originNs / 1000n) / 1000),
    accounting() {
      const cut = [...Array(o.concurrency).keys()].filter((l) => !sentBy.has(l));
      const received = (l: number) => seqsBy.get(l)?.size ?? 0;
      const short = [...sentBy].filter(([l, n]) => received(l) !== n).map(([l, n]) => `loop ${l} sent ${n}, ${received(l)} arrived`);
      const sent = cut.length === 0 ? [...sentBy.values()].reduce((a, b) => a + b, 0) : undefined;
      const why = cut.filter((l) => lost.has(l)).map((l) => ` (loop ${l}: ${lost.get(l) ?? ''})`).join('');
      const problems = [...(cut.length > 0 ? [`curl loop${cut.length > 1 ? 's' : ''} ${cut.join(', ')} never reported what ${cut.length > 1 ? 'they' : 'it'} sent (output cut)${why}`] : []), ...short];
      return { received: seen, ...(sent !== undefined ? { sent } : {}), ...(problems.length > 0 ? { missing: problems.join('; ') } : {}) };
    },
    async poll() {
      if (failure !== undefined) throw failure;
      if (stopped) return;
      for (const [loop, state] of states.entries()) {
        if (state.kind === 'cut' && o.driverClock.now() >= (state.readAtMs[0] as number)) await readBack(loop, state);
      }
      if (!cleaned && states.every((st) => st.kind === 'done')) await removeFiles();
    },
    finished: () => cleaned || (stopped && states.every((st) => st.kind === 'done')),
    requestsSeen: () => seen,
    notes: () => (unparsed > 3 ? [...notes, `curl loops: ${unparsed} lines not understood in all`] : notes),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!cleaned) {
        // Any loop may still run in the pod (a cut or failed one runs on): the stop file ends each
        // after its current request, and each then removes its file; `timeout` bounds them anyway.
        await o.gateway
          .exec({ ...target, argv: ['touch', stopFile], timeoutMs: 10_000 })
          .catch(() => notes.push(`could not create the stop file ${stopFile}; the loops end by themselves within ${boundS} s`));
        // Nothing will read the files now; a loop still running recreates its own and removes it at its end.
        await removeFiles().catch(() => notes.push(`could not remove ${outFiles.join(' ')} in ${o.namespace}/${o.pod}; remove them by hand`));
      }
      sockets.abort(new Error('load stopped'));
    },
  };
}
