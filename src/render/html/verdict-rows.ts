import type { CompareView } from '../compare-view.js';

/**
 * The significance table's rows, read from whatever verdicts a comparison holds: every field of a
 * `SubjectComparison` that looks like a verdict (`{ kind, test, pValue }`), one level of nesting
 * deep (failover figures). Reading the shape rather than a fixed list keeps the page right when
 * compare gains tests or changes their names.
 */
export interface SignificanceRow {
  subject: string;
  figure: string;
  test: string;
  pValue: number | null;
  verdict: string;
}

interface VerdictLike {
  kind: string;
  test: string | null;
  pValue: number | null;
  note?: string;
}

function isVerdict(v: unknown): v is VerdictLike {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' && 'pValue' in v;
}

export function significanceRows(view: CompareView): SignificanceRow[] {
  const rows: SignificanceRow[] = [];
  for (const c of view.comparisons) {
    const visit = (figure: string, value: unknown, depth: number) => {
      if (isVerdict(value)) {
        const p = typeof value.pValue === 'number' ? value.pValue : null;
        const verdict = value.kind === 'no-test' ? (value.note ?? 'no test') : value.kind;
        rows.push({ subject: c.key, figure, test: value.test ?? '-', pValue: p, verdict });
      } else if (depth === 0 && typeof value === 'object' && value !== null) {
        for (const [k, v] of Object.entries(value)) visit(`${figure} ${k}`, v, 1);
      }
    };
    for (const [k, v] of Object.entries(c)) if (k !== 'key') visit(k, v, 0);
  }
  return rows;
}
