import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';

/**
 * The filesystem operations the result store needs, as an object so tests can inject a failure
 * at any step (a write that dies half-way, a rename that fails) and check what is left behind.
 */

/** A file opened for writing. */
export interface WritableFile {
  write(text: string): Promise<void>;
  /** fsync: the bytes are on disk before the rename publishes the file. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Every filesystem call the store makes. */
export interface ResultStoreFs {
  /** `mkdir -p`. */
  mkdir(dir: string): Promise<void>;
  /** Creates a new file (fails if it exists), mode 0644. */
  openForWrite(path: string): Promise<WritableFile>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** fsync of a directory, so a rename inside it survives a crash. May reject where unsupported. */
  syncDir(dir: string): Promise<void>;
  /**
   * Reads a regular file of at most `maxBytes` (untrusted results folders): anything else fails
   * with code ENOTREG (a FIFO, a device: never opened for reading, so never blocks) or EFBIG.
   */
  readFile(path: string, maxBytes: number): Promise<string>;
  /** Names in `dir` (readFile refuses the ones that are not regular files). */
  readdir(dir: string): Promise<string[]>;
  isFile(path: string): Promise<boolean>;
}

/** The real filesystem (node:fs/promises). */
export const nodeResultStoreFs: ResultStoreFs = {
  async mkdir(dir) {
    await mkdir(dir, { recursive: true });
  },
  async openForWrite(path) {
    const handle = await open(path, 'wx', 0o644);
    return {
      async write(text) {
        await handle.writeFile(text, 'utf8');
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  async syncDir(dir) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async readFile(path, maxBytes) {
    // stat first: opening a FIFO for reading blocks until a writer comes.
    const st = await stat(path);
    if (!st.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTREG' });
    if (st.size > maxBytes) throw Object.assign(new Error(`${path} is ${st.size} bytes`), { code: 'EFBIG', size: st.size });
    const handle = await open(path, 'r');
    try {
      // Read at most maxBytes + 1 whatever the file grew to since the stat.
      const buf = Buffer.alloc(Math.min(maxBytes + 1, st.size + 1));
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      if (bytesRead > maxBytes) throw Object.assign(new Error(`${path} grew past ${maxBytes} bytes`), { code: 'EFBIG', size: bytesRead });
      return buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  },
  readdir: (dir) => readdir(dir),
  async isFile(path) {
    try {
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  },
};
