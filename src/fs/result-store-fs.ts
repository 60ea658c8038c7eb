import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';

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
  readFile(path: string): Promise<string>;
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
  readFile: (path) => readFile(path, 'utf8'),
  readdir: (dir) => readdir(dir),
  async isFile(path) {
    try {
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  },
};
