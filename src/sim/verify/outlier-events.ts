/**
 * Outlier vectors written as an English event list, e.g.
 * `["t=0 eject", "tick 10 -> uneject", "ticks 40,50 still ejected", "ticks 70,80 healthy (backoff 3->1)",
 *   "50 healthy ticks"]`, for one host. Times without a unit are seconds (unless the expected
 * durations are in ms). `eject` sends `consecutive_5xx` 500s; each tick runs the interval timer.
 */
import type { AdapterContext } from './context.js';
import { ShapeError } from './fields.js';
import { detectorFor } from './outlier-setup.js';

const NUM = String.raw`\d+(?:\.\d+)?(?:\s*(?:ms|s)\b)?`;
const EJECT = new RegExp(String.raw`^t\s*=\s*(${NUM})\s+eject(?:ed)?$`);
const TICKS = new RegExp(String.raw`^ticks?\s+(${NUM}(?:\s*(?:,|and)\s*${NUM})*)\s*(.*)$`);
const HEALTHY_TICKS = /^(\d+)\s+(?:more\s+)?(healthy|clean)\s+ticks?$/;

export function runOutlierEvents(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const { detector, resolved, hosts } = detectorFor(input, ctx.profile);
  const host = hosts[0];
  if (host === undefined) throw new ShapeError('input.hosts must be at least 1');
  const durationsKey = expected.keys().find((k) => /^ejection_durations?_(ms|s)$/.test(k));
  const defaultUnitUs = durationsKey?.endsWith('_ms') ? 1000 : 1_000_000;
  const toUs = (text: string) => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(text.trim());
    if (!m) throw new ShapeError(`time "${text}" not understood`);
    return Number(m[1]) * (m[2] === 'ms' ? 1000 : m[2] === 's' ? 1_000_000 : defaultUnitUs);
  };
  const events = input.list('events') ?? [];
  const durationsUs: number[] = [];
  let ejectedAtUs: number | undefined;
  let lastTickUs = 0;

  const tick = (atUs: number, assertion: string, label: string) => {
    const wasEjected = detector.isEjected(host);
    detector.tick(atUs);
    lastTickUs = atUs;
    const ejected = detector.isEjected(host);
    if (wasEjected && !ejected && ejectedAtUs !== undefined) {
      durationsUs.push(atUs - ejectedAtUs);
      ejectedAtUs = undefined;
    }
    if (assertion === 'uneject') ctx.assert(label, wasEjected && !ejected, 'un-ejected at this tick', ejected ? 'still ejected' : 'was not ejected');
    if (assertion === 'still') ctx.assert(label, ejected, 'still ejected', 'not ejected');
    if (assertion === 'healthy') ctx.assert(label, !ejected, 'not ejected', 'ejected');
  };

  events.forEach((raw, i) => {
    if (typeof raw !== 'string') throw new ShapeError(`input.events[${i}] is not a string`);
    const text = raw.trim().toLowerCase();
    const label = `events[${i}] "${raw}"`;
    let m = EJECT.exec(text);
    if (m) {
      const atUs = toUs(m[1] as string);
      for (let r = 0; r < resolved.consecutive5xx; r++) detector.reportHttpStatus(host, 500, atUs);
      const ok = detector.isEjected(host);
      ctx.assert(label, ok, 'ejected', 'not ejected');
      if (ok) ejectedAtUs = atUs;
      return;
    }
    m = HEALTHY_TICKS.exec(text);
    if (m) {
      for (let k = 0; k < Number(m[1]); k++) tick(lastTickUs + resolved.intervalUs, 'healthy', label);
      return;
    }
    m = TICKS.exec(text);
    if (m) {
      const times = (m[1] as string).split(/\s*(?:,|and)\s*/).map(toUs);
      const rest = (m[2] as string).replace(/^(->|:|—|-)\s*/, '').trim();
      const backoff = /\(backoff\s+(\d+)\s*->\s*(\d+)\)/.exec(rest);
      const assertion = assertionOf(rest.replace(/\(.*\)/, '').trim(), label);
      if (backoff) ctx.assert(`${label} backoff before`, host.ejectTimeBackoff === Number(backoff[1]), backoff[1] as string, String(host.ejectTimeBackoff));
      for (const t of times) tick(t, assertion, label);
      if (backoff) ctx.assert(`${label} backoff after`, host.ejectTimeBackoff === Number(backoff[2]), backoff[2] as string, String(host.ejectTimeBackoff));
      return;
    }
    throw new ShapeError(`input.events[${i}] "${raw}" not understood`);
  });

  if (durationsKey !== undefined) {
    const unit = durationsKey.endsWith('_ms') ? 1000 : 1_000_000;
    ctx.check(durationsKey, expected.raw(durationsKey), durationsUs.map((d) => d / unit));
  }
}

function assertionOf(text: string, label: string): 'uneject' | 'still' | 'healthy' | 'none' {
  if (text === '') return 'none';
  if (/^un-?eject(?:ed|s)?\b/.test(text)) return 'uneject';
  if (/^still(?:\s+ejected)?\b/.test(text)) return 'still';
  if (/^(?:healthy|not\s+ejected)\b/.test(text)) return 'healthy';
  throw new ShapeError(`${label}: "${text}" not understood`);
}
