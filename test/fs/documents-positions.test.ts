import { describe, expect, it } from 'vitest';
import { locate, parseYamlFile, sortProblems, toProblem } from '../../src/fs/yaml-positions.js';

const YAML = [
  'apiVersion: x', // 1
  'spec:', // 2
  '  load:', // 3
  '    rate: 100', // 4
  '  timeline:', // 5
  '    - {at: 20s, name: fault}', // 6
  '    - at: 40s', // 7
  '      name: restore', // 8
  '  empty:', // 9
  '  "quoted.key": 1', // 10
  '',
].join('\n');

describe('yaml positions', () => {
  const file = parseYamlFile(YAML, 'f.yaml');

  it('parses documents to plain values', () => {
    expect(file.syntax).toEqual([]);
    expect(file.docs).toEqual([
      { apiVersion: 'x', spec: { load: { rate: 100 }, timeline: [{ at: '20s', name: 'fault' }, { at: '40s', name: 'restore' }], empty: null, 'quoted.key': 1 } },
    ]);
  });

  it.each([
    [['spec', 'load', 'rate'], undefined, 4, 11],
    [['spec', 'load', 'rate'], 'key', 4, 5],
    [['spec', 'timeline', 0, 'name'], undefined, 6, 23],
    [['spec', 'timeline', 0], undefined, 6, 7],
    [['spec', 'timeline', 1, 'at'], undefined, 7, 11],
    [['spec', 'timeline', 1, 'name'], 'key', 8, 7],
    [['spec', 'quoted.key'], undefined, 10, 17],
    [[], undefined, 1, 1],
  ] as const)('%j (%s) → %d:%d', (path, at, line, col) => {
    expect(locate(file, 0, path, at)).toEqual({ line, col });
  });

  it('points at the parent key when the field is missing', () => {
    expect(locate(file, 0, ['spec', 'load', 'duration'])).toEqual({ line: 3, col: 3 });
    expect(locate(file, 0, ['spec', 'timeline', 5, 'at'])).toEqual({ line: 5, col: 3 });
    expect(locate(file, 0, ['spec', 'timeline', 0, 'scale', 'replicas'])).toEqual({ line: 6, col: 7 });
    expect(locate(file, 0, ['nothing'])).toEqual({ line: 1, col: 1 });
  });

  it('points at the key of an empty value and of a scalar it cannot enter', () => {
    expect(locate(file, 0, ['spec', 'empty'])).toEqual({ line: 9, col: 3 });
    expect(locate(file, 0, ['spec', 'load', 'rate', 'x'])).toEqual({ line: 4, col: 5 });
  });

  it('maps JSON the same way', () => {
    const json = parseYamlFile('{\n  "spec": {\n    "load": {"rate": "fast"},\n    "list": [1, {"a": true}]\n  }\n}\n', 'f.json');
    expect(json.syntax).toEqual([]);
    expect(locate(json, 0, ['spec', 'load', 'rate'])).toEqual({ line: 3, col: 22 });
    expect(locate(json, 0, ['spec', 'list', 1, 'a'])).toEqual({ line: 4, col: 23 });
  });

  it('keeps positions per document of a multi-document file', () => {
    const multi = parseYamlFile('kind: A\n---\nkind: B\nspec:\n  host: x\n', 'm.yaml');
    expect(multi.docs).toEqual([{ kind: 'A' }, { kind: 'B', spec: { host: 'x' } }]);
    expect(locate(multi, 1, ['spec', 'host'])).toEqual({ line: 5, col: 9 });
  });

  it('reports syntax errors at the parser position, without the excerpt', () => {
    const bad = parseYamlFile('a: 1\nb: [1, 2\nc: 3\n', 'bad.yaml');
    expect(bad.syntax.length).toBeGreaterThan(0);
    const first = bad.syntax[0];
    expect(first).toMatchObject({ file: 'bad.yaml', path: '' });
    expect(first?.line).toBeGreaterThanOrEqual(2);
    expect(first?.message).toMatch(/^YAML syntax error: /);
    expect(first?.message).not.toContain('\n');
    expect(first?.message).not.toMatch(/at line \d+/);
    const dup = parseYamlFile('a: 1\na: 2\n', 'dup.yaml');
    expect(dup.syntax[0]).toMatchObject({ line: 2, col: 1, hint: 'each key may appear once in a mapping' });
  });

  it('turns document problems into located problems with dotted paths', () => {
    expect(toProblem(file, 0, { path: ['spec', 'timeline', 1, 'at'], message: 'm', hint: 'h' })).toEqual({
      file: 'f.yaml',
      line: 7,
      col: 11,
      path: 'spec.timeline[1].at',
      message: 'm',
      hint: 'h',
    });
  });

  it('sorts problems by file then position', () => {
    const sorted = sortProblems([
      { file: 'b', line: 1, col: 1, path: '', message: '1' },
      { file: 'a', line: 9, col: 1, path: '', message: '2' },
      { file: 'b', line: 1, col: 0, path: '', message: '3' },
      { file: 'a', line: 2, col: 5, path: '', message: '4' },
    ]);
    expect(sorted.map((p) => p.message)).toEqual(['3', '1', '4', '2']);
  });
});
