/**
 * Locality comparisons istiod uses to rank endpoint groups relative to a client proxy.
 * Empty strings mean "not set" and compare equal, exactly as the Go getters on a nil/empty
 * `core.Locality` do.
 */
import type { Locality } from '../../model/locality.js';

/**
 * Raw locality priority of an endpoint group for a proxy: 0 same region/zone/subzone, 1 same
 * region+zone, 2 same region, 3 other region.
 * Mirrors istio pilot/pkg/networking/util/util.go LbPriority.
 */
export function lbPriority(proxy: Locality, endpoints: Locality): number {
  if (proxy.region !== endpoints.region) return 3;
  if (proxy.zone !== endpoints.zone) return 2;
  if (proxy.subzone !== endpoints.subzone) return 1;
  return 0;
}

/**
 * Split a locality label `region/zone/subzone` (fewer parts allowed).
 * Mirrors istio pilot/pkg/serviceregistry/util/label/label.go SplitLocalityLabel.
 */
export function splitLocalityLabel(label: string): Locality {
  const items = label.split('/');
  return { region: items[0] ?? '', zone: items[1] ?? '', subzone: items[2] ?? '' };
}

/**
 * Whether a locality matches a rule such as `region1/zone1/*` or `region1`: `*` matches any value
 * in its segment and a missing or empty zone/subzone segment matches anything; the region segment
 * must be equal or `*`.
 * Mirrors istio pilot/pkg/networking/util/util.go LocalityMatch.
 */
export function localityMatch(locality: Locality, rule: string): boolean {
  const r = splitLocalityLabel(rule);
  const regionMatch = r.region === '*' || locality.region === r.region;
  const zoneMatch = r.zone === '*' || r.zone === '' || locality.zone === r.zone;
  const subzoneMatch = r.subzone === '*' || r.subzone === '' || locality.subzone === r.subzone;
  return regionMatch && zoneMatch && subzoneMatch;
}

/**
 * True when no part is set. istiod converts an empty locality label to a nil `core.Locality`
 * (util.ConvertLocality), which matters for the `failover` rule (a nil locality never equals `to`).
 */
export function isUnsetLocality(l: Locality): boolean {
  return l.region === '' && l.zone === '' && l.subzone === '';
}

/**
 * Whether two locality rules can match a common locality (segment by segment: equal, or either
 * side `*`, or an empty zone/subzone on either side). Used to warn about overlapping `distribute.to`
 * keys, whose outcome depends on Go map iteration order in istiod.
 */
export function localityRulesOverlap(a: string, b: string): boolean {
  const x = splitLocalityLabel(a);
  const y = splitLocalityLabel(b);
  const seg = (p: string, q: string, emptyIsWild: boolean) =>
    p === q || p === '*' || q === '*' || (emptyIsWild && (p === '' || q === ''));
  return seg(x.region, y.region, false) && seg(x.zone, y.zone, true) && seg(x.subzone, y.subzone, true);
}
