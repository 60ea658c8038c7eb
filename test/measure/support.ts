import type { Sample } from '../../src/model/sample.js';

/** What a generated request looks like at scheduled time `sUs`. */
export interface Outcome {
  status: number;
  version?: string;
  cluster?: string;
  locality?: string;
  latencyUs?: number;
  lateUs?: number;
}

/**
 * Open-model samples at `ratePerS` for `durationS`, outcome decided by scheduled time; returned in
 * completion order (latency varies with the index so completion order ≠ scheduled order).
 */
export function openSamples(ratePerS: number, durationS: number, outcome: (sUs: number, i: number) => Outcome): Sample[] {
  const gapUs = 1e6 / ratePerS;
  const n = Math.round(durationS * ratePerS);
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const s = Math.round(i * gapUs);
    const o = outcome(s, i);
    const late = o.lateUs ?? 0;
    const latency = o.latencyUs ?? 3000 + (i % 7) * 15_000;
    const sample: Sample = { scheduledUs: s, startUs: s + late, endUs: s + late + latency, status: o.status };
    if (o.version !== undefined) sample.version = o.version;
    if (o.cluster !== undefined) sample.cluster = o.cluster;
    if (o.locality !== undefined) sample.locality = o.locality;
    out.push(sample);
  }
  return out.sort((a, b) => a.endUs - b.endUs || a.scheduledUs - b.scheduledUs);
}

/** Feeds samples through one reused object, as the simulator does. */
export function feed(record: (s: Sample) => void, samples: readonly Sample[]): void {
  const reused: Sample = { scheduledUs: 0, startUs: 0, endUs: 0, status: 0 };
  for (const s of samples) {
    reused.scheduledUs = s.scheduledUs;
    reused.startUs = s.startUs;
    reused.endUs = s.endUs;
    reused.status = s.status;
    reused.version = s.version;
    reused.cluster = s.cluster;
    reused.locality = s.locality;
    record(reused);
  }
}
