import { InvalidInputError } from '../errors.js';
import type { SweepSources } from '../app/sweep-plan.js';
import { DEFAULT_REQUEST } from '../model/resolve-scenario.js';
import { field, stringField } from '../model/validate-problems.js';
import { scenarioReferences } from '../model/validate-scenario.js';
import { singleDocument } from './document-checks.js';
import { readDocumentRef, readRelativeRef } from './document-files.js';
import { loadMesh, loadScenario } from './documents.js';
import { meshRefFor } from './scenario-mesh.js';
import { parseYamlFile } from './yaml-positions.js';

/**
 * The parsed documents a sweep rebuilds per cell: the scenario, the mesh and each DestinationRule
 * file the scenario names. The files are first loaded the ordinary way, so a problem in the files
 * themselves is reported exactly as `run` reports it (exit 3), before any `--set` is applied.
 */
export async function loadSweepSources(scenarioRef: string, meshFlag: string | undefined, cwd: string, istio: string): Promise<SweepSources & { sha256: string }> {
  const meshRef = await meshRefFor(scenarioRef, meshFlag, cwd);
  const mesh = await loadMesh(meshRef, cwd);
  const loaded = await loadScenario(scenarioRef, cwd, mesh);
  const meshRead = await readDocumentRef(meshRef, cwd, 'mesh');
  const scenarioRead = await readDocumentRef(scenarioRef, cwd, 'scenario');
  if (!meshRead.ok) throw new InvalidInputError([meshRead.problem]);
  if (!scenarioRead.ok) throw new InvalidInputError([scenarioRead.problem]);
  const meshDoc = singleDocument(parseYamlFile(meshRead.file.text, meshRead.file.display), 'Mesh');
  if (!meshDoc.ok) throw new InvalidInputError(meshDoc.problems);
  const destinationRules = new Map<string, { docs: readonly unknown[]; display: string }>();
  for (const ref of scenarioReferences(loaded.raw)) {
    const read = await readRelativeRef(ref, scenarioRead.file, cwd);
    if (!read.ok) throw new InvalidInputError([read.problem]);
    destinationRules.set(ref, { docs: parseYamlFile(read.file.text, read.file.display).docs, display: read.file.display });
  }
  const namespace = stringField(field(field(loaded.raw, 'spec'), 'request'), 'namespace') ?? DEFAULT_REQUEST.namespace;
  return {
    scenario: { raw: loaded.raw, display: scenarioRead.file.display },
    mesh: { raw: meshDoc.raw, display: meshRead.file.display },
    destinationRules,
    namespace,
    istio,
    sha256: loaded.sha256,
  };
}
