/**
 * Exercise 1: the `cacerts` secret of every cluster from one root. From `--certs <dir>` when given
 * (applied as is, so a second deploy changes nothing); otherwise existing secrets are kept when
 * every cluster has one, and a fresh root + intermediates are generated (into a private temporary
 * directory whose path is reported) when none has.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Progress } from '../../app/ports.js';
import { EnvironmentError } from '../../errors.js';
import { CERT_DEFAULTS } from '../certs/generate.js';
import { createCertFiles, readClusterCaFiles } from '../certs/files.js';
import type { ConnectedCluster } from '../index.js';
import { CACERTS_SECRET, ISTIO_NAMESPACE, cacertsSecret } from '../testbed.js';

export interface CacertsOptions {
  certsDir?: string;
  /** Where a generated directory goes (default: the OS temp dir). */
  tmpRoot?: string;
  /** Validity start of generated certificates. */
  now: Date;
  keySizeBits?: number;
  progress: Progress;
}

/** @returns the directory the certificates came from and whether meshbench generated it now. */
export async function applyCacerts(clusters: readonly ConnectedCluster[], opts: CacertsOptions): Promise<{ dir?: string; generated: boolean }> {
  let dir = opts.certsDir;
  let generated = false;
  if (dir === undefined) {
    const present: boolean[] = [];
    for (const c of clusters) {
      present.push((await c.gateway.get({ apiVersion: 'v1', kind: 'Secret', namespace: ISTIO_NAMESPACE, name: CACERTS_SECRET })) !== undefined);
    }
    if (present.every(Boolean)) {
      opts.progress.note(`cacerts present in every cluster; kept (pass --certs <dir> to replace them)`);
      return { generated: false };
    }
    if (present.some(Boolean)) {
      const have = clusters.filter((_, i) => present[i]).map((c) => c.spec.name);
      const lack = clusters.filter((_, i) => !present[i]).map((c) => c.spec.name);
      throw new EnvironmentError(`${have.join(', ')} already ha${have.length === 1 ? 's' : 've'} a cacerts secret but ${lack.join(', ')} do${lack.length === 1 ? 'es' : ''} not`, {
        code: 'CACERTS_PARTIAL',
        hint: `Pass --certs <dir> with the root CA that signed the existing intermediates (meshbench certs --out <dir> --cluster ${lack.join(' --cluster ')} adds intermediates to an existing root).`,
      });
    }
    dir = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), 'meshbench-certs-'));
    opts.progress.note(`generating a root CA and ${clusters.length} intermediate CAs (RSA ${opts.keySizeBits ?? CERT_DEFAULTS.keySizeBits}) in ${dir}`);
    await createCertFiles({
      outDir: dir,
      clusters: clusters.map((c) => c.spec.name),
      force: false,
      keySizeBits: opts.keySizeBits ?? CERT_DEFAULTS.keySizeBits,
      now: opts.now,
    });
    generated = true;
  }
  for (const c of clusters) {
    const files = await readClusterCaFiles(dir, c.spec.name);
    await c.gateway.apply(cacertsSecret(files));
    opts.progress.note(`${c.spec.name}: applied Secret ${ISTIO_NAMESPACE}/${CACERTS_SECRET} from ${join(dir, c.spec.name)}`);
  }
  return { dir, generated };
}
