/**
 * Earliest-deadline-first scheduler over entry indices 0..n-1, allocation-free per pick.
 */

/** Envoy's bound on pre-picks (UINT32_MAX / 10). */
const MAX_PRE_PICKS = 429_496_729;

/**
 * Each pick returns the entry with the earliest deadline (ties: the one added first) and re-adds it
 * with deadline `current + 1 / weight`, the weight recomputed at that moment, so the picks follow
 * the weights (weighted round robin with floating-point weights).
 * Mirrors envoy source/common/upstream/edf_scheduler.h EdfScheduler (pickAndAdd, add,
 * createWithPicks).
 */
export class EdfScheduler {
  private readonly deadline: Float64Array;
  private readonly order: Float64Array;
  private readonly heap: Int32Array;
  private size = 0;
  private currentTime = 0;
  private orderOffset = 0;

  private constructor(n: number) {
    this.deadline = new Float64Array(n);
    this.order = new Float64Array(n);
    this.heap = new Int32Array(n);
  }

  /**
   * A scheduler over entries `0..n-1` whose state equals having added them in order and picked
   * `prePicks` times (the initial-state emulation Envoy uses to randomise the starting point).
   * Entries with weight ≤ 0 are left out (never picked).
   */
  static create(n: number, weightOf: (i: number) => number, prePicks = 0): EdfScheduler {
    const s = new EdfScheduler(n);
    const entries: number[] = [];
    for (let i = 0; i < n; i++) if (weightOf(i) > 0) entries.push(i);
    if (entries.length === 0) return s;
    const picks = Math.floor(prePicks) % MAX_PRE_PICKS;
    // Envoy adds 1e-13 to every weight here so that weights that are multiples of each other give
    // the same order as picking one by one.
    const aug = (i: number) => weightOf(i) + 1e-13;
    let weightsSum = 0;
    for (const i of entries) weightsSum += aug(i);
    let picksSoFar = 0;
    let maxPickTime = 0;
    entries.forEach((i, k) => {
      const w = aug(i);
      let floorPicks = Math.trunc((w * picks) / weightsSum);
      if (floorPicks > 0 && floorPicks / w >= picks / weightsSum) floorPicks--;
      maxPickTime = Math.max(maxPickTime, floorPicks / w);
      s.deadline[i] = (floorPicks + 1) / w;
      s.order[i] = k;
      s.heap[s.size++] = i;
      picksSoFar += floorPicks;
    });
    s.currentTime = maxPickTime;
    s.orderOffset = entries.length;
    for (let k = (s.size >> 1) - 1; k >= 0; k--) s.siftDown(k);
    while (picksSoFar < picks) {
      s.pick(weightOf);
      picksSoFar++;
    }
    return s;
  }

  /** Entries in the schedule. */
  get length(): number {
    return this.size;
  }

  /** Pick the next entry and re-add it with `weightOf(entry)`; -1 when the schedule is empty. */
  pick(weightOf: (i: number) => number): number {
    if (this.size === 0) return -1;
    const top = this.heap[0] as number;
    this.currentTime = this.deadline[top] as number;
    const w = weightOf(top);
    // Envoy asserts weight > 0; a non-positive weight would never be due again.
    this.deadline[top] = w > 0 ? this.currentTime + 1 / w : Number.POSITIVE_INFINITY;
    this.order[top] = this.orderOffset++;
    this.siftDown(0);
    return top;
  }

  private less(a: number, b: number): boolean {
    const da = this.deadline[a] as number;
    const db = this.deadline[b] as number;
    return da < db || (da === db && (this.order[a] as number) < (this.order[b] as number));
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    let k = start;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= this.size) return;
      const r = l + 1;
      let m = l;
      if (r < this.size && this.less(heap[r] as number, heap[l] as number)) m = r;
      if (!this.less(heap[m] as number, heap[k] as number)) return;
      const tmp = heap[k] as number;
      heap[k] = heap[m] as number;
      heap[m] = tmp;
      k = m;
    }
  }
}
