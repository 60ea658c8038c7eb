/**
 * Versions whose split is decided per connection rather than per request: behind one east-west
 * gateway, each client connection stays on the pod the gateway forwarded it to (istio#32208), so
 * requests through it are not independent draws and a per-request chi-square test over them would
 * reject a correct prediction. The goodness-of-fit test counts such versions as one category
 * (`v2+v3`): the share the client's own load balancer gives the gateway is still per request.
 */

/** Groups with a common version merged (union), each sorted, groups sorted; single versions dropped. */
export function normalizePools(groups: ReadonlyArray<readonly string[]>): string[][] {
  const merged: Array<Set<string>> = [];
  for (const g of groups) {
    const set = new Set(g);
    for (let i = merged.length - 1; i >= 0; i--) {
      const m = merged[i]!;
      if ([...m].some((v) => set.has(v))) {
        for (const v of m) set.add(v);
        merged.splice(i, 1);
      }
    }
    merged.push(set);
  }
  return merged
    .filter((s) => s.size > 1)
    .map((s) => [...s].sort())
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** `record` with the versions of each pool summed under `a+b` (other keys kept). */
export function poolRecord(record: Readonly<Record<string, number>>, pools: ReadonlyArray<readonly string[]>): Record<string, number> {
  const poolOf = new Map<string, string>();
  for (const p of pools) for (const v of p) poolOf.set(v, p.join('+'));
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(record)) {
    const key = poolOf.get(k) ?? k;
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}
