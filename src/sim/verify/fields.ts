/**
 * A read-tracking view of a vector's `input` or `expected` object: adapters read fields through
 * it, and every field nobody read is reported, so a vector with a field the runner does not
 * understand is SKIPped instead of passing by accident.
 */

/** The vector has a shape the adapter cannot interpret (reported as SKIP with this reason). */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export class Fields {
  private readonly data: Readonly<Record<string, unknown>>;
  readonly path: string;
  private readonly used = new Set<string>();
  private readonly children: Fields[] = [];

  constructor(obj: unknown, path: string) {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new ShapeError(`${path} is not an object`);
    this.data = obj as Record<string, unknown>;
    this.path = path;
  }

  /** Field names present. */
  keys(): string[] {
    return Object.keys(this.data);
  }

  /** Present (even when null), without marking it read. */
  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.data, key);
  }

  /** The raw value; marks the field read. */
  raw(key: string): unknown {
    this.used.add(key);
    return this.data[key];
  }

  /** Mark fields read without using them (informational fields such as doc values). */
  consume(...keys: string[]): void {
    for (const k of keys) if (this.has(k)) this.used.add(k);
  }

  num(key: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShapeError(`${this.path}.${key} is not a number`);
    return v;
  }

  numOr(key: string, fallback: number): number {
    return this.num(key) ?? fallback;
  }

  reqNum(key: string): number {
    const v = this.num(key);
    if (v === undefined) throw new ShapeError(`${this.path}.${key} is missing`);
    return v;
  }

  str(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new ShapeError(`${this.path}.${key} is not a string`);
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw new ShapeError(`${this.path}.${key} is not a boolean`);
    return v;
  }

  list(key: string): unknown[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw new ShapeError(`${this.path}.${key} is not a list`);
    return v;
  }

  /** A nested object as tracked Fields (its unread fields are reported too). */
  obj(key: string): Fields | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    return this.child(v, `${this.path}.${key}`);
  }

  /** Track an object found inside a list or elsewhere under this one. */
  child(value: unknown, path: string): Fields {
    const f = new Fields(value, path);
    this.children.push(f);
    return f;
  }

  /** Dotted paths of fields never read, here and in tracked children. */
  unread(): string[] {
    const own = this.keys()
      .filter((k) => !this.used.has(k))
      .map((k) => `${this.path}.${k}`);
    return [...own, ...this.children.flatMap((c) => c.unread())];
  }
}
