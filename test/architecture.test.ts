/**
 * Keeps the spine honest (style.md §1): the pure core (model, sim, measure, render, ingest, app)
 * never touches the clock, randomness, network, filesystem, `process` or `console`, and each layer
 * imports only the layers below it. Regex-based on purpose: no lint dependency, runs in milliseconds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const files = walk(src).map((abs) => ({ abs, rel: relative(src, abs).replaceAll('\\', '/') }));
const layerOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : rel.replace(/\.ts$/, ''));

const PURE = new Set(['model', 'sim', 'measure', 'render', 'ingest', 'app']);

/** Which project layers (and which packages) each layer may import. `errors` and `version` are leaf modules. */
const ALLOWED: Record<string, { layers: string[]; packages: RegExp }> = {
  model: { layers: ['model', 'errors'], packages: /^(zod|yaml)$/ },
  sim: { layers: ['sim', 'model', 'measure', 'errors'], packages: /^$/ },
  // node:zlib: the histogram encoding's deflate (computation only: no clock, files or network).
  measure: { layers: ['measure', 'model', 'errors'], packages: /^(hdr-histogram-js|node:zlib)$/ },
  render: { layers: ['render', 'model', 'measure', 'errors'], packages: /^(asciichart|echarts|echarts\/dist\/echarts\.esm\.min\.mjs)$/ },
  ingest: { layers: ['ingest', 'model', 'measure', 'errors'], packages: /^$/ },
  app: { layers: ['app', 'model', 'sim', 'measure', 'render', 'ingest', 'errors', 'version'], packages: /^$/ },
  fs: { layers: ['fs', 'model', 'measure', 'app', 'errors', 'version', 'ingest'], packages: /^(node:.*|yaml)$/ },
  kube: { layers: ['kube', 'model', 'app', 'errors', 'version', 'render', 'sim', 'measure', 'ingest'], packages: /^(node:.*|@kubernetes\/client-node|@peculiar\/x509|reflect-metadata|yaml)$/ },
};

const FORBIDDEN_IN_PURE: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew Date\s*\(/, 'new Date()'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bprocess\./, 'process.'],
  [/\bconsole\./, 'console.'],
  [/\bsetTimeout\s*\(|\bsetInterval\s*\(|\bsetImmediate\s*\(/, 'timers'],
];

function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3]) as string);
  return out;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const f of files) {
    const layer = layerOf(f.rel);
    const rules = ALLOWED[layer];
    if (rules === undefined) continue; // cli/, errors.ts, version.ts: anything goes
    it(`${f.rel} imports only what ${layer}/ may`, () => {
      const text = readFileSync(f.abs, 'utf8');
      const bad: string[] = [];
      for (const spec of importsOf(text)) {
        if (spec.startsWith('.')) {
          const target = relative(src, resolve(dirname(f.abs), spec)).replaceAll('\\', '/');
          if (target.startsWith('..')) {
            bad.push(`${spec} (outside src/)`);
            continue;
          }
          const targetLayer = layerOf(target.replace(/\.js$/, '.ts'));
          if (!rules.layers.includes(targetLayer)) bad.push(`${spec} (layer ${targetLayer})`);
        } else if (!rules.packages.test(spec)) {
          bad.push(`${spec} (package)`);
        }
      }
      expect(bad, `${f.rel} has forbidden imports`).toEqual([]);
    });
    if (PURE.has(layer)) {
      it(`${f.rel} stays pure (no clock, randomness, process, console, timers)`, () => {
        const code = stripComments(readFileSync(f.abs, 'utf8'));
        const hits = FORBIDDEN_IN_PURE.filter(([re]) => re.test(code)).map(([, what]) => what);
        expect(hits, `${f.rel} uses ${hits.join(', ')}`).toEqual([]);
      });
    }
  }

  it('--help never loads the Kubernetes client: no static import path from bin.ts reaches it', () => {
    const staticImports = (text: string) =>
      [...text.matchAll(/(?:^|\n)\s*import\s+(?!type\b)[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map((m) => (m[1] ?? m[2]) as string);
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (abs: string) => {
      if (seen.has(abs)) return;
      seen.add(abs);
      for (const spec of staticImports(readFileSync(abs, 'utf8'))) {
        if (spec.startsWith('@kubernetes/client-node')) offenders.push(relative(src, abs));
        if (spec.startsWith('.')) visit(resolve(dirname(abs), spec).replace(/\.js$/, '.ts'));
      }
    };
    visit(join(src, 'cli', 'bin.ts'));
    expect(seen.size).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
  });

  it('the rules themselves catch a violation', () => {
    expect(importsOf("import { readFileSync } from 'node:fs';\nimport x from './y.js';")).toEqual(['node:fs', './y.js']);
    expect(FORBIDDEN_IN_PURE.some(([re]) => re.test(stripComments('const t = Date.now();')))).toBe(true);
    expect(FORBIDDEN_IN_PURE.some(([re]) => re.test(stripComments('// Date.now() in a comment')))).toBe(false);
  });
});
