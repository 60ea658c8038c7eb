/**
 * The simulator's future event list: a binary min-heap ordered by (time µs, insertion sequence).
 * Ties at the same microsecond pop in insertion order, which keeps runs deterministic.
 * Events are plain records the caller owns; the heap stores parallel arrays to stay cheap on
 * the per-request hot path.
 */
export class EventQueue<T> {
  private timesUs: Float64Array;
  private seqs: Float64Array;
  private items: Array<T | undefined>;
  private size = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    this.timesUs = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    this.items = new Array<T | undefined>(initialCapacity);
  }

  get length(): number {
    return this.size;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTimeUs(): number {
    return this.size === 0 ? Infinity : (this.timesUs[0] as number);
  }

  push(timeUs: number, item: T): void {
    if (this.size === this.timesUs.length) this.grow();
    let i = this.size++;
    const seq = this.nextSeq++;
    const times = this.timesUs;
    const seqs = this.seqs;
    const items = this.items;
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < timeUs || (pt === timeUs && (seqs[parent] as number) < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      items[i] = items[parent];
      i = parent;
    }
    times[i] = timeUs;
    seqs[i] = seq;
    items[i] = item;
  }

  /** Removes and returns the earliest event; its time is available from `lastTimeUs`. */
  pop(): T | undefined {
    if (this.size === 0) return undefined;
    const times = this.timesUs;
    const seqs = this.seqs;
    const items = this.items;
    const top = items[0];
    this.lastTimeUs = times[0] as number;
    const n = --this.size;
    if (n > 0) {
      const t = times[n] as number;
      const s = seqs[n] as number;
      const it = items[n];
      let i = 0;
      // Sift down.
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n) {
          const lt = times[l] as number;
          const rt = times[r] as number;
          if (rt < lt || (rt === lt && (seqs[r] as number) < (seqs[l] as number))) c = r;
        }
        const ct = times[c] as number;
        if (t < ct || (t === ct && s < (seqs[c] as number))) break;
        times[i] = ct;
        seqs[i] = seqs[c] as number;
        items[i] = items[c];
        i = c;
      }
      times[i] = t;
      seqs[i] = s;
      items[i] = it;
    }
    items[n] = undefined;
    return top;
  }

  /** Time of the event most recently returned by `pop`. */
  lastTimeUs = 0;

  private grow(): void {
    const cap = this.timesUs.length * 2;
    const times = new Float64Array(cap);
    times.set(this.timesUs);
    const seqs = new Float64Array(cap);
    seqs.set(this.seqs);
    this.timesUs = times;
    this.seqs = seqs;
    this.items.length = cap;
  }
}
