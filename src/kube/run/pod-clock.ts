/**
 * Which clock a pod can read, and how finely. The seed read `date +%s%N` everywhere, but the sleep
 * image `curlimages/curl` is Alpine: busybox built without FEATURE_DATE_NANO (busybox
 * `coreutils/date.c`: `%N` is only expanded under ENABLE_FEATURE_DATE_NANO) on musl, whose
 * `strftime` has no `%N` either — so `date +%s%N` prints `1796167800%N`, and so does Debian's
 * busybox. What a pod may offer instead, best first:
 *
 * - `curl-time`: curl ≥ 8.16's write-out `%time{%s.%f}` — the current UTC time, `%f` being the
 *   microseconds of the second, a curl-only code (curl `docs/cmdline-opts/write-out.md`,
 *   "TIME OUTPUT FORMAT"; "Added in 8.16.0"). The pinned sleep image `curlimages/curl:8.16.0`
 *   has it. In the curl loop the stamp is the request's own curl at its end, so a request's start is
 *   that minus curl's `time_total`: µs, with no fork between the stamp and the request.
 * - `date-ns`: GNU coreutils `date +%s%N` (Debian/Ubuntu images), ns; a fork away from the request.
 * - `uptime`: `/proc/uptime`, which the kernel prints in centiseconds (`fs/proc/uptime.c`: `%lu.%02lu`).
 *   Not epoch time, but one monotonic clock shared by everything in the pod, which is all the curl
 *   loop needs: its stamps and the clock sync use the same clock. 10 ms.
 * - `date-s`: `date +%s` — whole seconds. Only alignment to a second can be had; the run says so.
 */
import type { ClusterGateway } from '../gateway.js';

export type PodClockKind = 'curl-time' | 'date-ns' | 'uptime' | 'date-s';

/** How one pod clock is read and what it gives. */
export interface PodClock {
  kind: PodClockKind;
  /** The command that prints the clock once. */
  argv: readonly string[];
  /** Resolution of one reading (ms). */
  resolutionMs: number;
  /** ns per unit of the integer stamps the curl loop prints with this clock. */
  stampUnitNs: bigint;
  /** True when readings are epoch time (k6's point times are; `/proc/uptime` is not). */
  epoch: boolean;
  /** The reading in ns of this clock, or undefined when the output is not one. */
  parse(text: string): bigint | undefined;
  /** For messages: `curl %time{} (µs)`. */
  label: string;
}

/** Seconds with a fraction of up to `digits` digits → ns; the fraction is padded on the right. */
function fractionalNs(text: string, intPattern: string, digits: number): bigint | undefined {
  const m = new RegExp(`^(${intPattern})\\.(\\d{1,${digits}})$`).exec(text.trim().split(/\s+/)[0] ?? '');
  if (!m) return undefined;
  return BigInt(m[1] as string) * 1_000_000_000n + BigInt((m[2] as string).padEnd(9, '0'));
}

export const POD_CLOCKS: Record<PodClockKind, PodClock> = {
  'curl-time': {
    kind: 'curl-time',
    stampUnitNs: 1000n,
    argv: ['curl', '-s', '-o', '/dev/null', '-w', '%time{%s.%f}', 'file:///dev/null'],
    resolutionMs: 0.001,
    epoch: true,
    // `%f` is µs of the second; curl prints it zero-padded to six digits (tool_writeout.c), but a
    // shorter field would only be a shorter number, so it is taken as µs whatever its width.
    parse: (t) => {
      const m = /^(\d{9,11})\.(\d{1,6})$/.exec(t.trim());
      return m ? BigInt(m[1] as string) * 1_000_000_000n + BigInt(m[2] as string) * 1000n : undefined;
    },
    label: 'curl %time{} (µs)',
  },
  'date-ns': {
    kind: 'date-ns',
    stampUnitNs: 1n,
    argv: ['date', '+%s%N'],
    resolutionMs: 0.000001,
    epoch: true,
    parse: (t) => (/^\d{16,20}$/.test(t.trim()) ? BigInt(t.trim()) : undefined),
    label: 'date +%s%N (ns)',
  },
  uptime: {
    kind: 'uptime',
    stampUnitNs: 10_000_000n,
    argv: ['cat', '/proc/uptime'],
    resolutionMs: 10,
    epoch: false,
    parse: (t) => fractionalNs(t, '\\d{1,12}', 2),
    label: '/proc/uptime (10 ms)',
  },
  'date-s': {
    kind: 'date-s',
    stampUnitNs: 1_000_000_000n,
    argv: ['date', '+%s'],
    resolutionMs: 1000,
    epoch: true,
    parse: (t) => (/^\d{9,11}$/.test(t.trim()) ? BigInt(t.trim()) * 1_000_000_000n : undefined),
    label: 'date +%s (whole seconds)',
  },
};

/** Best first. The curl loop can use any; k6's point times need an epoch clock. */
export const CLOCK_PREFERENCE: readonly PodClockKind[] = ['curl-time', 'date-ns', 'uptime', 'date-s'];

/** The clocks a container offers, found by reading each once. */
export type PodClockCapabilities = ReadonlySet<PodClockKind>;

/** The container a probe runs in. */
export interface ClockTarget {
  gateway: ClusterGateway;
  namespace: string;
  pod: string;
  container: string;
}

/** Per-exec bound of a probe (a clock read answers in milliseconds). */
export const PROBE_TIMEOUT_MS = 20_000;

/** Reads every clock once; a clock whose command fails or prints something else is not offered. */
export async function detectPodClocks(target: ClockTarget, signal?: AbortSignal): Promise<PodClockCapabilities> {
  const found = new Set<PodClockKind>();
  for (const kind of CLOCK_PREFERENCE) {
    const c = POD_CLOCKS[kind];
    // A clock the image lacks is an exit code (127, or -1 when the runtime says "executable file
    // not found"), not an error; a dead connection or an interrupt is, and propagates.
    const r = await target.gateway.exec({ namespace: target.namespace, pod: target.pod, container: target.container, argv: c.argv, timeoutMs: PROBE_TIMEOUT_MS, ...(signal !== undefined ? { signal } : {}) });
    if (r.exitCode === 0 && c.parse(r.stdout) !== undefined) found.add(kind);
  }
  return found;
}

/** The best clock offered for the load: any for curl, an epoch clock for k6; undefined when none. */
export function chooseClock(caps: PodClockCapabilities, needEpoch: boolean): PodClock | undefined {
  const kind = CLOCK_PREFERENCE.find((k) => caps.has(k) && (!needEpoch || POD_CLOCKS[k].epoch));
  return kind !== undefined ? POD_CLOCKS[kind] : undefined;
}
