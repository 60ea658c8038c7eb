/** `deploy --dry-run` makes no API call, so it needs no kubeconfig (it used to exit 4 without one). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('deploy --dry-run without a kubeconfig', () => {
  it('prints the plan with placeholder API servers (no KUBECONFIG, no ~/.kube/config)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'meshbench-home-'));
    const r = await runCli(['deploy', '--context', 'c1', '--context', 'c2', '--dry-run'], { env: { HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('# cluster1 (context c1)');
    expect(r.stdout).toContain('kind: DestinationRule');
    expect(r.stdout).toContain('<kubeconfig for <API server of context c1> with the token of istio-system/istio-reader-service-account in cluster1 (context c1)>');
  });

  it('an explicit --kubeconfig that does not exist is still exit 4', async () => {
    const r = await runCli(['deploy', '--context', 'c1', '--context', 'c2', '--dry-run', '--kubeconfig', '/nonexistent/kubeconfig'], { env: {} });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('/nonexistent/kubeconfig does not exist');
  });

  it('without --dry-run a missing kubeconfig is exit 4 as before', async () => {
    const home = mkdtempSync(join(tmpdir(), 'meshbench-home-'));
    const r = await runCli(['deploy', '--context', 'c1', '--context', 'c2', '--skip-istio'], { env: { HOME: home } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no kubeconfig found');
  });
});
