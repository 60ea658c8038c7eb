/**
 * A durable append-only journal of JSON lines: each `append` writes one line and fsyncs the file
 * before it returns, so a record is on disk before the change it describes is made (the kube run
 * journals every cluster change first; `meshbench restore` replays what a crash left). The file is
 * created with mode 0600 and its directory fsynced, so the file itself survives a crash too.
 *
 * This module knows nothing about the records: kube/run types and checks them.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EnvironmentError } from '../errors.js';

/** What was read back from a journal file. */
export interface JournalContents {
  /** Parsed records in file order. */
  records: unknown[];
  /** 1-based numbers of lines that did not parse (a line cut by a crash mid-write is the usual one). */
  damagedLines: number[];
  /** 1-based number of the last non-blank line (0 for an empty file). */
  lastLine: number;
}

/** A journal file. Methods are synchronous on purpose: a record must be on disk before the caller goes on. */
export interface JournalFile {
  /** Absolute path. */
  readonly path: string;
  /** True when the file exists and holds at least one record. */
  exists(): boolean;
  /** Appends one record as a JSON line and fsyncs. Creates the file (0600) on first use. */
  append(record: object): void;
  /** Reads every record; a missing file reads as empty. */
  read(): JournalContents;
  /** Removes the file (a missing file is fine) and fsyncs its directory. */
  clear(): void;
}

function fsError(path: string, what: string, err: unknown): EnvironmentError {
  const code = (err as { code?: string }).code ?? 'error';
  return new EnvironmentError(`cannot ${what} the journal ${path} (${code})`, {
    cause: err,
    code: 'JOURNAL',
    hint: 'Check that the directory exists and is writable, or choose another file with --journal.',
  });
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the file's own fsync still holds its bytes.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Parses journal text: one JSON object per non-blank line. Pure. */
export function parseJournalText(text: string): JournalContents {
  const records: unknown[] = [];
  const damagedLines: number[] = [];
  let lastLine = 0;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    lastLine = i + 1;
    try {
      const v: unknown = JSON.parse(line);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) records.push(v);
      else damagedLines.push(i + 1);
    } catch {
      damagedLines.push(i + 1);
    }
  });
  return { records, damagedLines, lastLine };
}

/**
 * The journal at `file` (relative to `cwd`). Nothing is touched until the first call.
 * @throws EnvironmentError (exit 4) from the methods when the file cannot be written or read.
 */
export function openJournal(file: string, cwd: string): JournalFile {
  const path = resolve(cwd, file);
  const readText = (): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw fsError(path, 'read', err);
    }
  };
  return {
    path,
    exists() {
      const text = readText();
      return text !== undefined && parseJournalText(text).records.length > 0;
    },
    append(record) {
      const line = `${JSON.stringify(record)}\n`;
      let fd: number | undefined;
      let created = false;
      try {
        mkdirSync(dirname(path), { recursive: true });
        try {
          fd = openSync(path, 'wx', 0o600);
          created = true;
        } catch (err) {
          if ((err as { code?: string }).code !== 'EEXIST') throw err;
          fd = openSync(path, 'a', 0o600);
        }
        writeSync(fd, line);
        fsyncSync(fd);
      } catch (err) {
        throw fsError(path, 'write', err);
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
      if (created) syncDir(dirname(path));
    },
    read() {
      const text = readText();
      return text === undefined ? { records: [], damagedLines: [], lastLine: 0 } : parseJournalText(text);
    },
    clear() {
      try {
        rmSync(path, { force: true });
      } catch (err) {
        throw fsError(path, 'remove', err);
      }
      syncDir(dirname(path));
    },
  };
}
