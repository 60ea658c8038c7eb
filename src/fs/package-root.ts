import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The directory holding meshbench's package.json, found by walking up from this module. Works from
 * `src/` (tests, tsx) and from `dist/src/` (the built CLI), so bundled files (scenarios/, manifests/,
 * data/) resolve the same way in both.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) {
      cached = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('meshbench package root not found (no package.json with scenarios/ above the code)');
    dir = up;
  }
}
