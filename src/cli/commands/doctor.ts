import { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';
import { collect, parseTimeoutMs, requireContexts } from './deploy.js';

interface DoctorOptions {
  context?: string[];
  kubeconfig?: string;
  json?: boolean;
  istioctl?: string;
  timeout?: number;
  requestTimeout?: number;
}

/**
 * `meshbench doctor`: the seed's verification and troubleshooting steps as checks, each with
 * pass/warn/fail and the fix. Exit 4 when a check fails (warnings alone: 0).
 */
export function doctorCommand(rt: CliRuntime): Command {
  return new Command('doctor')
    .description('check the multi-cluster test bed: istiod, root certs, remote secrets, gateways, injection, endpoints, proxy-status, remote clusters, trust bundles, istioctl analyze')
    .option('--context <name>', 'kubeconfig context, repeatable, in cluster order (cluster1 first: it runs the sleep client)', collect)
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--json', 'print the report as JSON on stdout')
    .option('--istioctl <path>', 'istioctl for `istioctl analyze` (skipped when not installed)', 'istioctl')
    .option('--timeout <duration>', 'give up on the clusters after this long in all (exit 4 naming what it waited for)', parseTimeoutMs)
    .option('--request-timeout <duration>', 'per API request, exec and log stream opening: give up after this long (default: 30s)', parseTimeoutMs)
    .addHelpText('after', '\nExit codes: 0 no check failed (warnings allowed), 2 usage, 4 a check failed.')
    .action(async (opts: DoctorOptions, cmd: Command) => {
      const contexts = requireContexts(opts.context ?? [], 1);
      const [{ doctor }, { formatDoctorReport }, { createRng }, { lineProgress }, { nodeSpawner }] = await Promise.all([
        import('../../kube/doctor/doctor.js'),
        import('../../kube/doctor/format.js'),
        import('../../sim/rng.js'),
        import('../progress.js'),
        import('../../kube/istioctl.js'),
      ]);
      const rng = createRng(rt.randomSeed());
      const progress = lineProgress((s) => rt.stderr.write(s), { isTTY: rt.stderr.isTTY, clock: rt.clock });
      const report = await doctor(
        {
          contexts,
          cwd: rt.cwd,
          env: rt.env,
          ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
          ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {}),
          ...(opts.requestTimeout !== undefined ? { requestTimeoutMs: opts.requestTimeout } : {}),
        },
        { clock: rt.clock, jitter: () => rng.next(), progress, signal: rt.signal, spawnProcess: rt.spawnProcess ?? nodeSpawner, ...(opts.istioctl !== undefined ? { istioctl: opts.istioctl } : {}) },
      );
      if (opts.json === true) rt.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else rt.stdout.write(formatDoctorReport(report, styleFor(rt, cmd.optsWithGlobals())));
      if (report.summary.fail > 0) rt.setExitCode(ExitCode.Environment);
    });
}
