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
    .addHelpText(
      'after',
      '\nAn existing root CA in --out is reused when only new clusters are asked for.\n' +
        'Then: kubectl create secret generic cacerts -n istio-system --from-file=<dir>/cluster1/{ca-cert,ca-key,root-cert,cert-chain}.pem,\n' +
        '      or meshbench deploy --certs <dir> ...\n\nExit codes: 0 written, 2 usage, 4 a file exists (without --force) or cannot be written.',
    )
    .action(async (opts: CertsOptions, cmd: Command) => {
      const clusters = opts.cluster ?? ['cluster1', 'cluster2'];
      for (const c of clusters) {
        if (!DNS_LABEL.test(c)) throw new UsageError(`cluster name '${c}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`);
      }
      const [{ createCertFiles }, { CERT_DEFAULTS }, { resolve }] = await Promise.all([
        import('../../kube/certs/files.js'),
        import('../../kube/certs/generate.js'),
        import('node:path'),
      ]);
      const result = await createCertFiles({
        outDir: resolve(rt.cwd, opts.out),
        clusters,
        force: opts.force === true,
        keySizeBits: opts.keySize,
        days: CERT_DEFAULTS.days,
        now: rt.clock.wallNow(),
      });
      const style = styleFor(rt, cmd.optsWithGlobals());
      const lines = [
        result.rootReused
          ? `reused the root CA in ${result.outDir}`
          : `${style.paint('root CA', 'green')} ${result.outDir}/root-cert.pem (RSA ${opts.keySize}, ${CERT_DEFAULTS.days} days)`,
      ];
      for (const f of result.files) lines.push(`  ${f.path}${f.isPrivate ? '  (private key, 0600)' : ''}`);
      rt.stdout.write(`${lines.join('\n')}\n`);
    });
}
