import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importFiles, type ImportOptions, type ImportSource } from '../../src/app/import.js';
import type { Progress } from '../../src/app/ports.js';
import { InterruptedError } from '../../src/errors.js';

const K6 = readFileSync(new URL('../fixtures/imports/k6-out.ndjson', import.meta.url), 'utf8');

/** An in-memory source; `claimedBytes` pretends the file is large so progress shows. */
function memorySource(name: string, text: string, claimedBytes = text.length): ImportSource {
  return {
    name,
    sizeBytes: claimedBytes,
    head: (n) => Promise.resolve(text.slice(0, n)),
    forEachLine: (onLine, onBytes) => {
      const lines = text.split('\n');
      lines.forEach((l, i) => {
        onLine(l, i + 1);
        if (i % 20 === 19) onBytes?.(Math.round((claimedBytes * (i + 1)) / lines.length));
      });
      return Promise.resolve();
    },
    text: () => Promise.resolve(text),
  };
}

function recorder(): Progress & { updates: string[]; notes: string[] } {
  const updates: string[] = [];
  const notes: string[] = [];
  return { updates, notes, update: (l) => void updates.push(l), note: (l) => void notes.push(l), done: () => undefined };
}

const OPTS: ImportOptions = { labels: {}, toolVersion: '0.1.0', makeId: (s) => `20260821-101500-${s}-000000`, sha256: () => '0'.repeat(64) };

describe('importFiles', () => {
  it('shows progress for large files and notes what the user should know', async () => {
    const progress = recorder();
    const out = await importFiles([memorySource('big.ndjson', K6, 64 * 1024 * 1024)], OPTS, { progress });
    expect(out.result.summary.requests).toBe(5);
    expect(progress.updates[0]).toMatch(/^importing big\.ndjson: [\d.]+ MiB of 64\.0 MiB \(\d+%\)$/);
    expect(progress.notes).toEqual([
      "big.ndjson: 4 of 4 versions paired with the newest request of the same scenario (and VU when known), not exactly: add vu and iter to k6's --system-tags for exact pairing",
      'big.ndjson: k6 dropped 1 iteration (requests never sent: the load generator could not keep up)',
      'big.ndjson: open model: k6 dropped 1 iteration(s), which only arrival-rate executors do',
    ]);
    expect(out.files).toEqual([{ name: 'big.ndjson', format: 'k6', requests: 5, skippedLines: 0, droppedIterations: 1 }]);
  });

  it('stops with InterruptedError when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(importFiles([memorySource('big.ndjson', K6, 64 * 1024 * 1024)], OPTS, { progress: recorder(), signal: controller.signal })).rejects.toBeInstanceOf(
      InterruptedError,
    );
  });

  it('names the result after --name, else the k6 scenario tag', async () => {
    const named = await importFiles([memorySource('a.ndjson', K6)], { ...OPTS, name: 'my-run' }, { progress: recorder() });
    expect(named.result.id).toBe('20260821-101500-my-run-000000');
    const tagged = await importFiles([memorySource('a.ndjson', K6)], OPTS, { progress: recorder() });
    expect(tagged.result.scenario.name).toBe('failover');
  });
});
