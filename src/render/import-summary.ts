import type { Result } from '../model/result.js';
import { formatCount, formatMs, formatNumber, formatPercent } from './format.js';
import type { Style } from './style.js';

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** One imported file as the import command reports it. */
export interface ImportedFileView {
  name: string;
  format: 'k6' | 'fortio';
  requests: number;
  skippedLines: number;
  droppedIterations: number;
}

/**
 * What `meshbench import` prints: where the result went and its key figures (requests, errors,
 * latency from the scheduled time, split per version when the input had one).
 */
export function renderImportSummary(outcome: { result: Result; files: readonly ImportedFileView[] }, path: string, style: Style): string {
  const { result, files } = outcome;
  const s = result.summary;
  const lines: string[] = [];
  for (const f of files) {
    const extra = [
      f.skippedLines > 0 ? `${plural(f.skippedLines, 'malformed line')} skipped` : '',
      f.droppedIterations > 0 ? plural(f.droppedIterations, 'dropped iteration') : '',
    ]
      .filter((x) => x !== '')
      .join(', ');
    lines.push(`${style.paint('imported', 'green')} ${f.name} (${f.format}): ${formatCount(f.requests)} requests${extra === '' ? '' : `, ${extra}`}`);
  }
  lines.push(`${style.paint('result', 'bold')}   ${result.id}  →  ${path}`);
  const errors = `${plural(s.errors, 'error')} (${formatPercent(s.errorRate)})`;
  lines.push(`requests ${formatCount(s.requests)}, ${s.errors > 0 ? style.paint(errors, 'red') : errors}`);
  const codes = Object.entries(s.statusCodes)
    .map(([code, n]) => `${code === '0' ? 'conn. error' : code} ×${formatCount(n)}`)
    .join(', ');
  if (codes !== '') lines.push(`status   ${codes}`);
  const l = s.latencyMs;
  lines.push(`latency  p50 ${formatMs(l.p50)}  p90 ${formatMs(l.p90)}  p99 ${formatMs(l.p99)}  max ${formatMs(l.max)}`);
  const versions = Object.entries(s.distribution);
  if (versions.length > 0) {
    lines.push(`versions ${versions.map(([v, d]) => `${v} ${formatPercent(d.share)} (${formatCount(d.count)})`).join(', ')}`);
  }
  lines.push(`load     ${s.load.model} model${s.load.ratePerS !== undefined ? `, ${formatNumber(s.load.ratePerS)} req/s` : ''}${s.load.concurrency !== undefined ? `, concurrency ${s.load.concurrency}` : ''}, ${formatMs(s.load.durationMs)}`);
  return `${lines.join('\n')}\n`;
}
