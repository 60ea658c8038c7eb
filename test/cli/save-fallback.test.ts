/**
 * Nothing lost (issue 17): `--out` is checked before a run (exit 4 naming the path, nothing run),
 * and a save that still fails at the end writes the result to the temp folder, prints its path and
 * exits 4. Both used to drop the result after the whole run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../support/temp-dirs.js';
import { runCli } from '../support/cli.js';

const tempDir = tempDirs('meshbench-save-');

describe('saving results', () => {
  it('--out naming a file: exit 4 before anything runs, naming the path', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const r = await runCli(['run', 'distribution', '--seed', '1', '--out', file]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(`results folder ${file} is not writable`);
    expect(r.stderr).not.toContain('simulating');
    expect(r.stdout).toBe('');
  });

  it('--out /dev/null: exit 4 before anything runs', async () => {
    const r = await runCli(['run', 'distribution', '--seed', '1', '--out', '/dev/null']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('results folder /dev/null is not writable');
    expect(r.stderr).not.toContain('simulating');
  });

  it('a save that fails after the run writes the result to $TMPDIR, prints the path and exits 4', async () => {
    const base = tempDir();
    const out = join(base, 'results');
    const tmp = mkdtempSync(join(base, 'tmp-'));
    let stderr = '';
    let swapped = false;
    const r = await runCli(['run', 'distribution', '--seed', '1', '--out', out], {
      env: { TMPDIR: tmp },
      stderr: {
        // Once the run has started (the folder passed its check), the folder becomes a file.
        write: (s) => {
          stderr += s;
          if (!swapped && stderr.includes('simulating')) {
            swapped = true;
            rmSync(out, { recursive: true, force: true });
            writeFileSync(out, 'not a folder any more');
          }
        },
        isTTY: false,
        columns: 100,
      },
    });
    expect(swapped).toBe(true);
    expect(r.code, stderr).toBe(4);
    const [name, ...more] = readdirSync(tmp);
    expect(more).toEqual([]);
    const path = join(tmp, name as string);
    expect(name).toMatch(/^meshbench-.*-distribution-[0-9a-f]{6}\.json$/);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ scenario: { name: 'distribution' }, target: { kind: 'sim', seed: 1 } });
    expect(stderr).toContain(`the result was written to ${path} instead`);
    expect(stderr).toContain(`error: result not saved in the results folder; it is in ${path}`);
    expect(r.stdout).toContain(`saved ${path} (fallback)`);
  });
});
