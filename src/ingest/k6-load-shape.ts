/**
 * Which load model a k6 run had, read from the requests themselves. k6's JSON output records no
 * executor (grafana/k6 `output/json`: metric samples with tags, nothing about the scenario's
 * executor), so an import has to infer it:
 * - `dropped_iterations` points exist only for arrival-rate executors (k6
 *   `lib/executor/constant_arrival_rate.go`, `ramping_arrival_rate.go`): open model, certain.
 * - An arrival-rate executor starts iterations on a fixed schedule, one every 1/rate, whatever the
 *   responses take; closed executors (`constant-vus`, `ramping-vus`, `per-vu-iterations`) start a
 *   VU's next iteration when its previous one ends, so their start gaps follow the response times.
 *   Evenly spaced starts while response times vary therefore mean an open model (an arrival-rate
 *   run that kept up and dropped nothing — the case that used to be called "closed").
 * - Anything else stays closed, said to be inferred: evenly spaced starts with equally even
 *   response times cannot tell a paced closed loop from an open one.
 * Only the first SAMPLE_SIZE requests are kept (bounded memory on multi-GB files).
 */
export const SAMPLE_SIZE = 4096;
/** Fewer requests than this and no inference is made. */
const MIN_REQUESTS = 20;
/** Share of start gaps that must sit on the median gap for "evenly spaced". */
const REGULAR_SHARE = 0.9;

export type K6LoadShape =
  | { kind: 'open-schedule'; ratePerS: number; gapUs: number }
  | { kind: 'irregular' }
  | { kind: 'ambiguous'; gapUs: number }
  | { kind: 'too-few'; requests: number };

export class K6StartSampler {
  private readonly startsUs: number[] = [];
  private readonly durationsUs: number[] = [];

  record(startUs: number, durationUs: number): void {
    if (this.startsUs.length >= SAMPLE_SIZE) return;
    this.startsUs.push(startUs);
    this.durationsUs.push(durationUs);
  }

  shape(): K6LoadShape {
    const n = this.startsUs.length;
    if (n < MIN_REQUESTS) return { kind: 'too-few', requests: n };
    const starts = [...this.startsUs].sort((a, b) => a - b);
    const gaps: number[] = [];
    for (let i = 1; i < n; i++) gaps.push(starts[i]! - starts[i - 1]!);
    const gapUs = median(gaps);
    if (gapUs <= 0) return { kind: 'irregular' };
    // k6 schedules in ns but a VU needs some µs to start the request: allow 10% or 0.5 ms.
    const tolUs = Math.max(500, 0.1 * gapUs);
    const onSchedule = gaps.filter((g) => Math.abs(g - gapUs) <= tolUs).length / gaps.length;
    if (onSchedule < REGULAR_SHARE) return { kind: 'irregular' };
    const d = median(this.durationsUs);
    const durationsEven = this.durationsUs.filter((x) => Math.abs(x - d) <= tolUs).length / n >= REGULAR_SHARE;
    if (durationsEven) return { kind: 'ambiguous', gapUs };
    return { kind: 'open-schedule', ratePerS: 1e6 / gapUs, gapUs };
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
