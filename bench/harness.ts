/**
 * Benchmark harness: every figure is the median of several repetitions and is reported beside a
 * baseline measured in the same process, in the same run (these machines are noisy; absolute
 * times do not compare across runs, ratios do).
 */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  /** Human target, e.g. `≥ 1,000,000 req/s and ratio ≥ 0.25` (table only). */
  target: string;
  ok: boolean;
  /** What the baseline is (table only). */
  baselineIs: string;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Runs `fn` `reps` times after `warmup` untimed runs; returns each run's wall time in ms. */
export function timeRuns(reps: number, fn: () => void, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function timeRunsAsync(reps: number, fn: () => Promise<void>, warmup = 0): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export function formatValue(v: number, unit: string): string {
  if (unit === 'ratio') return v.toFixed(2);
  if (Math.abs(v) >= 1000) return `${Math.round(v).toLocaleString('en-US')} ${unit}`;
  return `${Number(v.toPrecision(3))} ${unit}`;
}
