/**
 * The certificate directory, laid out as tools/certs leaves it: `root-cert.pem`, `root-key.pem`
 * and one `<cluster>/` per cluster with `ca-cert.pem`, `ca-key.pem`, `root-cert.pem`,
 * `cert-chain.pem` (the four files `kubectl create secret generic cacerts --from-file=...` takes).
 * Private keys are written with mode 0600; nothing is overwritten without `force`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CertFilesError } from '../errors.js';
import { X509Certificate } from 'node:crypto';
import { CERT_DEFAULTS, generateIntermediateCa, generateRootCa, type CaMaterial, type CertOptions } from './generate.js';
import { checkRootPair } from './root-check.js';

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
  /** Things the user should know, e.g. intermediates that outlive a reused root. */
  warnings: string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'error';
}

function unwritable(path: string, err: unknown): CertFilesError {
  return new CertFilesError(`cannot write ${path} (${errCode(err)})`, {
    cause: err,
    hint: 'Choose a writable folder with --out (it is created when missing).',
  });
}

async function writeSecure(path: string, text: string, isPrivate: boolean): Promise<void> {
  const mode = isPrivate ? 0o600 : 0o644;
  try {
    await writeFile(path, text, { mode });
    // An overwritten file keeps its old mode: set it explicitly.
    await chmod(path, mode);
  } catch (err) {
    throw unwritable(path, err);
  }
}

async function makeDir(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw unwritable(path, err);
  }
}

/**
 * `--out` must be a folder we can write in, checked before any key is generated (RSA 4096 takes
 * seconds): a file or a device such as /dev/null is refused, and a probe file tells a read-only
 * folder apart (mode bits alone miss read-only mounts and root).
 */
async function prepareOutDir(outDir: string): Promise<void> {
  const st = await stat(outDir).catch(() => undefined);
  if (st !== undefined && !st.isDirectory()) {
    const what = st.isFile() ? 'a file' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a folder';
    throw new CertFilesError(`--out ${outDir} is ${what}, not a folder`, { hint: 'Name a folder with --out (it is created when missing).' });
  }
  await makeDir(outDir);
  const probe = join(outDir, `.meshbench-write-check-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (err) {
    throw new CertFilesError(`cannot write in ${outDir} (${errCode(err)})`, { cause: err, hint: 'Choose a writable folder with --out.' });
  }
  await rm(probe, { force: true });
}

/**
 * Generate the root CA (or reuse the one already in `outDir` when only new clusters are asked
 * for, as `make <cluster>-cacerts` does) and one intermediate per cluster.
 * @throws CertFilesError (exit 4) naming the first file that exists when `force` is false, or
 *   the path that cannot be written; InvalidInputError (exit 3) when the existing root CA is
 *   corrupt or its key does not match its certificate.
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
  await prepareOutDir(outDir);
  let root: CaMaterial;
  if (reuseRoot) {
    root = checkRootPair(await readRoot(rootCertPath), await readRoot(rootKeyPath), rootCertPath, rootKeyPath);
  } else {
    root = await generateRootCa(req);
    await writeSecure(rootKeyPath, root.keyPem, true);
    await writeSecure(rootCertPath, root.certPem, false);
    files.push({ path: rootCertPath, isPrivate: false }, { path: rootKeyPath, isPrivate: true });
  }
  const intermediates = await Promise.all(req.clusters.map((c) => generateIntermediateCa(root, c, req)));
  for (const m of intermediates) {
    const dir = join(outDir, m.cluster);
    await makeDir(dir);
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
  const warnings: string[] = [];
  if (reuseRoot) {
    // A reused root may expire before the new intermediates; the chain stops verifying then.
    const rootEnds = Date.parse(new X509Certificate(root.certPem).validTo);
    const days = req.intermediateDays ?? CERT_DEFAULTS.intermediateDays;
    if (req.now.getTime() + days * 86_400_000 > rootEnds) {
      warnings.push(`the reused root CA expires on ${new Date(rootEnds).toISOString().slice(0, 10)}, before the new intermediates (${days} days); the chain stops verifying then`);
    }
  }
  return { outDir, rootReused: reuseRoot, files, warnings };
}

async function readRoot(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CertFilesError(`cannot read ${path} (${errCode(err)})`, { cause: err, hint: 'Check its permissions, or pass --force to make a new root CA.' });
  }
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
