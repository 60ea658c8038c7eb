/**
 * RFC 3339 timestamps as Go's `time.Time` marshals them (k6 `data.time`, fortio `StartTime`):
 * `2026-08-21T10:15:31.520568052Z` or `…+02:00`, 0–9 fractional digits. Parsed with character
 * arithmetic instead of `Date` (which keeps only milliseconds and is slow per line).
 */

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Calendar date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Digits at [from, from + n) as a number, or −1 when any is not a digit. */
function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** A parsed instant: whole seconds since the epoch and nanoseconds within the second. */
export interface Instant {
  epochS: number;
  nanos: number;
}

/**
 * Parses an RFC 3339 timestamp with an optional fraction (up to 9 digits; more are truncated) and
 * a `Z` or `±hh:mm` offset. Returns null when the text is not such a timestamp.
 * @example parseRfc3339('2026-08-21T10:15:31.520568052Z') // { epochS: 1787307331, nanos: 520568052 }
 */
export function parseRfc3339(s: string): Instant | null {
  if (s.length < 20) return null;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return null;
  if (s[4] !== '-' || s[7] !== '-' || (s[10] !== 'T' && s[10] !== 't' && s[10] !== ' ') || s[13] !== ':' || s[16] !== ':') return null;
  let i = 19;
  let nanos = 0;
  if (s[i] === '.') {
    i++;
    let scale = 100_000_000;
    const start = i;
    while (i < s.length) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      nanos += c * scale;
      scale = Math.floor(scale / 10);
      i++;
    }
    if (i === start) return null;
  }
  let offsetS = 0;
  const z = s[i];
  if (z === 'Z' || z === 'z') {
    i++;
  } else if (z === '+' || z === '-') {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || om < 0 || s[i + 3] !== ':') return null;
    offsetS = (z === '+' ? 1 : -1) * (oh * 3600 + om * 60);
    i += 6;
  } else {
    return null;
  }
  if (i !== s.length) return null;
  const epochS = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetS;
  return { epochS, nanos };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats an instant (µs since the epoch) as an ISO 8601 UTC timestamp with milliseconds,
 * the format of `Result.startedAt`.
 * @example formatIsoUs(1787307331520568) // '2026-08-21T10:15:31.520Z'
 */
export function formatIsoUs(epochUs: number): string {
  const totalMs = Math.floor(epochUs / 1000);
  const days = Math.floor(totalMs / 86_400_000);
  const msOfDay = totalMs - days * 86_400_000;
  const { year, month, day } = civilFromDays(days);
  const h = Math.floor(msOfDay / 3_600_000);
  const m = Math.floor((msOfDay % 3_600_000) / 60_000);
  const sec = Math.floor((msOfDay % 60_000) / 1000);
  const ms = msOfDay % 1000;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}.${pad(ms, 3)}Z`;
}
