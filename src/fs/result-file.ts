import { histogramProblems } from './histogram-limits.js';
import { InvalidInputError, type Problem } from '../errors.js';
import type { Result } from '../model/result.js';
import { validateResult } from '../model/result-schema.js';
import { formatPath } from '../model/validate-problems.js';
import { TOOL_VERSION } from '../version.js';
import { parseYamlFile, sortProblems, toProblem } from './yaml-positions.js';

/**
 * Turning the text of a result file into a validated `Result`, and a `Result` into the exact text
 * the store writes. Problems name the file, the line:col and the field path.
 */

/** 1-based line and column of a character offset. */
function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: end - lineStart + 1 };
}

/** A JSON syntax error as a problem at the parser's position (Node names a position, or none at the end of input). */
function syntaxProblem(text: string, display: string, err: unknown): Problem {
  const message = err instanceof Error ? err.message : String(err);
  const m = /at position (\d+)/.exec(message);
  const truncated = /end of JSON input/.test(message);
  const offset = m !== null ? Number(m[1]) : truncated ? text.length : null;
  // Node names the end of the text ("Unterminated string … at position <length>") when a file was cut.
  const atEnd = truncated || (offset !== null && offset >= text.trimEnd().length);
  const clean = message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/, '');
  const p: Problem = {
    file: display,
    path: '',
    message: atEnd ? `truncated JSON: ${clean}` : `invalid JSON: ${clean}`,
    hint: atEnd
      ? 'the file ends too early (meshbench writes results whole, so it was cut by a copy or an edit); restore it or rerun the scenario'
      : 'the file is not valid JSON; restore it or rerun the scenario',
  };
  if (offset !== null) Object.assign(p, lineColAt(text, offset));
  return p;
}

/**
 * Parses and validates the text of a result file.
 * @param display the file name used in messages.
 * @throws InvalidInputError (exit 3) listing every problem with file, line:col and field path.
 */
export function parseResultText(text: string, display: string): Result {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError([syntaxProblem(text, display, err)], { cause: err });
  }
  const checked = validateResult(data, TOOL_VERSION);
  if (checked.ok) {
    // Histograms are checked before anything decodes them (untrusted files: histogram-limits.ts).
    const bad = histogramProblems(checked.result, display);
    if (bad.length > 0) throw new InvalidInputError(bad);
    return checked.result;
  }
  // Positions only on the error path: re-reading a large result with positions costs time.
  const located = parseYamlFile(text, display);
  const problems = checked.problems.map((p) =>
    located.syntax.length === 0 ? toProblem(located, 0, p) : { file: display, path: formatPath(p.path), message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}) },
  );
  return throwInvalid(sortProblems(problems), checked.hint);
}

function throwInvalid(problems: Problem[], hint: string | undefined): never {
  throw new InvalidInputError(problems, hint !== undefined ? { hint } : {});
}

/**
 * The exact text the store writes: the result validated (a writer bug must not produce a file
 * that cannot be read back), data-keyed records sorted, 2-space indent, trailing newline.
 * @throws Error (an internal error, exit 1) when the result does not satisfy the schema.
 */
export function serializeResult(result: Result): string {
  const checked = validateResult(result, TOOL_VERSION);
  if (!checked.ok) {
    const list = checked.problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('; ');
    throw new Error(`refusing to write an invalid result ${result.id}: ${list}`);
  }
  return `${JSON.stringify(checked.result, null, 2)}\n`;
}
