/**
 * Through the CLI: `explain` states east-west gateway pinning for the scenario's load, and a run's
 * report tests the versions behind one gateway as one category (their split is per connection).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('meshbench-pinning-');
const MESH = ['--mesh', 'scenarios/meshes/remote-two-zones.yaml'];

describe('gateway pinning through the CLI (duplicate-gateway, one VU)', () => {
  it('explain counts one connection and gives the all-or-nothing outcome per trial', async () => {
    const r = await runCli(['explain', 'duplicate-gateway', ...MESH, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { entries: Array<{ pinning?: { mode: string; gateways: Array<{ connections?: { min: number; max: number | null } }> } }> };
    expect(doc.entries[0]!.pinning?.mode).toBe('pinned');
    expect(doc.entries[0]!.pinning?.gateways[0]!.connections).toEqual({ min: 1, max: 1 });
    const text = await runCli(['explain', 'duplicate-gateway', ...MESH, '--no-color']);
    expect(text.stdout).toContain('(mean over trials: see gateway pinning)');
    expect(text.stdout.replace(/\s+/g, ' ')).toContain('v2 (chance 25%, 1 pod) or v3 (chance 75%, 3 pods)');
  });

  it('run reports the pinned split as consistent once v2+v3 are tested as one', async () => {
    const r = await runCli(['run', 'duplicate-gateway', ...MESH, '--seed', '1', '--out', tempDir(), '--no-color']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.replace(/\s+/g, ' ');
    expect(out).toContain('tested as one: v2+v3');
    expect(out).toContain('consistent with the predicted split');
  });
});
