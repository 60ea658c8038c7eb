/**
 * Interrupts (issue 17): the first SIGINT/SIGTERM stops a run between slices of events, keeps the
 * completed trials as a result marked `interrupted`, says where it stopped and exits 130.
 * In-process runs abort the CLI's AbortSignal from the progress output (no timing involved); one
 * test sends a real SIGINT to a child process once it has printed its progress line.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../support/temp-dirs.js';
import type { Result } from '../../src/model/result.js';
import { runCliUntil } from '../support/cli-interrupt.js';

const tempDir = tempDirs('meshbench-interrupt-');

function savedResults(dir: string): Array<Record<string, unknown>> {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as Record<string, unknown>);
}

describe('interrupting a run', () => {
  it('stops the only trial inside it, keeps what it measured as a result marked interrupted, says where and exits 130', async () => {
    const out = tempDir();
    const r = await runCliUntil(['run', 'test/fixtures/limits/long-trial-fault.yaml', '--seed', '1', '--out', out], 'virtual (');
    expect(r.aborted).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted: stopped in trial 1 of 1 at 6 min 32 s of 12 h 0 min virtual time; kept what the trial measured up to 6 min 31 s \(requests in flight at the stop left out/);
    expect(r.stderr).not.toContain('internal error');
    const [saved, ...more] = savedResults(out) as unknown as Result[];
    expect(more).toEqual([]);
    // The measured span: every request scheduled before the cut, none after; the load reads as that span.
    const cut = saved!.interrupted!;
    expect(cut).toMatchObject({ trialsRequested: 1, trialsKept: 0, stoppedAtTrial: 0 });
    expect(cut.measuredToMs).toBeGreaterThan(390_000);
    expect(cut.measuredToMs).toBeLessThanOrEqual(cut.stoppedAtVirtualMs + 1);
    expect(saved!.summary.load.durationMs).toBe(cut.measuredToMs);
    expect(saved!.summary.requests).toBe(Math.ceil((cut.measuredToMs! / 1000) * 25));
    // Recovery (fault at 1 min) was measured; the restore (7 min) came after the cut.
    expect(saved!.summary.failover?.recoveryMs?.n).toBe(1);
    expect(r.stdout).toMatch(/failback\s+not measured: interrupted/);
    expect(r.stdout).toMatch(/interrupted\s+kept the trial up to 6m3\ds/);
  });

  it('--repeat 3 --workers 1: keeps the completed trial as a result marked interrupted', async () => {
    const out = tempDir();
    const r = await runCliUntil(['run', 'test/fixtures/limits/short-trial.yaml', '--seed', '1', '--repeat', '3', '--workers', '1', '--out', out], 'trial 1/3');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted: stopped in trial 2 of 3 at 0.0 s of 20.0 s virtual time; kept the 1 completed trial of 3');
    const [saved, ...more] = savedResults(out);
    expect(more).toEqual([]);
    expect(saved?.['trials']).toBe(1);
    expect(saved?.['interrupted']).toEqual({ trialsRequested: 3, trialsKept: 1, stoppedAtTrial: 1, stoppedAtVirtualMs: 0 });
    expect(r.stdout).toContain('interrupted');
  });

  it('with worker threads: exit 130 without an internal error or a stack', async () => {
    const out = tempDir();
    const r = await runCliUntil(['run', 'test/fixtures/limits/long-trial.yaml', '--seed', '1', '--repeat', '2', '--workers', '2', '--out', out], 'virtual (');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).toContain('interrupted: stopped in trial 1 of 2');
  }, 30_000);

  it('demo honours the first interrupt', async () => {
    const r = await runCliUntil(['demo', '--seed', '1'], 'simulating locality');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/demo interrupted in locality/);
    expect(r.stdout).toBe('');
  });

  it('a real SIGINT to the CLI process stops a long trial and exits 130', async () => {
    const out = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'run', 'test/fixtures/limits/long-trial.yaml', '--seed', '1', '--out', out], {
      cwd: process.cwd(),
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const started = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('simulating long-trial: trial 0/1')) resolve();
      }),
    );
    try {
      await Promise.race([started, exited.then(() => Promise.reject(new Error(`exited before its progress line:\n${stderr}`)))]);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain('interrupted: stopped in trial 1 of 1');
      expect(stderr).not.toContain('internal error');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});

describe('progress within a trial', () => {
  it('on a terminal, redraws one live line with the virtual time reached', async () => {
    const r = await runCliUntil(['run', 'test/fixtures/limits/long-trial.yaml', '--seed', '1', '--out', tempDir()], 'virtual (', {}, { stderrIsTTY: true });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/\r\u001b\[2Ksimulating long-trial: trial 0\/1, \d+\.\d s of 20 min 0 s virtual \(\d+%\)/);
  });

  it('on a pipe, prints plain lines with the virtual time reached', async () => {
    const r = await runCliUntil(['run', 'test/fixtures/limits/long-trial.yaml', '--seed', '1', '--out', tempDir()], 'virtual (');
    expect(r.stderr).toMatch(/^simulating long-trial: trial 0\/1, \d+\.\d s of 20 min 0 s virtual \(\d+%\)/m);
    expect(r.stderr).not.toContain('\r');
  });
});
