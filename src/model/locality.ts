/** A Kubernetes topology locality. Empty strings mean "not set" (they compare equal, as in istiod). */
export interface Locality {
  region: string;
  zone: string;
  subzone: string;
}

/** Parse `region/zone[/subzone]` (any part may be empty). */
export function parseLocality(s: string): Locality {
  const [region = '', zone = '', subzone = ''] = s.split('/');
  return { region, zone, subzone };
}

/** Canonical `region/zone/subzone` string (istiod's locality label form, with `/`). */
export function formatLocality(l: Locality): string {
  return `${l.region}/${l.zone}/${l.subzone}`;
}

export function sameLocality(a: Locality, b: Locality): boolean {
  return a.region === b.region && a.zone === b.zone && a.subzone === b.subzone;
}
