/**
 * Runs `meshbench run --target kube` in-process against a test bed and reads back the one result it
 * saved (the lossless tests judge the saved result, not the report). Every output is searched for
 * secrets (outputs.ts).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../../../src/model/result.js';
import { runCli } from '../../support/cli.js';
import type { VirtualClock } from '../../support/traffic-clock.js';
import type { TestBed } from './bed.js';
import { recordOutputs } from './outputs.js';

/** The run's exit code, outputs and saved result; throws when no result was saved. */
export async function runSaved(b: TestBed, clock: VirtualClock, scenario: string, extra: readonly string[]): Promise<{ code: number; stdout: string; stderr: string; result: Result }> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-run-saved-'));
  const out = join(dir, 'results');
  const r = await runCli(['run', scenario, '--target', 'kube', '--context', 'c1', '--context', 'c2', '--out', out, '--journal', join(dir, 'j.jsonl'), '--no-color', ...extra], {
    env: { KUBECONFIG: b.kubeconfig },
    clock,
  });
  const files = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.json')) : [];
  recordOutputs(b, [r.stdout, r.stderr, ...files.map((f) => readFileSync(join(out, f), 'utf8'))]);
  if (files[0] === undefined) throw new Error(`no result saved (exit ${r.code}): ${r.stderr}`);
  return { ...r, result: JSON.parse(readFileSync(join(out, files[0]), 'utf8')) as Result };
}
