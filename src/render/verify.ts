/**
 * `verify-model` output: one line per vector and a summary line.
 */
import type { Style } from './style.js';

/** What the renderer needs of a vector outcome (structurally the simulator's VectorOutcome). */
export interface VerifyOutcomeView {
  id: string;
  kind: string;
  status: 'PASS' | 'FAIL' | 'SKIP';
  reason?: string;
  failures: ReadonlyArray<{ path: string; expected: string; got: string }>;
}

/** Counts shown in the summary line. */
export interface VerifyCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * `PASS id kind`, `FAIL id kind  <path>: expected … got …` (one line per failing check, indented
 * after the first), `SKIP id kind (reason)`, then `N vectors: p passed, f failed, s skipped`.
 */
export function renderVerify(outcomes: readonly VerifyOutcomeView[], counts: VerifyCounts, style: Style): string {
  const idWidth = Math.min(28, Math.max(2, ...outcomes.map((o) => o.id.length)));
  const kindWidth = Math.min(24, Math.max(4, ...outcomes.map((o) => o.kind.length)));
  const lines: string[] = [];
  for (const o of outcomes) {
    const head = `${o.id.padEnd(idWidth)}  ${o.kind.padEnd(kindWidth)}`;
    if (o.status === 'PASS') {
      lines.push(`${style.paint('PASS', 'green')}  ${head}`.trimEnd());
    } else if (o.status === 'SKIP') {
      lines.push(`${style.paint('SKIP', 'yellow')}  ${head}  ${style.paint(`(${o.reason ?? 'not interpreted'})`, 'dim')}`);
    } else {
      const details = o.failures.map((c) => `${c.path}: expected ${c.expected} got ${c.got}`);
      if (o.reason !== undefined) details.unshift(o.reason);
      const [first = '', ...rest] = details;
      lines.push(`${style.paint('FAIL', 'red')}  ${head}  ${first}`);
      const indent = ' '.repeat(6 + idWidth + 2 + kindWidth + 2);
      for (const d of rest) lines.push(`${indent}${d}`);
    }
  }
  const parts = [
    style.paint(`${counts.passed} passed`, counts.passed === counts.total ? 'green' : 'bold'),
    style.paint(`${counts.failed} failed`, counts.failed > 0 ? 'red' : 'dim'),
    style.paint(`${counts.skipped} skipped`, counts.skipped > 0 ? 'yellow' : 'dim'),
  ];
  lines.push('', `${counts.total} vector${counts.total === 1 ? '' : 's'}: ${parts.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
