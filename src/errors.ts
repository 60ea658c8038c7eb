/**
 * Error classes shared by every layer. Only `cli/` formats them; everything else throws.
 * Exit codes follow product.md §2 (and k6's "an SLO failure is not a tool failure").
 */

export const ExitCode = {
  Ok: 0,
  Internal: 1,
  Usage: 2,
  Invalid: 3,
  Environment: 4,
  ThresholdsFailed: 10,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One problem found in an input document: where it is, what is wrong, how to fix it. */
export interface Problem {
  /** File the problem is in (as the user named it), or a pseudo-name such as `builtin:two-cluster`. */
  file: string;
  /** 1-based line and column when the location is known. */
  line?: number;
  col?: number;
  /** Dotted path to the field, e.g. `spec.timeline[1].at`; empty for the whole document. */
  path: string;
  message: string;
  hint?: string;
}

export abstract class ToolError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
  readonly hint?: string;
  constructor(message: string, opts: { cause?: unknown; hint?: string } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    if (opts.hint !== undefined) this.hint = opts.hint;
  }
}

/** Bad input documents (scenario, mesh, manifest, result, vectors, import files). Exit 3. */
export class InvalidInputError extends ToolError {
  readonly code = 'INVALID_INPUT';
  readonly exitCode = ExitCode.Invalid;
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], opts: { cause?: unknown; hint?: string } = {}) {
    super(summarizeProblems(problems), opts);
    this.problems = problems;
  }
}

/** Bad command-line usage detected after commander parsed the arguments. Exit 2. */
export class UsageError extends ToolError {
  readonly code = 'USAGE';
  readonly exitCode = ExitCode.Usage;
}

/** Environment problems: filesystem, cluster unreachable, auth/RBAC, missing resources. Exit 4. */
export class EnvironmentError extends ToolError {
  readonly code: string;
  readonly exitCode = ExitCode.Environment;
  constructor(message: string, opts: { cause?: unknown; hint?: string; code?: string } = {}) {
    super(message, opts);
    this.code = opts.code ?? 'ENVIRONMENT';
  }
}

/** The user interrupted the run (SIGINT/SIGTERM) after any cluster change was undone. Exit 130. */
export class InterruptedError extends ToolError {
  readonly code = 'INTERRUPTED';
  readonly exitCode = ExitCode.Interrupted;
}

function summarizeProblems(problems: readonly Problem[]): string {
  if (problems.length === 0) return 'invalid input';
  const files = [...new Set(problems.map((p) => p.file))];
  const n = problems.length;
  return `${n} problem${n === 1 ? '' : 's'} in ${files.join(', ')}`;
}

/** Format one problem as `file:line:col  path  message` (the location parts that are known). */
export function formatProblem(p: Problem): string {
  const loc = p.line !== undefined ? `${p.file}:${p.line}:${p.col ?? 1}` : p.file;
  const path = p.path === '' ? '(document)' : p.path;
  return `${loc}  ${path}  ${p.message}${p.hint ? `\n    hint: ${p.hint}` : ''}`;
}
