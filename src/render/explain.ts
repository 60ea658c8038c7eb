/**
 * `explain` output: per client proxy, the EDS groups, priority loads, predicted split, effective
 * Envoy settings (defaults marked) and warnings.
 */
import { visibleWidth, type Style } from './style.js';

/** What the renderer reads of an explain report (structurally the simulator's ExplainReport). */
export interface ExplainView {
  istio: string;
  mesh: string;
  destinationRule?: { name: string; source: string };
  entries: ReadonlyArray<{
    client: { cluster: string; workload: string; network: string; locality: string };
    service: { service: string; namespace: string };
    destinationRuleApplies: boolean;
    groups: ReadonlyArray<{
      locality: string;
      priority: number;
      weight: number;
      endpoints: ReadonlyArray<{
        id: string;
        kind: 'direct' | 'gateway';
        address: string;
        weight: number;
        cluster: string;
        backends: ReadonlyArray<{ pod: string; cluster: string; version?: string }>;
      }>;
    }>;
    loads: { healthy: readonly number[]; inPanic: readonly boolean[] };
    settings: {
      localityMode: string;
      lb: ReadonlyArray<{ name: string; value: string; isDefault: boolean }>;
      outlier: ReadonlyArray<{ name: string; value: string; isDefault: boolean }>;
      retry: {
        numRetries: number;
        retryOn: readonly string[];
        retriableStatusCodes: readonly number[];
        previousHosts: boolean;
        hostSelectionRetryMaxAttempts: number;
        backoffBaseUs: number;
        backoffMaxUs: number;
      };
      ejection?: { hostCount: number; maxEjectable: number; rule: 'strict' | 'old' } | undefined;
    };
    predictedShares: Readonly<Record<string, number>>;
    /** East-west gateway connection pinning (absent when it moves no version share, and in older reports). */
    pinning?: PinningView;
    warnings: ReadonlyArray<{ severity: 'warning' | 'note'; code: string; message: string }>;
    /** Data-path assumptions (absent in reports written before they existed). */
    assumptions?: ReadonlyArray<{ code: string; message: string }>;
  }>;
}

/** What the renderer reads of a pinning prediction (src/sim/explain/pinning.ts). */
export interface PinningView {
  mode: 'pinned' | 'per-connection' | 'per-request' | 'load-unknown';
  gateways: ReadonlyArray<{
    cluster: string;
    share: number;
    versions: ReadonlyArray<{ version: string; pods: number; chance: number }>;
    connections?: { min: number; max: number | null };
  }>;
  ranges: Readonly<Record<string, { min: number; max: number }>>;
}

const LOCALITY_MODES: Record<string, string> = {
  off: 'off (no outlierDetection or locality LB disabled): one priority for everything',
  priorities: 'region/zone/subzone priorities (default setting + outlierDetection)',
  failover: 'region/zone/subzone priorities with failover regions',
  failoverPriority: 'failoverPriority label priorities',
  'failoverPriority+failover': 'failoverPriority labels, then failover regions',
  distribute: 'distribute weights (no priorities)',
};

