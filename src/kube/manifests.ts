/**
 * Reads the manifests in `manifests/` — the single source of truth for what deploy creates — as
 * plain objects. Empty documents (a trailing `---`, comment-only files) are skipped.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { InvalidInputError, type Problem } from '../errors.js';
import type { KubeObject } from './gateway.js';

/** The files deploy builds its objects from (manifests/README.md describes each). */
export const MANIFEST_FILES = {
  cluster1Operator: '01-cluster1-istiooperator.yaml',
  cluster2Operator: '02-cluster2-istiooperator.yaml',
  eastWestGateway: '03-eastwest-gateway.yaml',
  exposeServices: '04-expose-services.yaml',
  helloworldV1: '05-helloworld-v1.yaml',
  helloworldV2: '06-helloworld-v2.yaml',
  sleep: '07-sleep.yaml',
  destinationRule: '08-locality-lb.yaml',
  observability: '09-observability.yaml',
} as const;

/** Parse a multi-document YAML text into objects (each must have apiVersion, kind, metadata.name or be an IstioOperator). */
export function parseManifest(text: string, file: string): KubeObject[] {
  const problems: Problem[] = [];
  const out: KubeObject[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: true });
  docs.forEach((doc, i) => {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      problems.push({ file, ...(pos ? { line: pos.line, col: pos.col } : {}), path: `document ${i + 1}`, message: e.message.split('\n')[0] ?? e.message });
    }
    if (doc.errors.length > 0) return;
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ file, path: `document ${i + 1}`, message: 'is not a mapping (expected a Kubernetes object)' });
      return;
    }
    const o = value as Partial<KubeObject>;
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
      problems.push({ file, path: `document ${i + 1}`, message: 'needs apiVersion and kind' });
      return;
    }
    const metadata = (o.metadata ?? {}) as KubeObject['metadata'];
    if (o.kind !== 'IstioOperator' && (typeof metadata.name !== 'string' || metadata.name === '')) {
      problems.push({ file, path: `document ${i + 1}.metadata.name`, message: 'is required' });
      return;
    }
    out.push({ ...(o as KubeObject), metadata: { ...metadata, name: metadata.name ?? '' } });
  });
  if (problems.length > 0) throw new InvalidInputError(problems);
  return out;
}

/** Read and parse one manifest file. A missing file is an input problem (exit 3) naming the path. */
export async function loadManifestFile(path: string): Promise<KubeObject[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InvalidInputError([{ file: path, path: '', message: `cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? 'error'})` }], {
      cause: err,
    });
  }
  return parseManifest(text, path);
}

/** Every template deploy needs, read from `dir` (the package's manifests/). */
export interface ManifestTemplates {
  cluster1Operator: KubeObject[];
  cluster2Operator: KubeObject[];
  eastWestGateway: KubeObject[];
  exposeServices: KubeObject[];
  helloworldV1: KubeObject[];
  helloworldV2: KubeObject[];
  sleep: KubeObject[];
  destinationRule: KubeObject[];
  observability: KubeObject[];
}

/**
 * Load all templates. `destinationRuleFile` overrides `08-locality-lb.yaml` (resolved by the caller).
 */
export async function loadTemplates(dir: string, destinationRuleFile?: string): Promise<ManifestTemplates> {
  const names = Object.keys(MANIFEST_FILES) as Array<keyof typeof MANIFEST_FILES>;
  const loaded = await Promise.all(
    names.map((k) => loadManifestFile(k === 'destinationRule' && destinationRuleFile !== undefined ? destinationRuleFile : join(dir, MANIFEST_FILES[k]))),
  );
  const out = {} as ManifestTemplates;
  names.forEach((k, i) => {
    out[k] = loaded[i] as KubeObject[];
  });
  return out;
}
