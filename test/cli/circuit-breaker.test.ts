import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/model/result.js';
import { runCli } from '../support/cli.js';

// The built-in `circuit-breaker` scenario: 100 req/s against one helloworld pod with
// connectionPool maxConnections 1, http1MaxPendingRequests 1 (envoy conn_pool_base.cc newStream:
// overflow → local 503, response flag UO).
describe('circuit breakers end to end', () => {
  it('run: the UO 503s are counted in the result and named in the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'meshbench-cb-'));
    const r = await runCli(['run', 'circuit-breaker', '--seed', '1', '--out', out, '--no-color']);
    expect(r.code).toBe(10); // errors.rate fails by design
    const file = readdirSync(out).find((f) => f.endsWith('.json'))!;
    const result = JSON.parse(readFileSync(join(out, file), 'utf8')) as Result;
    const uo = result.summary.responseFlags?.['UO'] ?? 0;
    expect(uo).toBeGreaterThan(1000);
    expect(result.summary.statusCodes['503']).toBe(uo);
    expect(r.stdout).toMatch(/response flags\s+UO ×[\d,]+ \(circuit-breaker overflow: 503 from the client sidecar\)/);
    expect(result.events.map((e) => e.name)).toContain('circuit-breaker-totals');
  });

  it('explain: warns that the load is above the connectionPool limits', async () => {
    const r = await runCli(['explain', 'circuit-breaker', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { entries: Array<{ warnings: Array<{ code: string; message: string }> }> };
    const w = doc.entries[0]!.warnings.find((x) => x.code === 'circuit-breaker-overflow');
    expect(w?.message).toContain('100 req/s × 33.0 ms ≈ 3.3 requests in flight, above maxConnections 1 + http1MaxPendingRequests 1');
    expect(doc.entries[0]!.warnings.some((x) => x.code === 'not-modelled')).toBe(false);
  });
});
