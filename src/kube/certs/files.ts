/**
 * The certificate directory, laid out as tools/certs leaves it: `root-cert.pem`, `root-key.pem`
 * and one `<cluster>/` per cluster with `ca-cert.pem`, `ca-key.pem`, `root-cert.pem`,
 * `cert-chain.pem` (the four files `kubectl create secret generic cacerts --from-file=...` takes).
 * Private keys are written with mode 0600; nothing is overwritten without `force`.
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CertFilesError } from '../errors.js';
import { generateIntermediateCa, generateRootCa, type CaMaterial, type CertOptions } from './generate.js';

export const ROOT_CERT_FILE = 'root-cert.pem';
export const ROOT_KEY_FILE = 'root-key.pem';
/** Per-cluster files, which are also the data keys of the `cacerts` secret. */
export const CLUSTER_CA_FILES = ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem'] as const;
export type ClusterCaFile = (typeof CLUSTER_CA_FILES)[number];

export interface CreateCertFilesRequest extends CertOptions {
  outDir: string;
  clusters: readonly string[];
  force: boolean;
}

export interface CreatedCertFile {
  path: string;
  /** Holds a private key (mode 0600). */
  isPrivate: boolean;
}

export interface CreateCertFilesResult {
  outDir: string;
  /** True when an existing root CA in `outDir` signed the new intermediates. */
  rootReused: boolean;
  files: CreatedCertFile[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeSecure(path: string, text: string, isPrivate: boolean): Promise<void> {
  const mode = isPrivate ? 0o600 : 0o644;
  await writeFile(path, text, { mode });
  // An overwritten file keeps its old mode: set it explicitly.
  await chmod(path, mode);
}

/**
 * Generate the root CA (or reuse the one already in `outDir` when only new clusters are asked
 * for, as `make <cluster>-cacerts` does) and one intermediate per cluster.
 * @throws CertFilesError naming the first file that exists when `force` is false.
 */
export async function createCertFiles(req: CreateCertFilesRequest): Promise<CreateCertFilesResult> {
  const outDir = resolve(req.outDir);
  const rootCertPath = join(outDir, ROOT_CERT_FILE);
  const rootKeyPath = join(outDir, ROOT_KEY_FILE);
  const clusterPaths = req.clusters.flatMap((c) => CLUSTER_CA_FILES.map((f) => join(outDir, c, f)));
  const rootPresent = (await exists(rootCertPath)) && (await exists(rootKeyPath));
  if (!req.force) {
    for (const p of clusterPaths) {
      if (await exists(p)) {
        throw new CertFilesError(`${p} already exists; not overwriting it`, {
          hint: 'Pass --force to replace the certificates (clusters using the old ones must then get the new cacerts), or choose another --out directory.',
        });
      }
    }
    if (!rootPresent) {
      for (const p of [rootCertPath, rootKeyPath]) {
        if (await exists(p)) {
          throw new CertFilesError(`${p} exists without its pair (${p === rootCertPath ? ROOT_KEY_FILE : ROOT_CERT_FILE}); not overwriting it`, {
            hint: 'Restore the missing file, or pass --force to make a new root CA.',
          });
        }
      }
    }
  }
  const reuseRoot = rootPresent && !req.force;
  const files: CreatedCertFile[] = [];
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  let root: CaMaterial;
  if (reuseRoot) {
    root = { certPem: await readFile(rootCertPath, 'utf8'), keyPem: await readFile(rootKeyPath, 'utf8') };
  } else {
    root = await generateRootCa(req);
    await writeSecure(rootKeyPath, root.keyPem, true);
    await writeSecure(rootCertPath, root.certPem, false);
    files.push({ path: rootCertPath, isPrivate: false }, { path: rootKeyPath, isPrivate: true });
  }
  const intermediates = await Promise.all(req.clusters.map((c) => generateIntermediateCa(root, c, req)));
  for (const m of intermediates) {
    const dir = join(outDir, m.cluster);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const contents: Record<ClusterCaFile, [string, boolean]> = {
      'ca-cert.pem': [m.certPem, false],
      'ca-key.pem': [m.keyPem, true],
      'root-cert.pem': [m.rootCertPem, false],
      'cert-chain.pem': [m.chainPem, false],
    };
    for (const f of CLUSTER_CA_FILES) {
      const [text, isPrivate] = contents[f];
      await writeSecure(join(dir, f), text, isPrivate);
      files.push({ path: join(dir, f), isPrivate });
    }
  }
  return { outDir, rootReused: reuseRoot, files };
}

/**
 * The four `cacerts` files of one cluster from a certificate directory.
 * @throws CertFilesError naming the missing file and how to make it.
 */
export async function readClusterCaFiles(dir: string, cluster: string): Promise<Record<ClusterCaFile, string>> {
  const out = {} as Record<ClusterCaFile, string>;
  for (const f of CLUSTER_CA_FILES) {
    const p = join(resolve(dir), cluster, f);
    try {
      out[f] = await readFile(p, 'utf8');
    } catch (err) {
      throw new CertFilesError(`cannot read ${p} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
        cause: err,
        hint: `Make it with \`meshbench certs --out ${dir} --cluster ${cluster}\` (the root CA in that directory is reused).`,
      });
    }
  }
  return out;
}
