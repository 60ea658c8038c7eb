/**
 * `meshbench completion bash|zsh|fish`: scripts generated from the commander program. The bash
 * script is checked by bash itself (`bash -n`) and driven as bash's programmable completion
 * drives it (COMP_WORDS/COMP_CWORD, then COMPREPLY). zsh and fish are not installed here, so their
 * scripts are checked for every command and flag of the program.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { runCli } from '../support/cli.js';
import { FakeClock } from '../fakes/fake-clock.js';

let bashScript: string;

beforeAll(async () => {
  const r = await runCli(['completion', 'bash']);
  expect(r.code, r.stderr).toBe(0);
  bashScript = join(mkdtempSync(join(tmpdir(), 'meshbench-completion-')), 'meshbench.bash');
  writeFileSync(bashScript, r.stdout);
});

/** What bash would offer for the words typed so far (the last word is the one being completed). */
function complete(...typed: string[]): string[] {
  const words = typed.map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', ['-c', `source "$1"; COMP_WORDS=(${words}); COMP_CWORD=${typed.length - 1}; _meshbench; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', bashScript], {
    encoding: 'utf8',
    cwd: process.cwd(),
  });
  return out.split('\n').filter((l) => l !== '');
}

/** Every command and its long flags, as the program defines them. */
function programCommands(): Array<{ name: string; flags: string[] }> {
  const program = buildProgram({
    stdout: { write: () => {}, isTTY: false },
    stderr: { write: () => {}, isTTY: false },
    env: {},
    cwd: process.cwd(),
    clock: new FakeClock(),
    randomSeed: () => 1,
    signal: new AbortController().signal,
    setExitCode: () => {},
  });
  return program.commands.map((c) => ({ name: c.name(), flags: c.options.map((o) => o.long ?? '').filter((f) => f !== '') }));
}

describe('meshbench completion bash', () => {
  it('is valid bash (bash -n)', () => {
    expect(() => execFileSync('bash', ['-n', bashScript])).not.toThrow();
  });

  it('completes commands, flags, choices and built-in scenario names', () => {
    expect(complete('meshbench', 'r')).toEqual(['run', 'restore', 'report']);
    expect(complete('meshbench', '-v', 'li')).toEqual(['list']);
    expect(complete('meshbench', 'run', '--ta')).toEqual(['--target']);
    expect(complete('meshbench', 'run', '--target', '')).toEqual(['sim', 'kube']);
    expect(complete('meshbench', 'run', '--out', 'x', 'fail')).toEqual(['failover', 'failover-priority-regions']);
    expect(complete('meshbench', 'certs', '--int')).toEqual(['--intermediate-days']);
    expect(complete('meshbench', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('meshbench', 'help', 'ini')).toEqual(['init']);
    // a file argument: files of the working directory
    expect(complete('meshbench', 'validate', 'package.js')).toEqual(['package.json']);
  });

  it('offers every command and every flag the program has', () => {
    for (const c of programCommands()) {
      expect(complete('meshbench', c.name.slice(0, -1) || c.name)).toContain(c.name);
      const offered = complete('meshbench', c.name, '--');
      for (const f of c.flags) expect(offered, `${c.name} ${f}`).toContain(f);
    }
  });
});

describe('meshbench completion zsh and fish', () => {
  it('zsh: a #compdef function with every command and flag', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#compdef meshbench\n')).toBe(true);
    expect(r.stdout).toContain("'--target[where to run]:value:(sim kube)'");
    for (const c of programCommands()) {
      expect(r.stdout).toContain(`    '${c.name}:`);
      for (const f of c.flags) expect(r.stdout).toContain(`'${f}[`);
    }
  });

  it('fish: complete lines for every command and flag', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("complete -c meshbench -n '__fish_seen_subcommand_from run' -l target -d 'where to run' -x -a 'sim kube'");
    for (const c of programCommands()) {
      expect(r.stdout).toContain(` -a ${c.name} -d `);
      if (c.flags.length > 0) expect(r.stdout).toContain(`-n '__fish_seen_subcommand_from ${c.name}' `);
      for (const f of c.flags) expect(r.stdout).toContain(` -l ${f.slice(2)} `);
    }
  });

  it('an unknown shell is exit 2', async () => {
    expect((await runCli(['completion', 'tcsh'])).code).toBe(2);
  });
});
