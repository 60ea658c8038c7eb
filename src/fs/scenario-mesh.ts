/**
 * The mesh a command checks a scenario against: `--mesh` when given, else the mesh the scenario
 * names (`spec.mesh`: `builtin:<name>`, or a path relative to the scenario file, as its
 * `destinationRule` is), else the built-in two-cluster mesh. A built-in scenario written for
 * another topology (cross-network-failover on three clusters) then runs as written with no flag.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { field, stringField } from '../model/validate-problems.js';
import { readDocumentRef } from './document-files.js';
import { BUILTIN_MESH } from './documents.js';
import { parseYamlFile } from './yaml-positions.js';

/**
 * The mesh reference for `scenarioRef` (a reference `readDocumentRef` takes). An unreadable or
 * unparsable scenario gives the default: loading it afterwards reports its problems.
 */
export async function meshRefFor(scenarioRef: string, meshFlag: string | undefined, cwd: string): Promise<string> {
  if (meshFlag !== undefined) return meshFlag;
  const named = await scenarioMeshRef(scenarioRef, cwd);
  return named ?? BUILTIN_MESH;
}

async function scenarioMeshRef(scenarioRef: string, cwd: string): Promise<string | undefined> {
  const read = await readDocumentRef(scenarioRef, cwd, 'scenario');
  if (!read.ok) return undefined;
  let ref: string | undefined;
  try {
    const doc = parseYamlFile(read.file.text, read.file.display).docs[0];
    ref = stringField(field(doc, 'spec'), 'mesh');
  } catch {
    return undefined;
  }
  if (ref === undefined || ref.length === 0) return undefined;
  if (ref.startsWith('builtin:')) return ref;
  // A path is relative to the scenario file; given to readDocumentRef relative to cwd.
  const abs = isAbsolute(ref) ? ref : resolve(dirname(read.file.absPath), ref);
  const rel = relative(cwd, abs);
  // `./` keeps a bare file name from being read as a built-in mesh's name.
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : `./${rel}`;
}
