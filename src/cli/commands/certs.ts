import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { collect } from './deploy.js';

interface CertsOptions {
  out: string;
  cluster?: string[];
  force?: boolean;
  keySize: number;
  rootDays?: number;
  intermediateDays?: number;
}

/** Certificate lifetimes: whole days, 1 … 36500 (a hundred years is already past any sane CA). */
function parseDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 36_500) throw new InvalidArgumentError(`expected a whole number of days from 1 to 36500, got '${value}'`);
  return n;
}

function parseKeySize(value: string): number {
  const n = Number(value);
  if (![2048, 3072, 4096].includes(n)) throw new InvalidArgumentError(`expected 2048, 3072 or 4096, got '${value}'`);
  return n;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * `meshbench certs`: a root CA and one intermediate CA per cluster, as Istio's
 * tools/certs/Makefile.selfsigned.mk makes them (for the `cacerts` secrets).
 */
export function certsCommand(rt: CliRuntime): Command {
  return new Command('certs')
    .description("make a root CA and per-cluster intermediate CAs the way Istio's tools/certs Makefile does")
    .option('--out <dir>', 'directory to write (root-cert.pem, root-key.pem, <cluster>/...)', 'certs')
    .option('--cluster <name>', 'cluster to make an intermediate for, repeatable (default: cluster1 cluster2)', collect)
    .option('--force', 'replace existing files (including the root CA)')
    .option('--key-size <bits>', 'RSA key size', parseKeySize, 4096)
    .option('--root-days <n>', 'lifetime of a new root CA in days (default: 3650, ROOTCA_DAYS in Istio\'s tools/certs/common.mk)', parseDays)
    .option('--intermediate-days <n>', 'lifetime of each intermediate CA in days (default: 730, INTERMEDIATE_DAYS there)', parseDays)
    .addHelpText(
      'after',
      '\nAn existing root CA in --out is reused when only new clusters are asked for.\n' +
        'Then: kubectl create secret generic cacerts -n istio-system --from-file=<dir>/cluster1/{ca-cert,ca-key,root-cert,cert-chain}.pem,\n' +
        '      or meshbench deploy --certs <dir> ...\n' +
        'Check the chain: openssl verify -CAfile <dir>/root-cert.pem <dir>/cluster1/ca-cert.pem\n' +
        '\nExit codes: 0 written, 2 usage, 3 the existing root CA is corrupt or its key does not match it,\n' +
        '            4 a file exists (without --force) or --out is not a writable folder.',
    )
    .action(async (opts: CertsOptions, cmd: Command) => {
      const clusters = opts.cluster ?? ['cluster1', 'cluster2'];
      for (const c of clusters) {
        if (!DNS_LABEL.test(c)) throw new UsageError(`cluster name '${c}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`);
      }
      const { CERT_DEFAULTS } = await import('../../kube/certs/generate.js');
      const rootDays = opts.rootDays ?? CERT_DEFAULTS.rootDays;
      const intermediateDays = opts.intermediateDays ?? CERT_DEFAULTS.intermediateDays;
      // An intermediate that outlives its root stops verifying when the root expires.
      if (intermediateDays > rootDays) throw new UsageError(`--intermediate-days ${intermediateDays} is longer than the root CA's ${rootDays} days`);
      const [{ createCertFiles }, { resolve }] = await Promise.all([import('../../kube/certs/files.js'), import('node:path')]);
      const result = await createCertFiles({
        outDir: resolve(rt.cwd, opts.out),
        clusters,
        force: opts.force === true,
        keySizeBits: opts.keySize,
        rootDays,
        intermediateDays,
        now: rt.clock.wallNow(),
      });
      const style = styleFor(rt, cmd.optsWithGlobals());
      const lines = [
        result.rootReused
          ? `reused the root CA in ${result.outDir}`
          : `${style.paint('root CA', 'green')} ${result.outDir}/root-cert.pem (RSA ${opts.keySize}, ${rootDays} days)`,
        `intermediate CAs: ${intermediateDays} days`,
      ];
      for (const f of result.files) lines.push(`  ${f.path}${f.isPrivate ? '  (private key, 0600)' : ''}`);
      for (const w of result.warnings) rt.stderr.write(`${styleFor(rt, cmd.optsWithGlobals(), rt.stderr).paint('warning:', 'yellow')} ${w}\n`);
      rt.stdout.write(`${lines.join('\n')}\n`);
    });
}
