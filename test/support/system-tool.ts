import { accessSync, constants } from 'node:fs';
import { describe } from 'vitest';

/**
 * Real tools some suites need (Debian's chromium, prometheus, busybox, curl). `.ci/run` installs
 * them and sets MESHBENCH_REQUIRE_TOOLS=1, so in CI a missing tool fails the suite; elsewhere the
 * suite is skipped under a title that names the tool and how to install it, so `npm test` says
 * what it skipped and why.
 */
export interface SystemTool {
  name: string;
  /** Absolute paths tried in order. */
  paths: string[];
  /** Debian package that provides it. */
  debianPackage: string;
}

export const TOOLS = {
  chromium: { name: 'chromium', paths: ['/usr/bin/chromium'], debianPackage: 'chromium' },
  prometheus: { name: 'prometheus', paths: ['/usr/bin/prometheus'], debianPackage: 'prometheus' },
  busybox: { name: 'busybox', paths: ['/usr/bin/busybox', '/bin/busybox'], debianPackage: 'busybox' },
  curl: { name: 'curl', paths: ['/usr/bin/curl'], debianPackage: 'curl' },
  openssl: { name: 'openssl', paths: ['/usr/bin/openssl'], debianPackage: 'openssl' },
  kubectl: { name: 'kubectl', paths: ['/usr/bin/kubectl', '/usr/local/bin/kubectl'], debianPackage: 'kubernetes-client' },
} satisfies Record<string, SystemTool>;

/** The tool's path, or undefined when it is not installed. */
export function findTool(tool: SystemTool): string | undefined {
  for (const p of tool.paths) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // try the next path
    }
  }
  return undefined;
}

export function toolsRequired(): boolean {
  return process.env.MESHBENCH_REQUIRE_TOOLS === '1';
}

/**
 * `describe` that runs `body(path)` when the tool exists; otherwise skipped with the reason in
 * its title, or (when tools are required) a failing suite that names the missing package.
 */
export function describeWithTool(
  tool: SystemTool,
  title: string,
  body: (toolPath: string) => void,
): void {
  const found = findTool(tool);
  if (found) {
    describe(title, () => body(found));
    return;
  }
  const why = `${tool.name} not found at ${tool.paths.join(' or ')} (apt-get install ${tool.debianPackage})`;
  if (toolsRequired()) {
    describe(title, () => {
      throw new Error(`required tool missing: ${why}`);
    });
    return;
  }
  describe.skip(`${title} [skipped: ${why}]`, () => body(''));
}
