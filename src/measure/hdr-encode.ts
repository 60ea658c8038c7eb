/**
 * The HdrHistogram V2 compressed encoding of a counts array in the layout of `hdr-layout.ts`,
 * byte for byte what hdr-histogram-js 3.0 writes (`encodeIntoCompressedBase64` of a JsHistogram:
 * JsHistogram.encoding.js `doEncodeIntoCompressedBase64`, `encodeIntoByteBuffer`,
 * `fillBufferFromCountsArray`; ZigZagEncoding.js `encode`), written straight from our counts.
 *
 * Why not the library's path: it copies the counts into its own histogram index by index, scans
 * them again for its tracking values and writes the bytes one call at a time into a growing buffer,
 * about 0.1 ms per histogram, and a trial with 50 clients encodes about 200 of them. The bytes are
 * the library's: `test/measure/hdr-encode.test.ts` compares them with it on many shapes, and
 * decoding stays with the library.
 *
 * Layout (big-endian): the compressed cookie 0x1c849314, the compressed length, then zlib's
 * `deflateSync` (default options) of: the V2 cookie 0x1c849313, the payload length, 1, the
 * significant digits, the lowest discernible value and the highest trackable value (64-bit each),
 * 1 (64-bit), and the payload: each count up to the highest non-zero one as a ZigZag LEB128-64b9B
 * number, a run of two or more zero counts as minus its length. Base64 with padding.
 */
import { deflateSync } from 'node:zlib';
import { HDR_DIGITS, HDR_HIGHEST_US, HDR_LOWEST_US } from './hdr-layout.js';

const V2_COOKIE = 0x1c849303 | 0x10;
const V2_COMPRESSED_COOKIE = 0x1c849304 | 0x10;
/** Cookie, payload length, offset 1, digits (4 bytes each), lowest, highest, ratio 1 (8 bytes each). */
const HEADER_BYTES = 40;
/** LEB128-64b9B: at most 9 bytes per number. */
const MAX_WORD_BYTES = 9;
const TWO_POW_32 = 2 ** 32;
/** 2^(7k) for k = 0 … 8: byte k of a number holds floor(value / 2^(7k)). */
const POW7 = Array.from({ length: 9 }, (_, k) => 2 ** (7 * k));

/** Scratch for the uncompressed bytes, grown as needed (reused: one encoding at a time). */
let scratch = new Uint8Array(4096);

/**
 * Encodes `counts[0 … high]` (`high` = highest index with a non-zero count, −1 when none).
 * @throws RangeError for a negative or non-integer count, or one above 2^53 (not exact in a double).
 */
export function encodeHdrCounts(counts: Float64Array, high: number): string {
  // Written first: writing may replace `scratch` with a larger array.
  const length = writePayload(counts, high);
  return compressHdrPayload(scratch.subarray(0, length));
}

/**
 * The uncompressed V2 bytes of `counts[0 … high]` (a copy): what `compressHdrPayload` turns into
 * the encoding. Writing them is a pass over the counts; compressing them is most of an encoding's
 * cost, and can wait until the text is read (`DeferredEncoding`).
 * @throws RangeError as `encodeHdrCounts`.
 */
export function hdrPayload(counts: Float64Array, high: number): Uint8Array {
  const length = writePayload(counts, high);
  return scratch.slice(0, length);
}

/**
 * `hdrPayload` of counts whose non-zero indices are the set bits of `bits` (bit i of word i >> 5),
 * all within [low, high]: the same bytes, found word by word instead of count by count (a few
 * hundred values spread over thousands of indices).
 */
export function hdrPayloadSparse(counts: Float64Array, bits: Uint32Array, low: number, high: number): Uint8Array {
  // At most a zero run and a count per index in [low, high], and the zeros below low.
  const out = scratchFor(2 * (high - low + 2));
  let pos = HEADER_BYTES;
  let previous = -1;
  for (let w = low >>> 5; w <= high >>> 5; w++) {
    let word = bits[w]!;
    while (word !== 0) {
      const lowest = word & -word;
      word ^= lowest;
      const index = (w << 5) | (31 - Math.clz32(lowest));
      const zeros = index - previous - 1;
      if (zeros > 0) pos = putZeros(out, pos, zeros);
      pos = putZigZag(out, pos, counts[index]!);
      previous = index;
    }
  }
  putHeader(out, pos);
  return scratch.slice(0, pos);
}

