/**
 * The journal: each record is a synced JSON line in a 0600 file; reading back tells a line cut by a
 * crash (the last one: its change never happened) from real damage; the restore plan takes each
 * object's first recorded state and undoes in reverse order of first touch.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournal, parseJournalText } from '../../../src/fs/journal.js';
import { checkRecord, typedJournal, type ChangeRecord } from '../../../src/kube/run/journal.js';
import { describeStep, restorePlan } from '../../../src/kube/run/restore.js';

const scale = (name: string, from: number, to: number, context = 'c1'): ChangeRecord => ({ op: 'scale', v: 1, context, cluster: 'cluster1', namespace: 'sample', name, from, to });

describe('journal file', () => {
  it('appends one JSON line per record to a 0600 file, reads them back, and clear removes it', () => {
    const j = openJournal('j.jsonl', mkdtempSync(join(tmpdir(), 'meshbench-journal-')));
    expect(j.exists()).toBe(false);
    expect(j.read()).toEqual({ records: [], damagedLines: [], lastLine: 0 });
    j.append(scale('a', 1, 0));
    j.append(scale('a', 0, 1));
    expect(statSync(j.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(j.path, 'utf8').split('\n')).toHaveLength(3);
    expect(j.read().records).toEqual([scale('a', 1, 0), scale('a', 0, 1)]);
    expect(j.exists()).toBe(true);
    j.clear();
    expect(j.exists()).toBe(false);
    j.clear(); // idempotent
  });

  it('a line cut at the end is a change that never happened; damage elsewhere is unreadable', () => {
    expect(parseJournalText('{"a":1}\n{"b":\n')).toEqual({ records: [{ a: 1 }], damagedLines: [2], lastLine: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-journal-'));
    writeFileSync(join(dir, 'j'), `${JSON.stringify(scale('a', 1, 0))}\n[1]\n${JSON.stringify(scale('b', 2, 0))}\n{"op":"sca`);
    const read = typedJournal(openJournal('j', dir)).read();
    expect(read.changes.map((c) => (c.op === 'scale' ? c.name : ''))).toEqual(['a', 'b']);
    expect(read.cutLastLine).toBe(4);
    expect(read.unreadable).toEqual(['line 2 is not a JSON object']);
  });

  it('checks records field by field', () => {
    expect(checkRecord(scale('a', 1, 0))).toBeDefined();
    expect(checkRecord({ ...scale('a', 1, 0), from: -1 })).toBeUndefined();
    expect(checkRecord({ ...scale('a', 1, 0), v: 2 })).toBeUndefined();
    expect(checkRecord({ op: 'object', v: 1, context: 'c1', cluster: 'cluster1', change: 'create', ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 's' }, previous: null })).toBeDefined();
    expect(checkRecord({ op: 'object', v: 1, context: 'c1', cluster: 'cluster1', change: 'patch', ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x' }, previous: null })).toBeUndefined();
  });
});

describe('restorePlan', () => {
  it('puts each object back to its first recorded state, last touched first; pods deleted need nothing', () => {
    const rule = { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', name: 'helloworld', namespace: 'sample' };
    const previous = { apiVersion: rule.apiVersion, kind: rule.kind, metadata: { name: 'helloworld', namespace: 'sample' }, spec: { host: 'helloworld' } };
    const steps = restorePlan([
      { op: 'object', v: 1, context: 'c1', cluster: 'cluster1', change: 'apply', ref: rule, previous },
      scale('helloworld-v1', 1, 0),
      { op: 'deletePods', v: 1, context: 'c1', cluster: 'cluster1', namespace: 'sample', deployment: 'helloworld-v1', pods: ['p'] },
      scale('helloworld-v1', 0, 1),
      scale('helloworld-v1', 1, 0),
      // the same rule read back as v1 is the same object: its first record wins
      { op: 'object', v: 1, context: 'c1', cluster: 'cluster1', change: 'apply', ref: { ...rule, apiVersion: 'networking.istio.io/v1' }, previous: null },
      scale('helloworld-v2', 1, 0, 'c2'),
    ]);
    expect(steps.map(describeStep)).toEqual([
      'scale cluster1 (context c2) sample/helloworld-v2 back to 1',
      'scale cluster1 (context c1) sample/helloworld-v1 back to 1',
      're-apply DestinationRule sample/helloworld in cluster1 (context c1) as it was',
    ]);
    expect(restorePlan([])).toEqual([]);
  });
});
