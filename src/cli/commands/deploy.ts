import { Command, InvalidArgumentError } from 'commander';
import { parseDurationUs } from '../../model/duration.js';
import { UsageError } from '../../errors.js';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';

interface DeployOptions {
  context?: string[];
  kubeconfig?: string;
  istioctl: string;
  skipIstio?: boolean;
  certs?: string;
  dryRun?: boolean;
  observability?: boolean;
  destinationRule?: string;
  timeout?: number;
  remoteServer?: Record<string, string>;
}

/** Rollouts and namespace deletions are waited for this long by default (5 minutes). */
export const DEFAULT_TIMEOUT_MS = 300_000;

/** commander collector for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--remote-server cluster1=https://10.0.0.5:6443`, collected by cluster name. */
export function collectRemoteServer(value: string, prev: Record<string, string>): Record<string, string> {
  const m = /^([a-z0-9-]+)=(.+)$/.exec(value);
  let url: URL | undefined;
  try {
    url = m ? new URL(m[2] as string) : undefined;
  } catch {
    url = undefined;
  }
  if (!m || url === undefined || url.protocol !== 'https:') throw new InvalidArgumentError(`expected <cluster>=https://<host>:<port>, e.g. cluster1=https://172.18.0.2:6443, got '${value}'`);
  return { ...prev, [m[1] as string]: m[2] as string };
}

/** `--timeout 5m` → ms. */
export function parseTimeoutMs(value: string): number {
  const r = parseDurationUs(value);
  if (!r.ok || r.value <= 0) throw new InvalidArgumentError(`expected a duration such as 90s or 5m, got '${value}'`);
  return Math.round(r.value / 1000);
}

/** At least `min` distinct contexts, in the order given. */
export function requireContexts(contexts: readonly string[], min: number): string[] {
  if (contexts.length < min) throw new UsageError(`give ${min === 1 ? 'a kubeconfig context' : `at least ${min} kubeconfig contexts`} with --context (repeat it: --context c1 --context c2)`);
  const dup = contexts.find((c, i) => contexts.indexOf(c) !== i);
  if (dup !== undefined) throw new UsageError(`context '${dup}' is given twice; each cluster needs its own context`);
  return [...contexts];
}

/**
 * `meshbench deploy`: the seed's test bed on real clusters (namespaces, cacerts, Istio via
 * istioctl, east-west gateways, exposed services, remote secrets, helloworld, sleep, the
 * DestinationRule), idempotent; `--dry-run` prints every object and calls no API.
 */
export function deployCommand(rt: CliRuntime): Command {
  return new Command('deploy')
    .description("set up the seed's multi-cluster test bed on real clusters (idempotent)")
    .option('--context <name>', 'kubeconfig context, repeatable, in cluster order (cluster1, cluster2, ...)', collect)
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--istioctl <path>', 'istioctl to install Istio with (1.6–1.31)', 'istioctl')
    .option('--skip-istio', 'Istio and the east-west gateways are already installed; do not run istioctl')
    .option('--certs <dir>', 'certificates from `meshbench certs` (default: keep existing cacerts, or generate)')
    .option('--observability', 'also install Prometheus and Kiali (manifests/09-observability.yaml)')
    .option('--destination-rule <file>', 'DestinationRule to apply instead of manifests/08-locality-lb.yaml')
    .option('--timeout <duration>', 'how long to wait for the rollouts, and for the clusters in all (default: 5m)', parseTimeoutMs)
    .option('--remote-server <cluster=url>', "API server address the other clusters' istiod uses for this cluster (istioctl create-remote-secret --server; kind on macOS, private GKE/EKS endpoints), repeatable", collectRemoteServer, {})
    .option('--dry-run', 'print every object as YAML and change nothing (no API calls)')
    .addHelpText(
      'after',
      '\nExamples:\n  meshbench deploy --context kind-c1 --context kind-c2\n  meshbench deploy --context c1 --context c2 --certs ./certs --istioctl ~/istio-1.24.2/bin/istioctl\n' +
        '  meshbench deploy --context c1 --context c2 --dry-run > testbed.yaml\n\nExit codes: 0 deployed, 2 usage, 3 invalid manifest, 4 cluster/auth/istioctl problem.',
    )
    .action(async (opts: DeployOptions, cmd: Command) => {
      const contexts = requireContexts(opts.context ?? [], 2);
      const [{ deploy }, { packageRoot }, { createRng }, { lineProgress }, { nodeSpawner }] = await Promise.all([
        import('../../kube/deploy/deploy.js'),
        import('../../fs/package-root.js'),
        import('../../sim/rng.js'),
        import('../progress.js'),
        import('../../kube/istioctl.js'),
      ]);
      const rng = createRng(rt.randomSeed());
      const progress = lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock });
      const result = await deploy(
        {
          contexts,
          istioctl: opts.istioctl,
          skipIstio: opts.skipIstio === true,
          dryRun: opts.dryRun === true,
          observability: opts.observability === true,
          timeoutMs: opts.timeout ?? DEFAULT_TIMEOUT_MS,
          ...(Object.keys(opts.remoteServer ?? {}).length > 0 ? { remoteServers: opts.remoteServer } : {}),
          manifestsDir: `${packageRoot()}/manifests`,
          cwd: rt.cwd,
          env: rt.env,
          ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
          ...(opts.certs !== undefined ? { certsDir: opts.certs } : {}),
          ...(opts.destinationRule !== undefined ? { destinationRuleFile: opts.destinationRule } : {}),
        },
        { clock: rt.clock, jitter: () => rng.next(), spawnProcess: rt.spawnProcess ?? nodeSpawner, progress, now: () => rt.clock.wallNow(), signal: rt.signal },
      );
      if (result.dryRunYaml !== undefined) {
        rt.stdout.write(result.dryRunYaml);
        return;
      }
      const style = styleFor(rt, cmd.optsWithGlobals());
      const lines = [`${style.paint('deployed', 'green')} the test bed on ${result.clusters.length} clusters:`];
      for (const c of result.clusters) lines.push(`  ${c.name}  context ${c.context}  network ${c.network}${c.istio ? `  Istio ${c.istio}` : ''}`);
      if (result.istioctl) lines.push(`istioctl ${result.istioctl.version} (${result.istioctl.path})`);
      if (result.certs?.generated) lines.push(`certificates generated in ${result.certs.dir} (keep them; pass --certs ${result.certs.dir} to add clusters later)`);
      for (const w of result.warnings) lines.push(`${style.paint('warning:', 'yellow')} ${w}`);
      lines.push(`next: meshbench doctor ${contexts.map((c) => `--context ${c}`).join(' ')}`);
      rt.stdout.write(`${lines.join('\n')}\n`);
    });
}