/** Writes the uncompressed V2 bytes into `scratch`; returns their length. */
function writePayload(counts: Float64Array, high: number): number {
  // The library encodes at least index 0 (an empty histogram's tracked maximum is 0).
  const limit = Math.max(high + 1, 1);
  const out = scratchFor(limit);
  let pos = HEADER_BYTES;
  let i = 0;
  while (i < limit) {
    const count = i < counts.length ? counts[i]! : 0;
    i++;
    if (!(count >= 0 && count <= Number.MAX_SAFE_INTEGER && Math.floor(count) === count)) {
      throw new RangeError(`cannot encode a histogram count of ${count} at index ${i - 1}`);
    }
    if (count !== 0) {
      pos = putZigZag(out, pos, count);
      continue;
    }
    let zeros = 1;
    while (i < limit && (i < counts.length ? counts[i]! : 0) === 0) {
      zeros++;
      i++;
    }
    pos = putZeros(out, pos, zeros);
  }
  putHeader(out, pos);
  return pos;
}

/** `scratch`, grown to hold the header and `words` LEB128 numbers. */
function scratchFor(words: number): Uint8Array {
  const need = HEADER_BYTES + words * MAX_WORD_BYTES;
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  return scratch;
}

/** A run of `n` ≥ 1 zero counts as the library writes it: one as a count of 0, more as minus the run's length. */
function putZeros(out: Uint8Array, at: number, n: number): number {
  return putZigZag(out, at, n > 1 ? -n : 0);
}

/** The V2 header before a payload that ends at `end`. */
function putHeader(out: Uint8Array, end: number): void {
  putUint32(out, 0, V2_COOKIE);
  putUint32(out, 4, end - HEADER_BYTES);
  putUint32(out, 8, 1);
  putUint32(out, 12, HDR_DIGITS);
  putInt64(out, 16, HDR_LOWEST_US);
  putInt64(out, 24, HDR_HIGHEST_US);
  putInt64(out, 32, 1);
}

/** The compressed base64 encoding of uncompressed V2 bytes (`hdrPayload`). */
export function compressHdrPayload(payload: Uint8Array): string {
  const compressed = deflateSync(payload);
  // The library's target buffer starts 16 bytes long and grows to exactly what it holds, so a
  // compressed body under 8 bytes (never seen: zlib's header and checksum alone are 6) would leave
  // zero padding up to 16 bytes, which it encodes too.
  const total = Math.max(8 + compressed.length, 16);
  const target = Buffer.alloc(total);
  target.writeUInt32BE(V2_COMPRESSED_COOKIE, 0);
  target.writeUInt32BE(compressed.length, 4);
  compressed.copy(target, 8);
  return target.toString('base64');
}

/** ZigZag, then LEB128-64b9B (7 bits a byte, high bit = more follows; the 9th byte holds 8 bits). */
function putZigZag(out: Uint8Array, at: number, n: number): number {
  const value = n >= 0 ? n * 2 : -n * 2 - 1;
  let pos = at;
  for (let k = 0; k < 8; k++) {
    const part = Math.floor(value / POW7[k]!);
    if (value < POW7[k + 1]!) {
      out[pos++] = part;
      return pos;
    }
    out[pos++] = (part % 256) | 0x80;
  }
  out[pos++] = Math.floor(value / POW7[8]!) % 256;
  return pos;
}

function putUint32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function putInt64(out: Uint8Array, at: number, v: number): void {
  putUint32(out, at, Math.floor(v / TWO_POW_32) >>> 0);
  putUint32(out, at + 4, v >>> 0);
}
