import { describe, expect, it } from 'vitest';
import { IstioctlError } from '../../src/kube/errors.js';
import { checkIstioctl, installArgs, nodeSpawner, parseIstioctlVersion, uninstallArgs, type ProcessSpawner } from '../../src/kube/istioctl.js';

describe('istioctl', () => {
  it('parses the version outputs of several releases', () => {
    expect(parseIstioctlVersion('1.24.2\n')).toBe('1.24.2');
    expect(parseIstioctlVersion('client version: 1.18.0\n')).toBe('1.18.0');
    expect(parseIstioctlVersion('1.22.0-beta.1')).toBe('1.22.0-beta.1');
    expect(parseIstioctlVersion('no version')).toBeUndefined();
  });

  it('builds argv arrays, with x uninstall before 1.12', () => {
    expect(installArgs({ context: 'c1', kubeconfig: '/k' }, '/tmp/f.yaml')).toEqual(['install', '-y', '--context', 'c1', '--kubeconfig', '/k', '-f', '/tmp/f.yaml']);
    expect(uninstallArgs({ context: 'c1' }, 11)).toEqual(['x', 'uninstall', '--purge', '-y', '--context', 'c1']);
    expect(uninstallArgs({ context: 'c1' }, 12)).toEqual(['uninstall', '--purge', '-y', '--context', 'c1']);
  });

  it('falls back to `version --remote=false` when --short is unknown', async () => {
    const calls: string[][] = [];
    const spawn: ProcessSpawner = async (_cmd, args) => {
      calls.push([...args]);
      return args.includes('--short') ? { exitCode: 1, stdout: '', stderr: 'unknown flag: --short' } : { exitCode: 0, stdout: 'client version: 1.8.6\n', stderr: '' };
    };
    expect(await checkIstioctl(spawn, 'istioctl')).toEqual({ path: 'istioctl', version: '1.8.6', minor: 8 });
    expect(calls).toHaveLength(2);
  });

  it('runs a real process without a shell and reports a missing one as ENOENT', async () => {
    const r = await nodeSpawner(process.execPath, ['-e', 'console.log(process.argv[1]); console.error("e")', 'a b;c']);
    expect(r).toEqual({ exitCode: 0, stdout: 'a b;c\n', stderr: 'e\n' });
    const err = await checkIstioctl(nodeSpawner, '/nonexistent/istioctl').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IstioctlError);
    expect((err as IstioctlError).hint).toMatch(/--istioctl.*--skip-istio/);
  });
});
