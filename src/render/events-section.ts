/**
 * The report's "Events" section for kube runs: timeline actions, when the client proxy noticed
 * them, and what its Envoy statistics showed (ejected, unejected, retries, eds-update), in time
 * order. Pure.
 */
import type { Result } from '../model/result.js';
import { formatMs } from './format.js';
import type { Style } from './style.js';
import { renderTable, section } from './table.js';

/** More than this many events are summarised by a count (a flapping host must not flood a report). */
const MAX_ROWS = 40;

export function eventsSection(result: Result, style: Style): string | null {
  if (result.target.kind !== 'kube' || result.events.length === 0) return null;
  const shown = result.events.slice(0, MAX_ROWS);
  const multi = result.trials > 1;
  const rows = shown.map((e) => [...(multi ? [String((e.trial ?? 0) + 1)] : []), formatMs(e.atMs), e.name, e.action]);
  const table = renderTable(
    {
      columns: [...(multi ? [{ header: 'trial', align: 'right' as const }] : []), { header: 'at', align: 'right' }, { header: 'event' }, { header: 'what', shrink: true }],
      rows,
    },
    style,
  );
  const more = result.events.length - shown.length;
  return section('Events', more > 0 ? `${table}\n  … ${more} more (meshbench report --json lists them all)` : table, style);
}
