/**
 * Lossless curl-loop samples (issue 13, item 4): each loop appends every line it prints to a file
 * in the client container, so a loop whose exec stream was cut (the API server, the kubelet or a
 * proxy dropped the WebSocket; client-node's exec can close early) still has its lines in the pod —
 * the loop itself runs on to its end under `timeout`, since closing the socket does not kill it
 * (client-node #2532). Once the loop must have ended, the file is copied out over a new exec with
 * an integrity check: the pod's own byte count (`wc -c`) and digest (`sha256sum`, both busybox
 * applets in `curlimages/curl`) against what arrived, once more on a mismatch.
 *
 * Why three execs and not one `sh -c`: each answer is one command's whole output, so a count or a
 * digest can never be confused with the file's own text.
 */
import { createHash } from 'node:crypto';
import { ToolError } from '../../errors.js';
import type { ClusterGateway } from '../gateway.js';
import { isDeadlineError } from './deadline.js';

/** The file loop `loop` of run `runId` appends to: beside the stop file, named so leftovers can be found (`ls /tmp/meshbench-*`). */
export function curlLoopOutFile(runId: string, loop: number): string {
  return `/tmp/meshbench-${runId}-${loop}.out`;
}

/** The commands that copy one loop file out, in order (also what `run --dry-run=client` prints). */
export function copyOutArgvs(file: string): { size: string[]; digest: string[]; copy: string[] } {
  return { size: ['wc', '-c', file], digest: ['sha256sum', file], copy: ['cat', file] };
}

/** Where the file is. */
export interface CopyTarget {
  gateway: ClusterGateway;
  namespace: string;
  pod: string;
  container: string;
  signal?: AbortSignal;
}

/** The file's text, or why it could not be had. */
export type CopyOutcome = { text: string } | { problem: string };

/** Bound for each of the copy's execs (a file of a long run is a few MB). */
const COPY_TIMEOUT_MS = 60_000;

/** The leading decimal of `wc -c`'s answer (busybox right-aligns it; GNU prints `N file`). */
export function parseByteCount(out: string): number | undefined {
  const m = /^\s*(\d+)(?:\s|$)/.exec(out);
  return m ? Number(m[1]) : undefined;
}

/** The hex digest of `sha256sum`'s answer (`<64 hex>  <file>`). */
export function parseDigest(out: string): string | undefined {
  return /^([0-9a-f]{64})\s/.exec(out)?.[1];
}

/**
 * Copies `file` out of the pod with its integrity checked, retrying once on a mismatch or a cut
 * copy. A file that is not there is not retried. Deadline errors and aborts propagate.
 */
export async function copyOutChecked(t: CopyTarget, file: string): Promise<CopyOutcome> {
  const argv = copyOutArgvs(file);
  const exec = (a: string[]) => t.gateway.exec({ namespace: t.namespace, pod: t.pod, container: t.container, argv: a, timeoutMs: COPY_TIMEOUT_MS, ...(t.signal !== undefined ? { signal: t.signal } : {}) });
  let problem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const size = await exec(argv.size);
      if (size.exitCode !== 0) return { problem: `${file} could not be read in the pod: ${size.stderr.trim().split('\n')[0] || `wc exited with ${size.exitCode}`}` };
      const digest = await exec(argv.digest);
      const copy = await exec(argv.copy);
      const bytes = parseByteCount(size.stdout);
      const sum = parseDigest(digest.stdout);
      if (copy.exitCode !== 0 || bytes === undefined || sum === undefined) {
        problem = `${file} could not be copied (wc ${JSON.stringify(size.stdout.trim().slice(0, 80))}, sha256sum ${JSON.stringify(digest.stdout.trim().slice(0, 80))}, cat exit ${copy.exitCode})`;
        continue;
      }
      const got = Buffer.from(copy.stdout, 'utf8');
      const gotSum = createHash('sha256').update(got).digest('hex');
      if (got.length === bytes && gotSum === sum) return { text: copy.stdout };
      problem = `the copy of ${file} did not match the pod's (${got.length} bytes, sha256 ${gotSum.slice(0, 12)}… received; ${bytes} bytes, ${sum.slice(0, 12)}… in the pod)`;
    } catch (err) {
      if (t.signal?.aborted === true || isDeadlineError(err) || !(err instanceof ToolError)) throw err;
      problem = `copying ${file} failed: ${err.message.split('\n')[0] ?? ''}`;
    }
  }
  return { problem: `${problem} (tried twice)` };
}
