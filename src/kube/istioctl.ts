/**
 * The user's istioctl, run as a child process with an argv array (never through a shell). The
 * spawner is a port so tests run deploy/cleanup with a fake istioctl and no binary.
 */
import { spawn } from 'node:child_process';
import { istioProfile, NEWEST_MINOR, OLDEST_MINOR } from '../sim/istio-profile.js';
import { IstioctlError } from './errors.js';

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  signal?: AbortSignal;
  /** Called with each line the process prints (progress), besides collecting it. */
  onLine?: (line: string) => void;
}

/**
 * Runs `command` with `args` (no shell) and collects its output.
 * Rejects with an error whose `code` is `ENOENT` when the executable does not exist.
 */
export type ProcessSpawner = (command: string, args: readonly string[], opts?: SpawnOptions) => Promise<ProcessResult>;

/** The real spawner: node:child_process.spawn with `shell: false`. */
export const nodeSpawner: ProcessSpawner = (command, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const spawnOpts: Parameters<typeof spawn>[2] = { shell: false, stdio: ['ignore', 'pipe', 'pipe'] };
    if (opts.signal !== undefined) spawnOpts.signal = opts.signal;
    const child = spawn(command, [...args], spawnOpts);
    let stdout = '';
    let stderr = '';
    let partial = '';
    const lines = (chunk: string) => {
      if (opts.onLine === undefined) return;
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const l of parts) opts.onLine(l);
    };
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      lines(c);
    });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      lines(c);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
  });

/** Where istioctl talks to: one context of one kubeconfig. */
export interface IstioctlTarget {
  context: string;
  /** Passed as --kubeconfig when the user gave one. */
  kubeconfig?: string;
}

function targetArgs(t: IstioctlTarget): string[] {
  return ['--context', t.context, ...(t.kubeconfig !== undefined ? ['--kubeconfig', t.kubeconfig] : [])];
}

/** `istioctl install -y --context C [--kubeconfig F] -f FILE` */
export function installArgs(t: IstioctlTarget, file: string): string[] {
  return ['install', '-y', ...targetArgs(t), '-f', file];
}

/**
 * `istioctl uninstall --purge -y --context C`; istioctl ≤1.11 only had it as `istioctl x uninstall`
 * (it moved to the top level in 1.12).
 */
export function uninstallArgs(t: IstioctlTarget, minor: number): string[] {
  return [...(minor <= 11 ? ['x'] : []), 'uninstall', '--purge', '-y', ...targetArgs(t)];
}

/** The first `x.y.z[-suffix]` in istioctl's version output (`1.24.2`, `client version: 1.24.2`). */
export function parseIstioctlVersion(output: string): string | undefined {
  return /\b(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\b/.exec(output)?.[1];
}

export interface IstioctlInfo {
  path: string;
  /** Full version, e.g. `1.24.2`. */
  version: string;
  minor: number;
}

function missing(path: string, err: unknown): IstioctlError {
  return new IstioctlError(`istioctl not found at '${path}'`, {
    cause: err,
    hint: 'Install istioctl (https://istio.io/latest/docs/setup/getting-started/#download), pass its path with --istioctl, or use --skip-istio when Istio is already installed.',
  });
}

/**
 * Runs `istioctl version --remote=false --short` (then without `--short` for versions that lack
 * it) and checks the version is one meshbench knows (1.6–1.31).
 * @throws IstioctlError when missing, failing or unsupported.
 */
export async function checkIstioctl(spawnProcess: ProcessSpawner, path: string): Promise<IstioctlInfo> {
  let out: ProcessResult | undefined;
  for (const args of [
    ['version', '--remote=false', '--short'],
    ['version', '--remote=false'],
  ]) {
    try {
      out = await spawnProcess(path, args);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') throw missing(path, err);
      throw new IstioctlError(`could not run ${path}: ${(err as Error).message}`, { cause: err });
    }
    if (out.exitCode === 0) break;
  }
  if (out === undefined || out.exitCode !== 0) {
    throw new IstioctlError(`'${path} version --remote=false' failed (exit ${out?.exitCode}): ${tail(out?.stderr ?? '')}`);
  }
  const version = parseIstioctlVersion(out.stdout);
  const profile = version !== undefined ? istioProfile(version) : undefined;
  if (version === undefined || profile === undefined) {
    throw new IstioctlError(`istioctl at '${path}' reports version '${out.stdout.trim()}', which meshbench does not support`, {
      hint: `Use istioctl 1.${OLDEST_MINOR} to 1.${NEWEST_MINOR} (pass its path with --istioctl).`,
    });
  }
  return { path, version, minor: profile.minor };
}

/** The last few lines of a process's output, for an error message. */
export function tail(text: string, lines = 6): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
