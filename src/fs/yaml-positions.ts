import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Problem } from '../errors.js';
import { formatPath, type DocProblem, type PathSeg } from '../model/validate-problems.js';

/**
 * YAML (and JSON, which is YAML) with source positions: parses every document of a file, keeps the
 * syntax trees so a field path such as `spec.timeline[1].at` maps back to line:col, and turns
 * syntax errors into problems at the parser's position.
 */

export interface YamlFile {
  /** Name used in messages (as the user named the file, or `builtin:<name>`). */
  display: string;
  /** One plain JS value per document, in file order (an empty document is null). */
  docs: unknown[];
  /** Syntax problems; when non-empty, `docs` must not be trusted. */
  syntax: Problem[];
  trees: Document[];
  lines: LineCounter;
}

/** Drops yaml's " at line L, column C:" suffix and the source excerpt: the position is printed separately. */
function cleanMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** Parses a file's text into documents with positions. Never throws. */
export function parseYamlFile(text: string, display: string): YamlFile {
  const lines = new LineCounter();
  const trees = parseAllDocuments(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: true });
  const syntax: Problem[] = [];
  const docs: unknown[] = [];
  for (const tree of trees) {
    for (const err of tree.errors) {
      const pos = err.linePos?.[0];
      const p: Problem = { file: display, path: '', message: `YAML syntax error: ${cleanMessage(err.message)}` };
      if (pos !== undefined) {
        p.line = pos.line;
        p.col = pos.col;
      }
      p.hint = err.code === 'DUPLICATE_KEY' ? 'each key may appear once in a mapping' : 'check indentation, quotes and brackets around this position';
      syntax.push(p);
    }
  }
  if (syntax.length === 0) {
    for (const tree of trees) {
      try {
        docs.push(tree.toJS({ maxAliasCount: 100 }));
      } catch (err) {
        syntax.push({ file: display, path: '', message: `YAML error: ${err instanceof Error ? err.message : String(err)}`, line: 1, col: 1 });
      }
    }
  }
  return { display, docs, syntax, trees, lines };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function startOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}

/** `key:` with nothing after it: yaml makes an empty null scalar at the end of the line; the key is the better spot. */
function isEmptyValue(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  const range = (node as { range?: [number, number, number] }).range;
  if (range === undefined) return true;
  return isScalar(node) && node.value === null && range[0] === range[1];
}

/**
 * Offset of the node a path points at: the value when it exists (its key with `at: 'key'`), else
 * the key of the deepest existing parent (a missing field is reported at the field that should hold it).
 */
export function locateOffset(tree: Document, path: readonly PathSeg[], at: 'key' | 'value' = 'value'): number {
  let node: unknown = tree.contents;
  let anchor: unknown = tree.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (pair === undefined) return startOf(anchor) ?? 0;
      anchor = pair.key;
      node = pair.value;
      if (isEmptyValue(node)) node = undefined;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) return startOf(anchor) ?? 0;
      anchor = item;
      node = item;
    } else {
      return startOf(anchor) ?? 0;
    }
  }
  if (at === 'key' || node === undefined) return startOf(anchor) ?? 0;
  return startOf(node as Node) ?? startOf(anchor) ?? 0;
}

/** 1-based line and column of a field path in document `doc` of the file. */
export function locate(file: YamlFile, doc: number, path: readonly PathSeg[], at?: 'key' | 'value'): { line: number; col: number } {
  const tree = file.trees[doc];
  if (tree === undefined) return { line: 1, col: 1 };
  return file.lines.linePos(locateOffset(tree, path, at));
}

/** A located problem (file, line, col, dotted path) from a document problem. */
export function toProblem(file: YamlFile, doc: number, p: DocProblem): Problem {
  const { line, col } = locate(file, doc, p.path, p.at);
  const out: Problem = { file: file.display, line, col, path: formatPath(p.path), message: p.message };
  if (p.hint !== undefined) out.hint = p.hint;
  return out;
}

/** Orders problems by file (in order of first appearance), then position (stable for equal positions). */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const order = new Map<string, number>();
  for (const p of problems) if (!order.has(p.file)) order.set(p.file, order.size);
  const rank = (p: Problem) => order.get(p.file) ?? 0;
  return [...problems].sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}
