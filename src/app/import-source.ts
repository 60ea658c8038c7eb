/**
 * The port `importFiles` reads foreign result files through (implemented in
 * `fs/import-source.ts`). Gzip is the reader's business: every method sees decompressed text.
 */
export interface ImportSource {
  /** The file as the user named it (used in messages and stored in the result). */
  name: string;
  /** Size on disk in bytes (compressed size for .gz), for progress. */
  sizeBytes: number;
  /** The first `maxChars` characters, for format detection. */
  head(maxChars: number): Promise<string>;
  /**
   * Streams the file line by line with constant memory. `onLine` gets each line without its
   * newline and its 1-based number; `onBytes` the bytes read from disk so far.
   */
  forEachLine(onLine: (line: string, lineNo: number) => void, onBytes?: (bytesRead: number) => void): Promise<void>;
  /**
   * The whole text, for small whole-document formats (fortio JSON).
   * @throws InvalidInputError when the file is larger than `maxBytes`.
   */
  text(maxBytes: number): Promise<string>;
}
