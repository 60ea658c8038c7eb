/** Every object in manifests/ and every object `deploy --dry-run` prints is valid against the schemas. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/kube/manifests.js';
import { schemaProblems } from './schema.js';

const dir = join(process.cwd(), 'manifests');

describe('manifests/', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

  it('has the files the README lists, in apply order', () => {
    expect(files).toEqual([
      '01-cluster1-istiooperator.yaml',
      '02-cluster2-istiooperator.yaml',
      '03-eastwest-gateway.yaml',
      '04-expose-services.yaml',
      '05-helloworld-v1.yaml',
      '06-helloworld-v2.yaml',
      '07-sleep.yaml',
      '08-locality-lb.yaml',
      '09-observability.yaml',
    ]);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const f of files) expect(readme).toContain(f);
  });

  for (const f of files) {
    it(`${f} is valid against the Kubernetes/Istio schemas`, () => {
      const objs = parseManifest(readFileSync(join(dir, f), 'utf8'), f);
      expect(objs.length).toBeGreaterThan(0);
      expect(objs.flatMap(schemaProblems)).toEqual([]);
    });
  }

  it('the validator catches a wrong type, an unknown field and an unknown IstioOperator field', () => {
    const bad = parseManifest(
      [
        'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: "5000x"}]}',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {selector: {}, template: {spec: {containers: [{name: a, imagePullPolicyy: Always}]}}}',
        'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {values: {global: {meshId: mesh1}}}',
        'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec: {servers: [{port: {number: "x", name: tls, protocol: TLS}, hosts: ["*"]}]}',
      ].join('\n---\n'),
      'bad.yaml',
    );
    const problems = bad.flatMap(schemaProblems);
    expect(problems.some((p) => p.includes('Service x') && p.includes('port'))).toBe(true);
    expect(problems.some((p) => p.includes('unknown field spec.template.spec.containers[0].imagePullPolicyy'))).toBe(true);
    expect(problems.some((p) => p.includes('spec.values.global.meshId'))).toBe(true);
    expect(problems.some((p) => p.includes('Gateway g') && p.includes('integer'))).toBe(true);
  });
});
