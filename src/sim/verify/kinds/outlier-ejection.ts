/**
 * outlier_ejection: Envoy outlier detection — defaults and config validation, ejection on
 * consecutive errors, un-ejection on interval ticks with backoff, max ejection percent.
 */
import { OutlierConfigRejectedError, resolveEnvoyOutlierDetection } from '../../envoy/outlier-config.js';
import type { AdapterContext } from '../context.js';
import { envoyOutlierField, modelValue, toModelValue } from '../envoy-fields.js';
import { ShapeError, type Fields } from '../fields.js';
import { evaluateFormula } from '../formula.js';
import { detectorFor, readEnvoyOutlierProto } from '../outlier-setup.js';
import { runOutlierEvents } from '../outlier-events.js';

const SEND_KEY = /^(?:(all)_)?hosts?_(?:sends?|sending)_(\d+)_consecutive_(\d{3})s?$/;

export function outlierEjectionAdapter(ctx: AdapterContext): void {
  const keys = ctx.input.keys();
  if (keys.includes('cases')) return configCases(ctx);
  if (keys.includes('events')) return runOutlierEvents(ctx);
  if (keys.includes('consecutive_ejections')) return consecutiveEjections(ctx);
  if (keys.some((k) => /^response_sequence_host\d+$/.test(k))) return responseSequences(ctx);
  if (keys.some((k) => SEND_KEY.test(k)) || keys.includes('failing_hosts')) return maxEjectionPercent(ctx);
  if (keys.includes('config')) return configDefaults(ctx);
  throw new ShapeError(`outlier_ejection input with fields ${keys.join(', ')} is not a known shape`);
}

/** Compare every expected key that names an Envoy setting with the resolved config. */
function compareSettings(ctx: AdapterContext, expected: Fields, resolved: Parameters<typeof modelValue>[1], prefix: string): void {
  for (const k of expected.keys()) {
    const ref = envoyOutlierField(k);
    if (ref === undefined) continue;
    ctx.check(`${prefix}${k}`, toModelValue(ref, expected.raw(k), `${expected.path}.${k}`), modelValue(ref, resolved));
  }
}

function configDefaults(ctx: AdapterContext): void {
  const config = ctx.input.obj('config');
  const resolved = resolveEnvoyOutlierDetection(config === undefined ? {} : readEnvoyOutlierProto(config));
  compareSettings(ctx, ctx.expected, resolved, '');
}

function configCases(ctx: AdapterContext): void {
  const cases = ctx.input.list('cases') ?? [];
  const results = ctx.expected.list('results');
  if (results === undefined || results.length !== cases.length) throw new ShapeError('expected.results must have one entry per input case');
  cases.forEach((c, i) => {
    const cf = ctx.input.child(c, `input.cases[${i}]`);
    const rf = ctx.expected.child(results[i], `expected.results[${i}]`);
    let resolved: ReturnType<typeof resolveEnvoyOutlierDetection> | undefined;
    let rejected = false;
    try {
      resolved = resolveEnvoyOutlierDetection(readEnvoyOutlierProto(cf));
    } catch (err) {
      if (!(err instanceof OutlierConfigRejectedError)) throw err;
      rejected = true;
    }
    if (rf.has('config_rejected')) ctx.check(`results[${i}].config_rejected`, rf.raw('config_rejected'), rejected);
    if (resolved !== undefined) compareSettings(ctx, rf, resolved, `results[${i}].`);
    else for (const k of rf.keys()) if (envoyOutlierField(k) !== undefined) ctx.check(`results[${i}].${k}`, rf.raw(k), 'config rejected');
  });
}

function responseSequences(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const { detector, hosts } = detectorFor(input, ctx.profile);
  const atUs = input.numOr('t_ms_of_last_response', 0) * 1000;
  const ejectedAfter = new Map<number, number | null>();
  for (const k of input.keys().filter((x) => /^response_sequence_host\d+$/.test(x)).sort()) {
    const hostIndex = Number(k.slice('response_sequence_host'.length));
    const host = hosts[hostIndex];
    if (host === undefined) throw new ShapeError(`input.${k} names host ${hostIndex} but input.hosts is ${hosts.length}`);
    const codes = input.list(k) ?? [];
    let at: number | null = null;
    codes.forEach((code, i) => {
      if (typeof code !== 'number') throw new ShapeError(`input.${k}[${i}] is not a status code`);
      if (detector.reportHttpStatus(host, code, atUs) && at === null) at = i;
    });
    ejectedAfter.set(hostIndex, at);
  }
  for (const k of expected.keys()) {
    const m = /^ejected_after_response_index(?:_host(\d+))?$/.exec(k);
    if (m) ctx.check(k, expected.raw(k), ejectedAfter.get(Number(m[1] ?? 0)) ?? null);
  }
  const ticks = (input.list('interval_ticks_ms') ?? []).map((t) => {
    if (typeof t !== 'number') throw new ShapeError('input.interval_ticks_ms holds a non-number');
    return t;
  });
  const stateAfterTick = new Map<number, boolean[]>();
  for (const t of ticks) {
    detector.tick(t * 1000);
    stateAfterTick.set(t, hosts.map((h) => detector.isEjected(h)));
  }
  for (const k of expected.keys()) {
    const m = /^(un)?ejected_at_tick_(\d+)(?:_host(\d+))?$/.exec(k);
    if (!m) continue;
    const state = stateAfterTick.get(Number(m[2]));
    if (state === undefined) throw new ShapeError(`expected.${k}: no tick at ${m[2]} ms in input.interval_ticks_ms`);
    const ejected = state[Number(m[3] ?? 0)] ?? false;
    ctx.check(k, expected.raw(k), m[1] === 'un' ? !ejected : ejected);
  }
}

