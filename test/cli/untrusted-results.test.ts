/**
 * Untrusted result files (issue 17): histograms are checked before decoding (a 554 KB file whose
 * histogram inflates to 400 MB used to take ~900 MB and 35 s, then report figures from it), result
 * files are read only when they are regular files under a size limit (a FIFO named x.json hung
 * `list`), control characters are escaped on the way to the terminal, and `report` finds a result
 * by the id stored in it when the file was renamed.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../support/temp-dirs.js';
import { runCli } from '../support/cli.js';

const FIXTURE = 'test/fixtures/results/20261123-214500-failover-3fa2c1.json';
const BOMB = 'test/fixtures/untrusted/histogram-bomb.json';

const tempDir = tempDirs('meshbench-untrusted-');

describe('untrusted result files', () => {
  it('refuses a histogram that inflates to 400 MB with exit 3, before decoding it (report and compare)', async () => {
    const r = await runCli(['report', BOMB]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`${BOMB}  histograms.latency  histogram inflates past 1 MiB`);
    expect(r.stdout).toBe('');
    const c = await runCli(['compare', FIXTURE, BOMB]);
    expect(c.code, c.stderr).toBe(3);
    expect(c.stderr).toContain('histograms.latency  histogram inflates past 1 MiB');
  });

  it('refuses a result file past the size limit without reading it', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.json');
    writeFileSync(big, '{');
    truncateSync(big, 65 * 1024 * 1024); // sparse: no 65 MB written
    const r = await runCli(['report', big]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('68157440 bytes, past the limit of 64 MiB for a result file');
  });

  it('list reports a FIFO named x.json as unreadable instead of hanging on it', async () => {
    const dir = tempDir();
    copyFileSync(FIXTURE, join(dir, '20261123-214500-failover-3fa2c1.json'));
    execFileSync('mkfifo', [join(dir, 'x.json')]);
    const r = await runCli(['list', '--out', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const listed = JSON.parse(r.stdout) as { results: Array<{ id: string }>; unreadable: Array<{ path: string; reason: string }> };
    expect(listed.results.map((x) => x.id)).toEqual(['20261123-214500-failover-3fa2c1']);
    expect(listed.unreadable).toEqual([{ path: join(dir, 'x.json'), reason: 'not a regular file (results are read from regular files only)' }]);
    const direct = await runCli(['report', join(dir, 'x.json')]);
    expect(direct.code).toBe(3);
  });

  it('escapes control characters from labels and descriptions in list and report', async () => {
    const dir = tempDir();
    const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { labels: Record<string, string>; scenario: { description?: string } };
    doc.labels['team'] = 'pay\u001b]0;pwned\u0007ments\u001b[8m';
    doc.scenario.description = 'clears the screen\u001b[2J\u001b[H and rings\u0007';
    writeFileSync(join(dir, '20261123-214500-failover-3fa2c1.json'), `${JSON.stringify(doc, null, 2)}\n`);
    for (const argv of [['list', '--out', dir], ['report', '20261123-214500-failover-3fa2c1', '--out', dir]]) {
      const r = await runCli(argv);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    const report = await runCli(['report', '20261123-214500-failover-3fa2c1', '--out', dir, '--width', '200']);
    expect(report.stdout).toContain('pay\\x1b]0;pwned\\x07ments\\x1b[8m');
    expect(report.stdout).toContain('clears the screen\\x1b[2J\\x1b[H and rings\\x07');
  });

  it('report finds a renamed result by its stored id, or a prefix of it', async () => {
    const dir = tempDir();
    copyFileSync(FIXTURE, join(dir, 'my-failover-run.json'));
    for (const ref of ['20261123-214500-failover-3fa2c1', '20261123-214500-failover-3f']) {
      const r = await runCli(['report', ref, '--out', dir]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('failover · 20261123-214500-failover-3fa2c1');
    }
    const missing = await runCli(['report', '20261123-214500-locality', '--out', dir]);
    expect(missing.code).toBe(3);
  });
});
