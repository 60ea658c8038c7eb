/**
 * Number formatting for terminal output: counts with thousands separators, shares as percentages,
 * durations with their unit in every cell (a column may mix 430ms and 1.02s), p-values the way
 * papers print them. Pure and locale-independent (CI logs must not depend on the machine's locale).
 */

/** Rounds to `digits` significant digits. */
function significant(v: number, digits: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(digits));
}

/** A number with 3 significant digits below 100 and no decimals above, no exponent: 0.123, 3.20, 63.0, 430, 12,346. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '-∞' : 'n/a';
  const r = significant(Math.abs(v), 3);
  const sign = v < 0 && r !== 0 ? '-' : '';
  if (r >= 100) return sign + formatCount(Math.round(Math.abs(v)));
  if (r >= 10) return sign + r.toFixed(1);
  if (r >= 1) return sign + r.toFixed(2);
  if (r === 0) return '0';
  return sign + r.toFixed(Math.min(6, 2 - Math.floor(Math.log10(r))));
}

/** An integer count with thousands separators: 6,000. */
export function formatCount(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** A fraction as a percentage: 0 → 0%, 0.0052 → 0.52%, 0.665 → 66.5%, 1 → 100.0%. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  const abs = Math.abs(pct);
  return `${pct.toFixed(abs < 1 ? 2 : 1)}%`;
}

/**
 * A duration in ms with its unit and 3 significant digits: 0.850ms, 3.20ms, 430ms, 1.02s, 12.3s,
 * 2m05s, 1h02m.
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 0) return `-${formatMs(-ms)}`;
  if (significant(ms, 3) < 1000) return `${formatNumber(ms)}ms`;
  const s = ms / 1000;
  if (significant(s, 3) < 100) return `${formatNumber(s)}s`;
  const totalS = Math.round(s);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, '0')}s`;
  const totalM = Math.round(totalS / 60);
  return `${Math.floor(totalM / 60)}h${String(totalM % 60).padStart(2, '0')}m`;
}

/** A duration for prose and settings, trailing zeros dropped: 60s, 10ms, 1.5s, 2m05s. */
export function formatDuration(ms: number): string {
  const text = formatMs(ms);
  const m = /^(-?[\d,]+)\.(\d+)(ms|s)$/.exec(text);
  if (m === null) return text;
  const decimals = (m[2] as string).replace(/0+$/, '');
  return `${m[1]}${decimals === '' ? '' : `.${decimals}`}${m[3]}`;
}

/** A signed duration difference: +12.0ms, -1.20s, ±0. */
export function formatDeltaMs(deltaMs: number): string {
  if (deltaMs === 0) return '±0';
  return `${deltaMs > 0 ? '+' : '-'}${formatMs(Math.abs(deltaMs))}`;
}

/** A signed difference of two shares in percentage points: +1.2pp, -0.05pp, ±0. */
export function formatDeltaPp(deltaFraction: number): string {
  const pp = deltaFraction * 100;
  if (pp === 0) return '±0';
  const abs = Math.abs(pp);
  return `${pp > 0 ? '+' : '-'}${abs.toFixed(abs < 1 ? 2 : 1)}pp`;
}

/** A signed count difference: +12, -3, ±0. */
export function formatDeltaCount(delta: number): string {
  if (delta === 0) return '±0';
  const abs = Math.abs(delta);
  return `${delta > 0 ? '+' : '-'}${Number.isInteger(abs) ? formatCount(abs) : formatNumber(abs)}`;
}

/** A p-value: p<0.001, p=0.041, p=0.41, p=1. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'p=n/a';
  if (p < 0.001) return 'p<0.001';
  if (p >= 0.9995) return 'p=1';
  return p < 0.01 ? `p=${p.toFixed(3)}` : `p=${p.toFixed(2)}`;
}

/** A time-axis label: 0s, 10s, 1m, 1m30s, 1h. */
export function formatAxisTime(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return s % 3600 === 0 ? `${s / 3600}h` : `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** An ISO timestamp as `2026-11-23 21:45:00 UTC` (text only: the render layer never builds Dates). */
export function formatTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (m === null) return iso;
  return `${m[1]} ${m[2]} ${m[3] === 'Z' ? 'UTC' : m[3]}`;
}

/** A percentile as people write it: 50, 99, 99.9, 99.99. */
export function formatPercentile(p: number): string {
  return String(Number(p.toFixed(4)));
}
