import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/**
 * Reads a text file as lines with constant memory: 1 MiB chunks, split with `indexOf('\n')` on
 * the decoded chunk (no per-line stream machinery: `readline` costs an event per line). Gzip
 * (k6 writes `.gz` when the file name ends so) is recognised by its magic bytes and inflated on
 * the fly. Lines longer than `maxLineChars` are cut there and the rest of that line skipped, so
 * one giant line cannot exhaust memory.
 */

const CHUNK_BYTES = 1 << 20;
const GZIP_MAGIC = [0x1f, 0x8b];

/** Options of `forEachLine`. */
export interface LineReadOptions {
  /** Bytes read from disk so far (compressed bytes for gzip), after each chunk. */
  onBytes?: (bytesRead: number) => void;
  /** Default 16 Mi characters. */
  maxLineChars?: number;
}

/** True when the file starts with the gzip magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1];
  } finally {
    await fh.close();
  }
}

/** A readable of the file's decompressed bytes, and a counter of the bytes read from disk. */
async function openDecoded(path: string, onBytes?: (n: number) => void): Promise<{ stream: Readable; close: () => void }> {
  const gzip = await isGzipFile(path);
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  let read = 0;
  if (onBytes !== undefined) {
    raw.on('data', (chunk: Buffer | string) => {
      read += chunk.length;
      onBytes(read);
    });
  }
  if (!gzip) return { stream: raw, close: () => raw.destroy() };
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on('error', (err) => gunzip.destroy(err));
  raw.pipe(gunzip);
  return {
    stream: gunzip,
    close: () => {
      raw.destroy();
      gunzip.destroy();
    },
  };
}

/**
 * Calls `onLine(line, lineNo)` for every line (without `\n`; a trailing `\r` is kept for the
 * parser to trim). Errors thrown by the callbacks stop the read and propagate.
 * @returns the number of lines.
 */
export async function forEachLine(path: string, onLine: (line: string, lineNo: number) => void, opts: LineReadOptions = {}): Promise<number> {
  const maxLine = opts.maxLineChars ?? 16 * 1024 * 1024;
  let callbackError: unknown;
  const { stream, close } = await openDecoded(path, (n) => {
    if (callbackError !== undefined || opts.onBytes === undefined) return;
    try {
      opts.onBytes(n);
    } catch (err) {
      callbackError = err;
      close();
    }
  });
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let skipping = false;
  let lineNo = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (callbackError !== undefined) break;
      const text = rest === '' ? decoder.write(chunk) : rest + decoder.write(chunk);
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        lineNo++;
        if (skipping) skipping = false;
        else onLine(text.slice(start, nl - start > maxLine ? start + maxLine : nl), lineNo);
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      rest = text.slice(start);
      if (rest.length > maxLine) {
        // An over-long line: hand over its beginning (the parser will call it malformed), drop the rest.
        if (!skipping) onLine(rest.slice(0, maxLine), lineNo + 1);
        skipping = true;
        rest = '';
      }
    }
  } catch (err) {
    close();
    throw callbackError ?? err;
  }
  if (callbackError !== undefined) throw callbackError;
  rest += decoder.end();
  if (rest !== '' && !skipping) onLine(rest, ++lineNo);
  else if (skipping) lineNo++;
  return lineNo;
}

/** The first `maxChars` characters of the (decompressed) file. */
export async function readHead(path: string, maxChars: number): Promise<string> {
  const { stream, close } = await openDecoded(path);
  const decoder = new StringDecoder('utf8');
  let text = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += decoder.write(chunk);
      if (text.length >= maxChars) break;
    }
  } finally {
    close();
  }
  return text.slice(0, maxChars);
}

/** The whole (decompressed) text; null when it exceeds `maxBytes` decompressed bytes. */
export async function readWholeText(path: string, maxBytes: number): Promise<string | null> {
  const { stream, close } = await openDecoded(path);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) return null;
      chunks.push(chunk);
    }
  } finally {
    close();
  }
  return Buffer.concat(chunks).toString('utf8');
}
