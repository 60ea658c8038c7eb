import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { Command } from 'commander';
import { ExitCode, InvalidInputError } from '../../errors.js';
import { packageRoot } from '../../fs/package-root.js';
import type { CliRuntime } from '../deps.js';
import { styleFor } from '../output.js';

interface VerifyModelOptions {
  json?: boolean;
}

/** Reads and parses a vector file; a missing, unreadable or non-JSON file is exit 3. */
async function readVectorFile(file: string | undefined, cwd: string): Promise<{ vectors: unknown; display: string }> {
  const path = file === undefined ? join(packageRoot(), 'data', 'mesh-vectors.json') : isAbsolute(file) ? file : resolve(cwd, file);
  const display = file ?? 'data/mesh-vectors.json (bundled)';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      [{ file: display, path: '', message: code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})` }],
      { cause: err, hint: 'give the path of a vector file in the format of data/mesh-vectors.json' },
    );
  }
  try {
    return { vectors: JSON.parse(text) as unknown, display };
  } catch (err) {
    throw new InvalidInputError([{ file: display, path: '', message: `not valid JSON: ${(err as Error).message}` }], { cause: err });
  }
}

/**
 * `meshbench verify-model [file] [--json]`: runs test vectors through the Envoy/istiod model.
 * Exit 0 when no vector fails (SKIPs allowed), 10 when one fails, 3 for an unreadable/invalid file.
 */
export function verifyModelCommand(rt: CliRuntime): Command {
  return new Command('verify-model')
    .description('check the Envoy/istiod model against test vectors (the bundled data/mesh-vectors.json by default)')
    .argument('[file]', 'vector file (JSON list in the format of data/mesh-vectors.json)')
    .option('--json', 'print the outcomes as JSON on stdout')
    .addHelpText(
      'after',
      '\nEach vector prints PASS, FAIL (expected vs got) or SKIP (a kind or field the model cannot interpret).\n' +
        'Exit codes: 0 no vector failed, 10 a vector failed, 3 the vector file is unreadable or not a vector list.',
    )
    .action(async (file: string | undefined, opts: VerifyModelOptions, cmd: Command) => {
      const { vectors, display } = await readVectorFile(file, rt.cwd);
      const { verifyModel, summarizeOutcomes } = await import('../../app/verify-model.js');
      const outcomes = verifyModel(vectors, display);
      const summary = summarizeOutcomes(outcomes);
      if (opts.json === true) {
        rt.stdout.write(`${JSON.stringify({ source: display, summary, outcomes }, null, 2)}\n`);
      } else {
        const { renderVerify } = await import('../../render/verify.js');
        rt.stdout.write(renderVerify(outcomes, summary, styleFor(rt, cmd.optsWithGlobals())));
      }
      if (summary.failed > 0) rt.setExitCode(ExitCode.ThresholdsFailed);
    });
}
