/**
 * A histogram's encoding whose compression waits until the text is read. A trial with 50 clients
 * finishes about 200 histograms; deflating them was most of what finishing cost (zlib, about 75 µs
 * each). Results are read once (written to a file, reported, or merged with other trials), so the
 * compression happens then, once per histogram, or never for a trial nobody reads.
 *
 * The uncompressed bytes are taken when the trial finishes: they are a copy, so the counts they
 * came from may be reused at once (pooled arrays, builders summed into). The text is byte for byte
 * what `encodeHdrCounts` gives.
 */
import { compressHdrPayload } from './hdr-encode.js';

export class DeferredEncoding {
  private payload: Uint8Array | undefined;
  private text: string | undefined;

  private constructor(payload: Uint8Array | undefined, text: string | undefined) {
    this.payload = payload;
    this.text = text;
  }

  /** An encoding of the uncompressed V2 bytes `payload` (hdr-encode.ts `hdrPayload`). */
  static ofPayload(payload: Uint8Array): DeferredEncoding {
    return new DeferredEncoding(payload, undefined);
  }

  /** An encoding already compressed. */
  static ofText(text: string): DeferredEncoding {
    return new DeferredEncoding(undefined, text);
  }

  /** Whether the text is made already (reading it costs nothing more). */
  get ready(): boolean {
    return this.text !== undefined;
  }

  /** The compressed base64 text, made on the first read. */
  get value(): string {
    if (this.text === undefined) {
      this.text = compressHdrPayload(this.payload!);
      this.payload = undefined;
    }
    return this.text;
  }
}

/**
 * Makes `target[key]` the encoding's text, compressed when the property is first read (then it is
 * a plain string property). The property keeps its place among the object's keys when it exists
 * already, so JSON output keeps its order. Reads that copy the object (spread, JSON, structured
 * clone) read it too, so every consumer sees a string.
 */
export function setEncoded(target: object, key: string, encoding: DeferredEncoding): void {
  if (encoding.ready) {
    (target as Record<string, unknown>)[key] = encoding.value;
    return;
  }
  // The accessor settles the object it is read from (`this`), not `target`: `copyDeferred` copies
  // the accessor itself, and a copy must become a string property of its own.
  const settle = (on: object, value: unknown): void => {
    Object.defineProperty(on, key, { value, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get(this: object): string {
      const text = encoding.value;
      settle(this, text);
      return text;
    },
    set(this: object, value: unknown): void {
      settle(this, value);
    },
  });
}

/**
 * A copy of `source` with `overrides` applied that keeps its encodings deferred: properties are
 * copied as they are (a deferred one stays a getter reading the same encoding) instead of read,
 * as a spread would.
 */
export function copyDeferred<T extends object>(source: T, overrides: Partial<T>): T {
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(source)) as T;
  return Object.assign(out, overrides);
}
