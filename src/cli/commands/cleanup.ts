import { Command } from 'commander';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { DEFAULT_TIMEOUT_MS, collect, parseTimeoutMs, requireContexts } from './deploy.js';

interface CleanupOptions {
  context?: string[];
  kubeconfig?: string;
  purgeIstio?: boolean;
  istioctl: string;
  timeout?: number;
  requestTimeout?: number;
}

/** `meshbench cleanup`: removes what deploy created; `--purge-istio` also uninstalls Istio. */
export function cleanupCommand(rt: CliRuntime): Command {
  return new Command('cleanup')
    .description('remove what deploy created (objects labelled app.kubernetes.io/managed-by=meshbench)')
    .option('--context <name>', 'kubeconfig context, repeatable', collect)
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--purge-istio', 'also run `istioctl uninstall --purge` and delete istio-system')
    .option('--istioctl <path>', 'istioctl for --purge-istio', 'istioctl')
    .option('--timeout <duration>', 'how long to wait for namespaces to go away, and for the clusters in all (default: 5m)', parseTimeoutMs)
    .option('--request-timeout <duration>', 'per API request, exec and log stream opening: give up after this long (default: 30s)', parseTimeoutMs)
    .addHelpText('after', '\nExit codes: 0 cleaned, 2 usage, 4 cluster/auth/istioctl problem.')
    .action(async (opts: CleanupOptions, cmd: Command) => {
      const contexts = requireContexts(opts.context ?? [], 1);
      const [{ cleanup }, { createRng }, { lineProgress }, { nodeSpawner }] = await Promise.all([
        import('../../kube/cleanup.js'),
        import('../../sim/rng.js'),
        import('../progress.js'),
        import('../../kube/istioctl.js'),
      ]);
      const rng = createRng(rt.randomSeed());
      const progress = lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock });
      const result = await cleanup(
        {
          contexts,
          purgeIstio: opts.purgeIstio === true,
          istioctl: opts.istioctl,
          timeoutMs: opts.timeout ?? DEFAULT_TIMEOUT_MS,
          ...(opts.requestTimeout !== undefined ? { requestTimeoutMs: opts.requestTimeout } : {}),
          cwd: rt.cwd,
          env: rt.env,
          ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
        },
        { clock: rt.clock, jitter: () => rng.next(), spawnProcess: rt.spawnProcess ?? nodeSpawner, progress, signal: rt.signal },
      );
      const style = styleFor(rt, cmd.optsWithGlobals());
      for (const c of result.clusters) {
        rt.stdout.write(`${style.paint('cleaned', 'green')} ${c.name} (context ${c.context}): ${c.deleted.length} object(s) deleted${c.istioPurged ? ', Istio uninstalled' : ''}\n`);
      }
    });
}
