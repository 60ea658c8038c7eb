/**
 * `compare` with a kube result: the events of each subject lined up by type and time — timeline
 * actions, when the client proxy saw them, outlier ejections and returns, EDS (membership) updates,
 * retries — so a simulated run's observations sit beside the measured ones. Pure.
 *
 * Times are the first trial's (a sim result's trials share their timeline); a kube result's
 * observations are as precise as the Envoy-statistics readings around them (every 2 s and around
 * each action), which the note under the table says.
 */
import type { RunEvent } from '../model/sample.js';
import type { CompareView } from './compare-view.js';
import { formatMs } from './format.js';
import type { Style } from './style.js';
import { paragraph, renderTable, section } from './table.js';

/** Times shown per cell before "+N more". */
const MAX_TIMES = 3;

/** Observation names both targets report (src/sim/engine/observer.ts; src/kube/envoy-stats/stats.ts). */
const OBSERVATIONS = ['eds-update', 'ejected', 'unejected', 'retries'];

function firstTrial(events: readonly RunEvent[]): RunEvent[] {
  const first = Math.min(...events.map((e) => e.trial ?? 0));
  return events.filter((e) => (e.trial ?? 0) === first);
}

function cell(times: readonly number[]): string {
  if (times.length === 0) return '-';
  const shown = times.slice(0, MAX_TIMES).map((t) => formatMs(t));
  return `${shown.join(', ')}${times.length > MAX_TIMES ? ` +${times.length - MAX_TIMES}` : ''}`;
}

/** Null unless a kube result is compared (sim-only comparisons keep their layout). */
export function eventsAlignment(view: CompareView, style: Style): string | null {
  if (!view.subjects.some((s) => s.results.some((r) => r.target.startsWith('kube')))) return null;
  const bySubject = view.subjects.map((s) => firstTrial(s.events));
  if (bySubject.every((e) => e.length === 0)) return null;
  // Timeline names in the order they happen, then the observations in a fixed order.
  const order: string[] = [];
  for (const events of bySubject) {
    for (const e of [...events].sort((a, b) => a.atMs - b.atMs)) {
      if (!OBSERVATIONS.includes(e.name) && !order.includes(e.name)) order.push(e.name);
    }
  }
  for (const o of OBSERVATIONS) if (bySubject.some((events) => events.some((e) => e.name === o))) order.push(o);
  const rows = order.map((name) => [name, ...bySubject.map((events) => cell(events.filter((e) => e.name === name).map((e) => e.atMs).sort((a, b) => a - b)))]);
  const table = renderTable({ columns: [{ header: 'event' }, ...view.subjects.map((s) => ({ header: s.key, align: 'right' as const, shrink: true }))], rows }, style);
  const note = paragraph(
    'Times from the start of the load, first trial. Simulated observations happen when the simulated proxy acted; measured ones (kube) at the Envoy-statistics reading that first showed them (every 2 s and around each action) and <name>:proxy when the polled /clusters changed.',
    style,
    { color: 'dim' },
  );
  return section('Events by type and time', `${table}\n${note}`, style);
}
