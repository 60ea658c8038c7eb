/**
 * locality_weight: effective locality weights and EDF locality picks inside one priority.
 */
import { createLocalityPicker, effectiveLocalityWeight, type LocalityCandidate } from '../../envoy/locality-wrr.js';
import type { AdapterContext } from '../context.js';
import { ShapeError } from '../fields.js';

/** Resolution used to turn a `healthy_fraction` into host counts (exact for 4-decimal fractions). */
const FRACTION_HOSTS = 10_000;

export function localityWeightAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const opf = input.numOr('overprovisioning_factor', 140);
  const list = input.list('localities');
  if (list === undefined) throw new ShapeError('input.localities is missing');
  const candidates: LocalityCandidate[] = list.map((entry, i) => {
    const f = input.child(entry, `input.localities[${i}]`);
    f.consume('name');
    const weight = f.reqNum('locality_weight');
    if (f.has('healthy_fraction')) {
      const fraction = f.reqNum('healthy_fraction');
      return { weight, eligibleHosts: Math.round(fraction * FRACTION_HOSTS), hostCount: FRACTION_HOSTS };
    }
    const total = f.reqNum('total_hosts') - f.numOr('excluded_hosts', 0);
    return { weight, eligibleHosts: f.reqNum('healthy_hosts'), hostCount: total };
  });
  const eff = candidates.map((c) => effectiveLocalityWeight(c.weight, c.eligibleHosts, c.hostCount, opf));
  const total = eff.reduce((a, b) => a + b, 0);
  const pct = eff.map((e) => (total === 0 ? 0 : (100 * e) / total));
  // Doc tables round inconsistently: ±1 point (vector note); exact values are given to 3 decimals.
  if (expected.has('traffic_pct_doc')) ctx.check('traffic_pct_doc', expected.raw('traffic_pct_doc'), pct, 1);
  if (expected.has('traffic_pct_exact')) ctx.check('traffic_pct_exact', expected.raw('traffic_pct_exact'), pct, 0.001);
  if (expected.has('effective_weights')) ctx.check('effective_weights', expected.raw('effective_weights'), eff, 1e-9);
  if (expected.has('picks')) {
    const picks = input.reqNum('picks');
    const scheduler = input.str('scheduler');
    const seed = scheduler === undefined ? 0 : Number(/seeded\s+(\d+)/i.exec(scheduler)?.[1] ?? Number.NaN);
    if (!Number.isFinite(seed)) throw new ShapeError(`input.scheduler "${scheduler}" names no seed`);
    const picker = createLocalityPicker(candidates, opf, seed);
    const counts = candidates.map(() => 0);
    for (let i = 0; i < picks; i++) {
      const k = picker.pick();
      if (k >= 0) counts[k] = (counts[k] ?? 0) + 1;
    }
    ctx.check('picks', expected.raw('picks'), counts);
  }
}