function consecutiveEjections(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const { detector, resolved, hosts } = detectorFor(input, ctx.profile);
  const host = hosts[0];
  if (host === undefined) throw new ShapeError('input.hosts must be at least 1');
  const count = input.reqNum('consecutive_ejections');
  const interval = resolved.intervalUs;
  const durationsUs: number[] = [];
  let nowUs = 0;
  let nextTickUs = interval;
  for (let k = 1; k <= count; k++) {
    for (let i = 0; i < resolved.consecutive5xx; i++) detector.reportHttpStatus(host, 500, nowUs);
    if (!detector.isEjected(host)) {
      ctx.assert(`ejection ${k}`, false, 'host ejected', 'not ejected');
      return;
    }
    const start = nowUs;
    // Interval ticks from the detector's creation at t=0 until the host is released.
    let guard = 0;
    while (detector.isEjected(host) && guard++ < 100_000) {
      nowUs = nextTickUs;
      nextTickUs += interval;
      detector.tick(nowUs);
    }
    durationsUs.push(nowUs - start);
  }
  // Durations are in the unit named by the keys (`_s` / `_ms`); `duration_after_<N>th` follows the others.
  const unitUs = expected.keys().some((k) => /^ejection_durations?_ms|^ejection_duration_ms_/.test(k)) ? 1000 : 1_000_000;
  const inUnit = durationsUs.map((d) => d / unitUs);
  for (const k of expected.keys()) {
    const value = expected.raw(k);
    if (/^ejection_durations?_(ms|s)$/.test(k)) {
      ctx.check(k, value, inUnit);
    } else if (/^ejection_duration_(ms|s)_for_ejection_k$/.test(k)) {
      if (typeof value !== 'string') throw new ShapeError(`expected.${k} is not a formula`);
      ctx.check(k, inUnit.map((_, i) => evaluateFormula(value, { k: i + 1 })), inUnit);
    } else {
      const m = /^duration_after_(\d+)(?:st|nd|rd|th)?$/.exec(k);
      if (!m) throw new ShapeError(`expected.${k} not interpreted`);
      const after = Number(m[1]);
      if (after >= count) throw new ShapeError(`expected.${k}: only ${count} ejections are simulated`);
      ctx.check(k, inUnit.slice(after).map(() => value), inUnit.slice(after));
    }
  }
}

function maxEjectionPercent(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const { detector, hosts } = detectorFor(input, ctx.profile);
  for (const k of input.keys()) {
    const m = SEND_KEY.exec(k);
    if (!m && k !== 'failing_hosts') continue;
    const value = input.raw(k);
    const count = m ? Number(m[2]) : (detector.config.consecutive5xx);
    const code = m ? Number(m[3]) : 500;
    let failing: number[];
    // `host_sends_…: true` is host 0; `hosts_send_…: true` / `all_hosts_…` / "all" is every host.
    if (m?.[1] === 'all' || value === 'all' || (value === true && k.startsWith('hosts_'))) failing = hosts.map((_, i) => i);
    else if (value === true) failing = [0];
    else if (value === false) failing = [];
    else if (typeof value === 'number') failing = Array.from({ length: value }, (_, i) => i);
    else if (Array.isArray(value) && value.every((x) => typeof x === 'number')) failing = value as number[];
    else throw new ShapeError(`input.${k} is not true, a host count, "all" or a list of host indices`);
    for (const i of failing) {
      const host = hosts[i];
      if (host === undefined) throw new ShapeError(`input.${k} names host ${i} but input.hosts is ${hosts.length}`);
      for (let r = 0; r < count; r++) detector.reportHttpStatus(host, code, 0);
    }
  }
  if (expected.has('ejected_hosts')) ctx.check('ejected_hosts', expected.raw('ejected_hosts'), detector.ejectedCount());
  if (expected.has('ejected')) ctx.check('ejected', expected.raw('ejected'), hosts.map((h, i) => (detector.isEjected(h) ? i : -1)).filter((i) => i >= 0));
}
