import { resolve } from 'node:path';
import { TOOL_VERSION } from '../version.js';
import type { CliRuntime } from './deps.js';

/** `--html FILE` of report, compare, run and sweep: the page written atomically, its path and size on stderr. */
export async function writeHtmlPage(rt: CliRuntime, file: string, render: (generator: string) => string): Promise<void> {
  const { writeTextAtomic } = await import('../fs/write-text-atomic.js');
  const html = render(`meshbench ${TOOL_VERSION}`);
  await writeTextAtomic(resolve(rt.cwd, file), html);
  rt.stderr.write(`wrote ${file} (${formatKiB(Buffer.byteLength(html))})\n`);
}

function formatKiB(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

