/**
 * `istioctl analyze` findings, when istioctl is there: `istioctl analyze --context <ctx>
 * --all-namespaces -o json` per cluster. istioctl exits 79 when a finding reaches its failure
 * threshold (istioctl/cmd ExitAnalyzerFoundIssues) and prints the messages either way; each message
 * has a level (Error, Warning, Info), a code (IST0101 …), the object it is about and a text.
 * Errors fail the check, warnings warn; a missing istioctl skips it.
 */
import type { ProcessSpawner } from '../istioctl.js';
import type { ConnectedCluster } from '../index.js';
import type { CheckResult } from './types.js';

/** istioctl's exit code for "analyzers found issues". */
const EXIT_FOUND_ISSUES = 79;

interface AnalyzerMessage {
  code?: string;
  level?: string;
  message?: string;
  origin?: string;
}

function describe(m: AnalyzerMessage): string {
  return `${m.level ?? '?'} [${m.code ?? '?'}]${m.origin !== undefined ? ` (${m.origin})` : ''} ${m.message ?? ''}`.trim();
}

/** One cluster's findings; undefined when istioctl is not installed (the caller skips once). */
export async function checkIstioctlAnalyze(c: ConnectedCluster, spawn: ProcessSpawner, istioctl = 'istioctl'): Promise<CheckResult | undefined> {
  const base = { id: 'istioctl-analyze', cluster: c.spec.name };
  const cmd = `istioctl analyze --context ${c.spec.context} --all-namespaces`;
  let r;
  try {
    r = await spawn(istioctl, ['analyze', '--context', c.spec.context, '--all-namespaces', '-o', 'json']);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') return undefined;
    return { ...base, status: 'warn', message: `could not run istioctl analyze: ${(err as Error).message}` };
  }
  if (r.exitCode !== 0 && r.exitCode !== EXIT_FOUND_ISSUES) {
    return { ...base, status: 'warn', message: `istioctl analyze failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n')[0] ?? ''}`, fix: `Run it yourself: ${cmd}` };
  }
  let messages: AnalyzerMessage[];
  try {
    const parsed = JSON.parse(r.stdout.trim() === '' ? '[]' : r.stdout) as unknown;
    messages = Array.isArray(parsed) ? (parsed as AnalyzerMessage[]) : [];
  } catch {
    return { ...base, status: 'warn', message: 'istioctl analyze printed no JSON', fix: `Run it yourself: ${cmd}` };
  }
  const errors = messages.filter((m) => m.level === 'Error');
  const warnings = messages.filter((m) => m.level === 'Warning');
  if (errors.length === 0 && warnings.length === 0) {
    return { ...base, status: 'pass', message: messages.length === 0 ? 'no findings' : `${messages.length} informational finding${messages.length === 1 ? '' : 's'}` };
  }
  return {
    ...base,
    status: errors.length > 0 ? 'fail' : 'warn',
    message: `${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`,
    details: [...errors, ...warnings].slice(0, 20).map(describe),
    fix: `${cmd} explains each finding (istio.io/latest/docs/reference/config/analysis/<code>)`,
  };
}
