import { tmpdir } from 'node:os';
import type { ResultStore } from '../app/ports.js';
import { EnvironmentError } from '../errors.js';
import type { Result } from '../model/result.js';
import type { CliRuntime } from './deps.js';

/**
 * Saves a result; when the store fails (the folder went away, the disk filled), writes it to the
 * system temp folder ($TMPDIR) instead, prints that path on stderr and stdout, and fails with exit 4
 * naming both, so a run's work is never dropped.
 */
export async function saveResultOrFallback(rt: CliRuntime, store: ResultStore, result: Result): Promise<string> {
  try {
    return await store.save(result);
  } catch (err) {
    if (!(err instanceof EnvironmentError)) throw err;
    const { saveFallback } = await import('../fs/results-dir.js');
    const path = await saveFallback(result, rt.env['TMPDIR'] ?? tmpdir());
    if (path === undefined) throw err;
    rt.stderr.write(`${err.message}\nthe result was written to ${path} instead\n`);
    rt.stdout.write(`saved ${path} (fallback)\n`);
    throw new EnvironmentError(`result not saved in the results folder; it is in ${path}`, {
      cause: err,
      code: 'RESULT_WRITE',
      hint: `move it into your results folder (\`mv ${path} <dir>/${result.id}.json\`) or pass its path to \`meshbench report\``,
    });
  }
}
