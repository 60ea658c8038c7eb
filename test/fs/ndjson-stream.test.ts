import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { openImportSource } from '../../src/fs/import-source.js';
import { forEachLine, readHead, readWholeText } from '../../src/fs/ndjson-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-lines-'));

async function lines(path: string, opts: Parameters<typeof forEachLine>[2] = {}): Promise<Array<[number, string]>> {
  const out: Array<[number, string]> = [];
  await forEachLine(path, (l, n) => out.push([n, l]), opts);
  return out;
}

describe('forEachLine', () => {
  it('splits lines, keeps a last line without newline, keeps \\r for the parser', async () => {
    const f = join(dir, 'a.txt');
    writeFileSync(f, 'one\r\ntwo\n\nthree');
    expect(await lines(f)).toEqual([
      [1, 'one\r'],
      [2, 'two'],
      [3, ''],
      [4, 'three'],
    ]);
  });

  it('decodes multi-byte characters split across 1 MiB chunks and reports bytes read', async () => {
    const f = join(dir, 'b.txt');
    const filler = 'x'.repeat((1 << 20) - 1);
    writeFileSync(f, `${filler}é\nünïcode\n`);
    const seen: number[] = [];
    const got = await lines(f, { onBytes: (n) => seen.push(n) });
    expect(got).toEqual([
      [1, `${filler}é`],
      [2, 'ünïcode'],
    ]);
    expect(seen.at(-1)).toBe(Buffer.byteLength(`${filler}é\nünïcode\n`));
  });

  it('inflates gzip recognised by its magic bytes', async () => {
    const f = join(dir, 'c.bin');
    writeFileSync(f, gzipSync('{"a":1}\n{"b":2}\n'));
    expect(await lines(f)).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
    expect(await readHead(f, 5)).toBe('{"a":');
    expect(await readWholeText(f, 100)).toBe('{"a":1}\n{"b":2}\n');
    expect(await readWholeText(f, 3)).toBeNull();
  });

  it('cuts an over-long line and carries on with the next', async () => {
    const f = join(dir, 'd.txt');
    writeFileSync(f, `short\n${'y'.repeat(5000)}\nafter\n`);
    const got = await lines(f, { maxLineChars: 100 });
    expect(got.map(([n, l]) => [n, l.length])).toEqual([
      [1, 5],
      [2, 100],
      [3, 5],
    ]);
  });

  it('stops and rethrows when a callback throws', async () => {
    const f = join(dir, 'e.txt');
    writeFileSync(f, 'a\nb\nc\n');
    let calls = 0;
    await expect(
      forEachLine(f, () => {
        calls++;
        throw new Error('stop here');
      }),
    ).rejects.toThrow('stop here');
    expect(calls).toBe(1);
  });
});

describe('openImportSource', () => {
  it('missing file and directory are input errors (exit 3); damaged gzip too', async () => {
    await expect(openImportSource('nope.ndjson', dir)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(openImportSource('.', dir)).rejects.toBeInstanceOf(InvalidInputError);
    const f = join(dir, 'bad.gz');
    writeFileSync(f, Buffer.concat([gzipSync('x'.repeat(1000)).subarray(0, 12), Buffer.from('garbage-garbage')]));
    const source = await openImportSource('bad.gz', dir);
    await expect(source.forEachLine(() => undefined)).rejects.toBeInstanceOf(InvalidInputError);
  });
});
