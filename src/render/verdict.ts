import type { Result } from '../model/result.js';
import type { Style } from './style.js';

/**
 * One line that says whether a result passed, for `--quiet` and scripts:
 * `PASS failover  3 of 3 thresholds`, `FAIL failover  1 of 3 thresholds (failed: errors.rate < 1%)`,
 * or `DONE failover  no thresholds` when the scenario sets none.
 */
export function verdictLine(result: Result, style: Style): string {
  const total = result.thresholds.length;
  const name = result.scenario.name;
  if (total === 0) return `${style.paint('DONE', 'bold')} ${name}  no thresholds`;
  const failed = result.thresholds.filter((t) => !t.ok);
  const passed = total - failed.length;
  if (failed.length === 0) return `${style.paint('PASS', 'green')} ${name}  ${passed} of ${total} thresholds`;
  return `${style.paint('FAIL', 'red')} ${name}  ${passed} of ${total} thresholds (failed: ${failed.map((t) => t.expr).join('; ')})`;
}
