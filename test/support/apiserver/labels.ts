/**
 * Kubernetes label selectors (equality- and set-based), as `?labelSelector=` carries them:
 * `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`, comma-separated (AND).
 */
type Requirement = (labels: Record<string, string>) => boolean;

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

function parseRequirement(r: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(r);
  if (m) {
    const key = m[1] as string;
    const values = (m[3] as string).split(',').map((v) => v.trim());
    return m[2] === 'in' ? (l) => key in l && values.includes(l[key] as string) : (l) => !(key in l) || !values.includes(l[key] as string);
  }
  m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(r);
  if (m) {
    const key = m[1] as string;
    const value = m[3] as string;
    return m[2] === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if (r.startsWith('!')) {
    const key = r.slice(1).trim();
    return (l) => !(key in l);
  }
  if (/^\S+$/.test(r)) return (l) => r in l;
  throw new Error(`unable to parse requirement: ${r}`);
}

/** A predicate over labels; throws on a malformed selector. */
export function parseLabelSelector(selector: string | undefined): (labels: Record<string, string> | undefined) => boolean {
  if (selector === undefined || selector.trim() === '') return () => true;
  const reqs = splitTop(selector).map(parseRequirement);
  return (labels) => reqs.every((q) => q(labels ?? {}));
}

/** Does `labels` match a `matchLabels` map? */
export function matchesLabels(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