export function renderExplain(report: ExplainView, style: Style): string {
  const out: string[] = [];
  const dr = report.destinationRule ? `DestinationRule ${report.destinationRule.name} (${report.destinationRule.source})` : 'no DestinationRule';
  out.push(...wrap(style.paint(`Istio ${report.istio} · mesh ${report.mesh} · ${dr}`, 'bold'), style.width, '  '));
  for (const e of report.entries) {
    out.push('');
    const where = [e.client.network, e.client.locality || 'no locality'].join(', ');
    out.push(...wrap(`${style.paint(`client ${e.client.cluster}/${e.client.workload}`, 'cyan')} (${where}) → ${e.service.service}.${e.service.namespace}`, style.width, '  '));
    if (report.destinationRule && !e.destinationRuleApplies) out.push(style.paint('  the DestinationRule does not select this service', 'dim'));
    out.push('  endpoints istiod sends this proxy (EDS):');
    const rows = e.groups.flatMap((g) =>
      g.endpoints.map((ep, i) => [
        i === 0 ? `P${g.priority}` : '',
        i === 0 ? g.locality || '(none)' : '',
        i === 0 ? String(g.weight) : '',
        ep.kind === 'gateway' ? `east-west gateway (${ep.cluster})` : ep.id,
        ep.address,
        String(ep.weight),
        servesText(ep.backends),
      ]),
    );
    if (rows.length === 0) out.push(style.paint('    (no endpoints)', 'dim'));
    else out.push(...table(['prio', 'locality', 'weight', 'endpoint', 'address', 'lb weight', 'serves'], rows, style, 4, [6, 3, 1, 4]));
    const loads = e.loads.healthy.map((l, p) => `P${p} ${l}%${e.loads.inPanic[p] === true ? ' (panic)' : ''}`).join('  ');
    out.push(...wrap(`  priority load, all hosts healthy: ${loads || '(none)'}`, style.width, '    '));
    const split = Object.entries(e.predictedShares)
      .map(([v, s]) => `${v} ${(s * 100).toFixed(1)}%`)
      .join('  ');
    out.push(...wrap(`  predicted split: ${split || '(no endpoint can serve)'}${e.pinning !== undefined && e.pinning.mode !== 'per-request' ? ' (mean over trials: see gateway pinning)' : ''}`, style.width, '    '));
    if (e.pinning !== undefined) for (const line of pinningText(e.pinning)) out.push(...wrap(`  ${line}`, style.width, '    '));
    out.push(...wrap(`  locality: ${LOCALITY_MODES[e.settings.localityMode] ?? e.settings.localityMode}`, style.width, '    '));
    out.push(...wrap(`  Envoy cluster: ${settingsText(e.settings.lb, style)}`, style.width, '    '));
    if (e.settings.outlier.length === 0) out.push('  outlier detection: none (hosts are never ejected)');
    else out.push(...wrap(`  outlier detection: ${settingsText(e.settings.outlier, style)}`, style.width, '    '));
    const ej = e.settings.ejection;
    if (ej !== undefined) {
      out.push(...wrap(`  ejection: at most ${ej.maxEjectable} of ${ej.hostCount} hosts at once (${ej.rule} max-ejection-percent rule)`, style.width, '    '));
    }
    const r = e.settings.retry;
    const codes = r.retriableStatusCodes.length > 0 ? `status ${r.retriableStatusCodes.join(',')}` : 'no status codes (503 responses not retried)';
    out.push(
      ...wrap(
        `  retries: ${r.numRetries} on ${r.retryOn.join(', ')}; ${codes}; ${r.previousHosts ? 'previous_hosts' : 'no host predicate'}, ` +
          `${r.hostSelectionRetryMaxAttempts} host selection attempts; back-off ${r.backoffBaseUs / 1000}ms base, ${r.backoffMaxUs / 1000}ms max`,
        style.width,
        '    ',
      ),
    );
    for (const w of e.warnings) {
      const tag = w.severity === 'warning' ? style.paint('warning:', 'yellow') : style.paint('note:', 'dim');
      out.push(...wrap(`  ${tag} ${w.message}`, style.width, '    '));
    }
    for (const a of e.assumptions ?? []) out.push(...wrap(`  ${style.paint('assumption:', 'dim')} ${a.message}`, style.width, '    '));
  }
  return `${out.join('\n')}\n`;
}

const pct = (s: number) => (s === 0 ? '0%' : `${(s * 100).toFixed(1)}%`);

