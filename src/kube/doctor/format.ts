/** Text form of a doctor report: one line per check, its fix and details indented below. Pure. */
import type { Style } from '../../render/style.js';
import type { CheckStatus, DoctorReport } from './types.js';

const MARK: Record<CheckStatus, [string, 'green' | 'yellow' | 'red' | 'gray']> = {
  pass: ['PASS', 'green'],
  warn: ['WARN', 'yellow'],
  fail: ['FAIL', 'red'],
  skip: ['SKIP', 'gray'],
};

export function formatDoctorReport(r: DoctorReport, style: Style): string {
  const lines: string[] = [];
  for (const c of r.clusters) {
    lines.push(`${style.paint(c.name, 'bold')}  context ${c.context}  ${c.server}${c.network ? `  network ${c.network}` : ''}${c.istio ? `  Istio ${c.istio}` : ''}`);
  }
  lines.push('');
  const clusterWidth = Math.max(8, ...r.checks.map((c) => (c.cluster ?? 'mesh').length));
  const idWidth = Math.max(10, ...r.checks.map((c) => c.id.length));
  for (const c of r.checks) {
    const [mark, color] = MARK[c.status];
    lines.push(`${style.paint(mark, color)}  ${(c.cluster ?? 'mesh').padEnd(clusterWidth)}  ${c.id.padEnd(idWidth)}  ${c.message}`);
    const indent = ' '.repeat(6 + clusterWidth + 2 + idWidth + 2);
    for (const d of c.details ?? []) lines.push(`${indent}${style.paint(d, 'dim')}`);
    if (c.fix !== undefined && (c.status === 'fail' || c.status === 'warn')) lines.push(`${indent}${style.paint('fix:', 'yellow')} ${c.fix}`);
  }
  const s = r.summary;
  lines.push('');
  lines.push(`${s.pass} passed, ${s.warn} warning${s.warn === 1 ? '' : 's'}, ${s.fail} failed${s.skip > 0 ? `, ${s.skip} skipped` : ''}`);
  return lines.join('\n') + '\n';
}
