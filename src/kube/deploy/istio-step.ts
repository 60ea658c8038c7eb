/**
 * Exercise 2: Istio through the user's istioctl — the control plane (01/02, with meshID, cluster
 * name and network) and the east-west gateway (03, for the cluster's network) — one
 * `istioctl install -y --context <ctx> -f <file>` each, files written to a private temp directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Progress } from '../../app/ports.js';
import { IstioctlError } from '../errors.js';
import type { ConnectedCluster } from '../index.js';
import { installArgs, tail, type IstioctlInfo, type ProcessSpawner } from '../istioctl.js';
import type { ManifestTemplates } from '../manifests.js';
import { controlPlaneOperator, eastWestOperator } from '../testbed.js';

export interface IstioInstallOptions {
  istioctl: IstioctlInfo;
  spawnProcess: ProcessSpawner;
  kubeconfig?: string;
  progress: Progress;
  tmpRoot?: string;
  signal?: AbortSignal;
}

/** Install the control plane and the east-west gateway in every cluster, in cluster order. */
export async function installIstio(clusters: readonly ConnectedCluster[], t: ManifestTemplates, opts: IstioInstallOptions): Promise<void> {
  const dir = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), 'meshbench-istio-'));
  try {
    for (const c of clusters) {
      const steps: Array<[string, string]> = [
        ['control plane', stringify(controlPlaneOperator(t, c.spec))],
        ['east-west gateway', stringify(eastWestOperator(t, c.spec))],
      ];
      for (const [what, yaml] of steps) {
        const file = join(dir, `${c.spec.name}-${what.replace(/\W+/g, '-')}.yaml`);
        await writeFile(file, yaml, { mode: 0o600 });
        const target = { context: c.spec.context, ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}) };
        const args = installArgs(target, file);
        opts.progress.note(`${c.spec.name}: istioctl ${opts.istioctl.version} install (${what}, network ${c.spec.network}); this takes a few minutes`);
        const spawnOpts: Parameters<ProcessSpawner>[2] = { onLine: (l) => opts.progress.update(`${c.spec.name}: istioctl: ${l.trim()}`) };
        if (opts.signal !== undefined) spawnOpts.signal = opts.signal;
        const r = await opts.spawnProcess(opts.istioctl.path, args, spawnOpts);
        if (r.exitCode !== 0) {
          throw new IstioctlError(`istioctl install of the ${what} failed in ${c.spec.name} (context '${c.spec.context}', exit ${r.exitCode}):\n${tail(r.stderr || r.stdout)}`, {
            hint: `Run it by hand to see everything: istioctl ${args.join(' ').replace(file, `<${what} IstioOperator, see meshbench deploy --dry-run>`)}`,
          });
        }
        opts.progress.note(`${c.spec.name}: ${what} installed`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
