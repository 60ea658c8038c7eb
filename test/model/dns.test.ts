import { describe, expect, it } from 'vitest';
import {
  checkDns1123Label,
  checkLabelKey,
  isDns1123Label,
  isDns1123Subdomain,
  isLabelValue,
  suggestDns1123Label,
} from '../../src/model/dns.js';

describe('Kubernetes names', () => {
  it('accepts DNS-1123 labels and rejects the rest', () => {
    for (const ok of ['a', 'cluster1', 'helloworld-v1', '0abc', 'a'.repeat(63)]) expect(isDns1123Label(ok)).toBe(true);
    for (const bad of ['', 'Cluster1', 'a_b', '-a', 'a-', 'a.b', 'a'.repeat(64), 'é']) expect(isDns1123Label(bad)).toBe(false);
  });

  it('explains a bad label with a corrected example', () => {
    const r = checkDns1123Label('My_Cluster', 'cluster name');
    expect(r).toMatchObject({ ok: false, message: 'cluster name "My_Cluster" is not a DNS-1123 label' });
    expect(r.ok ? '' : r.hint).toContain('"my-cluster"');
    expect(suggestDns1123Label('__')).toBe('my-name');
    expect(checkDns1123Label('a'.repeat(64), 'name').ok ? '' : 'long').toBe('long');
  });

  it('accepts subdomains, label values and label keys', () => {
    expect(isDns1123Subdomain('helloworld.sample')).toBe(true);
    expect(isDns1123Subdomain('Hello.world')).toBe(false);
    expect(isLabelValue('')).toBe(true);
    expect(isLabelValue('us-east1_b.x')).toBe(true);
    expect(isLabelValue('-x')).toBe(false);
    expect(checkLabelKey('topology.istio.io/subzone').ok).toBe(true);
    expect(checkLabelKey('app').ok).toBe(true);
    expect(checkLabelKey('Bad Key').ok).toBe(false);
    expect(checkLabelKey('UPPER.example/x').ok).toBe(false);
  });
});
