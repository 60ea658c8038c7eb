/**
 * Per-version and per-bucket tables (`Array<T | undefined>`) that keep one V8 elements kind for
 * their whole life. Why: V8 gives empty, holey and packed arrays different hidden classes; tables
 * filled in a different order from one trial to the next (v2 before v1 in the phase after a fault)
 * would otherwise deoptimise the per-request counting code on every trial ("wrong map").
 */

/** An empty table already of the generic packed kind (elements kinds never go back). */
export function packedSlots<T>(): Array<T | undefined> {
  const arr: Array<T | undefined> = [];
  arr.push(undefined);
  arr.length = 0;
  return arr;
}

/** Stores `value` at `index`, padding with `undefined` so the table never has holes. */
export function putPacked<T>(arr: Array<T | undefined>, index: number, value: T): void {
  while (arr.length < index) arr.push(undefined);
  arr[index] = value;
}
