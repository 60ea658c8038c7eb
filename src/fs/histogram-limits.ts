import { inflateSync } from 'node:zlib';
import type { Problem } from '../errors.js';
import type { Result } from '../model/result.js';

/**
 * Untrusted result files (issue 17): histograms are checked before anything decodes them. The V2
 * compressed encoding (HdrHistogram's `HistogramEncoding`, as hdr-histogram-js writes it) is an
 * int32 cookie 0x1c84930x, an int32 length and a zlib stream; the stream inflates to an int32 cookie,
 * int32 payload length, int32 normalizing offset, int32 significant digits, int64 lowest, int64
 * highest, int64 ratio, then ZigZag LEB128 counts. A crafted stream can inflate to hundreds of
 * megabytes, and a crafted `highest` makes the decoder allocate a counts array to match; both are
 * refused here from a few bytes of header and an inflate capped at `MAX_INFLATED_BYTES`.
 */

export const HISTOGRAM_LIMITS = {
  /** Histograms in one result (a result has one per version, phase and failover figure: dozens). */
  count: 4096,
  /** Base64 characters of one histogram (a full 1 µs … 1 h histogram is a few tens of KB). */
  encodedChars: 4 * 1024 * 1024,
  /** Bytes one histogram may inflate to (the full layout's counts take at most ~300 KB). */
  inflatedBytes: 1024 * 1024,
  /** Largest trackable value (µs) and significant digits: bounds the decoder's counts array. */
  highestValue: 2 ** 43,
  digits: 4,
} as const;

const V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
const V2_COOKIE_BASE = 0x1c849303;

/** Problems of the result's histograms (exit 3 when any), pointing at `histograms.<key>`. */
export function histogramProblems(result: Result, display: string): Problem[] {
  const keys = Object.keys(result.histograms);
  if (keys.length > HISTOGRAM_LIMITS.count) {
    return [{ file: display, path: 'histograms', message: `${keys.length} histograms, past the limit of ${HISTOGRAM_LIMITS.count}` }];
  }
  const out: Problem[] = [];
  for (const key of keys) {
    const message = checkEncoded(result.histograms[key] as string);
    if (message !== undefined) out.push({ file: display, path: `histograms.${key}`, message, hint: 'the file was not written by meshbench, or was changed; run the scenario again' });
  }
  return out;
}

function checkEncoded(encoded: string): string | undefined {
  if (encoded === '') return undefined;
  if (encoded.length > HISTOGRAM_LIMITS.encodedChars) return `encoded histogram of ${encoded.length} characters, past the limit of ${HISTOGRAM_LIMITS.encodedChars}`;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < 8 || (bytes.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE_BASE) return 'not a valid HdrHistogram encoding (no V2 compressed cookie)';
  const length = bytes.readInt32BE(4);
  if (length < 0 || 8 + length > bytes.length) return `compressed length ${length} runs past the ${bytes.length} bytes of the histogram`;
  let inflated: Buffer;
  try {
    inflated = inflateSync(bytes.subarray(8, 8 + length), { maxOutputLength: HISTOGRAM_LIMITS.inflatedBytes });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return `histogram inflates past ${HISTOGRAM_LIMITS.inflatedBytes / 1024 / 1024} MiB (a meshbench histogram takes under 300 KB)`;
    return `histogram does not inflate (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
  if (inflated.length < 40 || (inflated.readInt32BE(0) & ~0xf0) !== V2_COOKIE_BASE) return 'not a valid HdrHistogram encoding (no V2 header once inflated)';
  const payload = inflated.readInt32BE(4);
  const digits = inflated.readInt32BE(12);
  const lowest = Number(inflated.readBigInt64BE(16));
  const highest = Number(inflated.readBigInt64BE(24));
  if (payload < 0 || 40 + payload > inflated.length) return `counts payload of ${payload} bytes runs past the histogram`;
  if (digits < 1 || digits > HISTOGRAM_LIMITS.digits) return `${digits} significant digits (1 … ${HISTOGRAM_LIMITS.digits} are read)`;
  if (lowest < 1 || highest < 2 * lowest || highest > HISTOGRAM_LIMITS.highestValue) return `trackable range ${lowest} … ${highest} is outside 1 … 2^43`;
  return undefined;
}