/** One paragraph per gateway whose connections pin the split, then the per-trial ranges. */
export function pinningText(p: PinningView): string[] {
  const why =
    'the gateway forwards a connection, and every request on it, to the one pod it picked when the connection opened (AUTO_PASSTHROUGH; istio#32208, istio#31549), ' +
    'until the connection closes (idle timeout, a reset or timeout, the pod\'s sidecar exiting, the gateway going down)';
  const lines: string[] = [];
  for (const g of p.gateways) {
    const odds = g.versions.map((v) => `${v.version} (chance ${pct(v.chance).replace('.0%', '%')}, ${v.pods} pod${v.pods === 1 ? '' : 's'})`).join(' or ');
    const through = `${pct(g.share)} through ${g.cluster}'s east-west gateway`;
    const c = g.connections;
    const count = c === undefined ? '' : c.max === null ? `at least ${c.min} (one per worker thread), more as requests overlap` : c.min === c.max ? `${c.min}` : `${c.min}–${c.max}`;
    if (p.mode === 'per-request') {
      lines.push(`gateway pinning: every request opens a new connection (think time at or beyond the idle timeout), so the ${through} splits per request.`);
    } else if (p.mode === 'pinned') {
      lines.push(`gateway pinning: the client opens 1 connection for the ${through}; ${why}. So the whole ${pct(g.share)} goes to one version per trial: ${odds}.`);
    } else if (p.mode === 'per-connection') {
      lines.push(
        `gateway pinning: the client opens ${count} connections for the ${through}, each pinned: ${why}. A trial splits the ${pct(g.share)} over the pods its connections landed on ` +
          `(each new connection: ${odds}), so it scatters around the predicted split and nears it as connections multiply.`,
      );
    } else {
      lines.push(
        `gateway pinning: the ${through} splits per connection, not per request: ${why}. A client with one connection (one request at a time) sends all of it to one version per trial: ${odds}. ` +
          'Explain a scenario to count its connections.',
      );
    }
  }
  // One pinned connection through one gateway: each version gets all or nothing of that gateway's share.
  const sep = p.mode === 'pinned' && p.gateways.length === 1 ? ' or ' : '–';
  const ranges = Object.entries(p.ranges).map(([v, r]) => (r.min === r.max ? `${v} ${pct(r.min)}` : `${v} ${pct(r.min)}${sep}${pct(r.max)}`));
  if (ranges.length > 0) lines.push(`per trial: ${ranges.join(', ')}`);
  return lines;
}

/** Versions behind an entry with pod counts, e.g. `v2` or `v2 ×3, v3 ×1`. */
function servesText(backends: ReadonlyArray<{ version?: string }>): string {
  const counts = new Map<string, number>();
  for (const b of backends) counts.set(b.version ?? '?', (counts.get(b.version ?? '?') ?? 0) + 1);
  if (counts.size === 0) return '(nothing)';
  return [...counts].map(([v, n]) => (n === 1 ? v : `${v} ×${n}`)).join(', ');
}

function settingsText(values: ReadonlyArray<{ name: string; value: string; isDefault: boolean }>, style: Style): string {
  return values.map((v) => `${v.name} ${v.value}${v.isDefault ? style.paint(' (default)', 'dim') : ''}`).join(' · ');
}

/**
 * Columns padded to their widest cell; when the table is wider than `style.width`, the `shrinkable`
 * columns (widest first) are cut with … down to 6 characters.
 */
function table(header: string[], rows: string[][], style: Style, indent: number, shrinkable: number[]): string[] {
  const widths = header.map((h, c) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[c] ?? ''))));
  const budget = style.width - indent - 2 * (header.length - 1);
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const candidates = shrinkable.filter((c) => (widths[c] ?? 0) > 6);
    if (candidates.length === 0) break;
    const widest = candidates.reduce((a, b) => ((widths[b] ?? 0) > (widths[a] ?? 0) ? b : a));
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const line = (cells: string[]) =>
    ' '.repeat(indent) +
    cells
      .map((cell, c) => fit(cell, widths[c] ?? 0))
      .join('  ')
      .trimEnd();
  return [style.paint(line(header), 'dim'), ...rows.map(line)];
}

function fit(text: string, width: number): string {
  const w = visibleWidth(text);
  if (w <= width) return text + ' '.repeat(width - w);
  return `${[...text].slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Wrap on spaces to `width` (ANSI-aware), continuation lines indented. */
function wrap(text: string, width: number, indent: string): string[] {
  const lead = /^ */.exec(text)?.[0] ?? '';
  const words = text.slice(lead.length).split(' ');
  const lines: string[] = [];
  let cur = lead;
  for (const word of words) {
    const fresh = cur.trim() === '';
    const next = fresh ? `${cur}${word}` : `${cur} ${word}`;
    if (!fresh && visibleWidth(next) > width) {
      lines.push(cur);
      cur = `${indent}${word}`;
    } else {
      cur = next;
    }
  }
  if (cur.trim() !== '') lines.push(cur);
  return lines;
}
