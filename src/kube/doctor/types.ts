/** What `meshbench doctor` reports: one result per check (per cluster where it applies). */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable id, e.g. `istiod`, `root-cert`, `remote-secrets`, `endpoints`. */
  id: string;
  /** meshbench cluster name; absent for checks across clusters. */
  cluster?: string;
  status: CheckStatus;
  /** One line: what was found. */
  message: string;
  /** What to do (commands), for warn and fail. */
  fix?: string;
  /** Extra lines (e.g. the endpoints the client proxy sees). */
  details?: string[];
}

export interface DoctorReport {
  clusters: Array<{ name: string; context: string; server: string; network: string; istio?: string }>;
  checks: CheckResult[];
  summary: { pass: number; warn: number; fail: number; skip: number };
}

/** Counts by status. */
export function summarize(checks: readonly CheckResult[]): DoctorReport['summary'] {
  const s = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) s[c.status]++;
  return s;
}
