import { makeResultId } from '../model/result-id.js';
import type { CliRuntime } from './deps.js';
import { hex6 } from './parsers.js';

/**
 * Result ids for one command invocation: `<UTC time>-<scenario>-<6 hex>` with the hex drawn from
 * the edge's random source, bumped when an id was already handed out (two runs of the same
 * scenario in the same second must not overwrite each other).
 */
export function resultIdFactory(rt: Pick<CliRuntime, 'randomSeed'>): (scenario: string, date: Date) => string {
  const used = new Set<string>();
  return (scenario, date) => {
    let n = rt.randomSeed();
    let id = makeResultId(date, scenario, hex6(n));
    while (used.has(id)) id = makeResultId(date, scenario, hex6(++n));
    used.add(id);
    return id;
  };
}
