/**
 * debounce: istiod's push debounce driven by a small event loop, and its defaults.
 */
import { DEFAULT_DEBOUNCE_OPTIONS, Debouncer, defaultPushThrottle, type DebounceOptions, type DebounceStep } from '../../istiod/debounce.js';
import type { AdapterContext } from '../context.js';
import { ShapeError } from '../fields.js';

type Queued = { atUs: number; order: number; seq: number; what: 'event' | 'done' | 'timer'; kind?: 'full' | 'eds' };

export function debounceAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const raw = input.raw('options');
  if (raw === 'defaults') return defaults(ctx);
  const opts: DebounceOptions = { ...DEFAULT_DEBOUNCE_OPTIONS };
  let pushUs = 0;
  if (raw !== undefined && raw !== null) {
    const f = input.child(raw, 'input.options');
    const after = f.num('debounce_after_ms');
    if (after !== undefined) opts.debounceAfterUs = after * 1000;
    const max = f.num('debounce_max_ms');
    if (max !== undefined) opts.debounceMaxUs = max * 1000;
    const eds = f.bool('enable_eds_debounce');
    if (eds !== undefined) opts.enableEdsDebounce = eds;
    pushUs = (f.num('fake_full_push_duration_ms') ?? f.num('push_duration_ms') ?? 0) * 1000;
  }
  const debouncer = new Debouncer(opts);
  const queue: Queued[] = [];
  let seq = 0;
  const order = { event: 0, done: 1, timer: 2 } as const;
  const enqueue = (q: Omit<Queued, 'seq' | 'order'>) => queue.push({ ...q, order: order[q.what], seq: seq++ });
  (input.list('events') ?? []).forEach((e, i) => {
    const f = input.child(e, `input.events[${i}]`);
    const kind = f.str('kind');
    if (kind !== 'full' && kind !== 'eds') throw new ShapeError(`input.events[${i}].kind must be full or eds`);
    enqueue({ atUs: (f.num('t_ms') ?? 0) * 1000, what: 'event', kind });
  });
  const pushes: Array<{ atMs: number; full: boolean }> = [];
  const act = (step: DebounceStep, nowUs: number) => {
    if (step.action === 'arm-timer') enqueue({ atUs: step.atUs, what: 'timer' });
    if (step.action === 'push') {
      pushes.push({ atMs: nowUs / 1000, full: step.full });
      if (step.exclusive) enqueue({ atUs: nowUs + pushUs, what: 'done' });
    }
  };
  for (let guard = 0; queue.length > 0 && guard < 1_000_000; guard++) {
    queue.sort((a, b) => a.atUs - b.atUs || a.order - b.order || a.seq - b.seq);
    const q = queue.shift() as Queued;
    if (q.what === 'event') act(debouncer.onEvent(q.atUs, q.kind ?? 'full'), q.atUs);
    else if (q.what === 'timer') act(debouncer.onTimer(q.atUs), q.atUs);
    else act(debouncer.pushDone(q.atUs), q.atUs);
  }
  if (expected.has('full_pushes')) ctx.check('full_pushes', expected.raw('full_pushes'), pushes.filter((p) => p.full).length);
  if (expected.has('eds_pushes')) ctx.check('eds_pushes', expected.raw('eds_pushes'), pushes.filter((p) => !p.full).length);
  if (expected.has('pushes')) ctx.check('pushes', expected.raw('pushes'), pushes.length);
  if (expected.has('push_times_ms')) ctx.check('push_times_ms', expected.raw('push_times_ms'), pushes.map((p) => p.atMs));
  if (expected.has('full_push_times_ms')) ctx.check('full_push_times_ms', expected.raw('full_push_times_ms'), pushes.filter((p) => p.full).map((p) => p.atMs));
}

function defaults(ctx: AdapterContext): void {
  const { expected } = ctx;
  const d = DEFAULT_DEBOUNCE_OPTIONS;
  if (expected.has('debounce_after_ms')) ctx.check('debounce_after_ms', expected.raw('debounce_after_ms'), d.debounceAfterUs / 1000);
  if (expected.has('debounce_max_ms')) ctx.check('debounce_max_ms', expected.raw('debounce_max_ms'), d.debounceMaxUs / 1000);
  if (expected.has('enable_eds_debounce')) ctx.check('enable_eds_debounce', expected.raw('enable_eds_debounce'), d.enableEdsDebounce);
  if (expected.has('push_throttle_concurrent_pushes')) {
    const v = expected.raw('push_throttle_concurrent_pushes');
    if (typeof v !== 'string') throw new ShapeError('expected.push_throttle_concurrent_pushes: give "cores->pushes" examples');
    // e.g. "min(15+5*GOMAXPROCS, 100) ... (e.g. 1 CPU->20, 4->35, 32->100)": check every example pair.
    const pairs = [...v.matchAll(/(\d+)\s*(?:cpus?|cores?)?\s*->\s*(\d+)/gi)];
    if (pairs.length === 0) throw new ShapeError('expected.push_throttle_concurrent_pushes has no "cores->pushes" example');
    for (const m of pairs) ctx.check(`push_throttle_concurrent_pushes(${m[1]} cores)`, Number(m[2]), defaultPushThrottle(Number(m[1])));
  }
}
