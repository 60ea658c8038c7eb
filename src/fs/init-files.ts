/**
 * `meshbench init`: an editable copy of a built-in scenario in the user's folder, with the
 * mesh and the DestinationRule it uses copied beside it, so every file a run reads can be
 * edited and the copy validates as it is (references point at the copies, not the package).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { EnvironmentError, UsageError } from '../errors.js';
import { BUILTIN_PREFIX, builtinDir, listBuiltinManifests, listBuiltins } from './document-files.js';
import { BUILTIN_MESH } from './documents.js';

export interface InitRequest {
  cwd: string;
  /** Scenario name; also the stem of the three file names. */
  name: string;
  /** Built-in scenario to start from. */
  from: string;
  force: boolean;
}

export interface InitResult {
  scenarioFile: string;
  meshFile: string;
  ruleFiles: string[];
}

/** A scenario name that is also a plain file stem (the result id embeds it too). */
export const INIT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes `<name>.yaml` (the scenario), `<name>-mesh.yaml` and `<name>-rule.yaml` (one per bundled
 * manifest the scenario names) into `cwd`.
 * @throws UsageError (exit 2) for a bad name or an unknown built-in; EnvironmentError (exit 4)
 *   when a file exists and `force` is false, or a file cannot be written.
 */
export async function initScenarioFiles(req: InitRequest): Promise<InitResult> {
  if (!INIT_NAME.test(req.name)) throw new UsageError(`scenario name '${req.name}' must be lower-case letters, digits and '-' (at most 63)`);
  const builtins = await listBuiltins('scenario');
  if (!builtins.includes(req.from)) throw new UsageError(`no built-in scenario '${req.from}' (built-in scenarios: ${builtins.join(', ')})`);
  const manifests = await listBuiltinManifests();

  const doc = parseDocument(await readFile(join(builtinDir('scenario'), `${req.from}.yaml`), 'utf8'));
  doc.setIn(['metadata', 'name'], req.name);
  // Bundled manifests the scenario names become local copies: `<name>-rule.yaml` for the main one.
  const copies = new Map<string, string>();
  const localFor = (ref: unknown): string | undefined => {
    if (typeof ref !== 'string' || !ref.startsWith(BUILTIN_PREFIX)) return undefined;
    const bundled = ref.slice(BUILTIN_PREFIX.length);
    if (!manifests.has(bundled)) return undefined;
    const file = copies.get(bundled) ?? (copies.size === 0 ? `${req.name}-rule.yaml` : `${req.name}-${bundled}.yaml`);
    copies.set(bundled, file);
    return `./${file}`;
  };
  const top = localFor(doc.getIn(['spec', 'destinationRule']));
  if (top !== undefined) doc.setIn(['spec', 'destinationRule'], top);
  const timeline = doc.getIn(['spec', 'timeline']);
  if (isSeq(timeline)) {
    for (const item of timeline.items) {
      if (!isMap(item)) continue;
      const local = localFor(item.get('applyDestinationRule'));
      if (local !== undefined) item.set('applyDestinationRule', local);
    }
  }
  const scenarioFile = `${req.name}.yaml`;
  const meshFile = `${req.name}-mesh.yaml`;
  // The mesh the built-in is written for (its spec.mesh, else the default) becomes the local copy
  // the scenario names, so `meshbench run <name>.yaml` needs no --mesh.
  const named = doc.getIn(['spec', 'mesh']);
  const meshRef = typeof named === 'string' && named.startsWith(BUILTIN_PREFIX) ? named : BUILTIN_MESH;
  const meshNode = doc.getIn(['spec', 'mesh'], true);
  if (meshNode !== undefined) doc.setIn(['spec', 'mesh'], `./${meshFile}`);
  else (doc.get('spec') as YAMLMap).items.unshift(doc.createPair('mesh', `./${meshFile}`));
  const header =
    `# Made by \`meshbench init\` from the built-in '${req.from}' scenario; edit freely. Check and run it with\n` +
    `#   meshbench validate ${scenarioFile}\n` +
    `#   meshbench run ${scenarioFile}\n#\n`;
  const meshText = await readFile(join(builtinDir('mesh'), `${meshRef.slice(BUILTIN_PREFIX.length)}.yaml`), 'utf8');
  const out: Array<[string, string]> = [
    [scenarioFile, header + doc.toString({ lineWidth: 0 })],
    [meshFile, `# Made by \`meshbench init\` from the built-in mesh (${meshRef}); edit freely.\n${meshText}`],
  ];
  for (const [bundled, file] of copies) out.push([file, await readFile(manifests.get(bundled) as string, 'utf8')]);

  if (!req.force) {
    for (const [file] of out) {
      if (await exists(join(req.cwd, file))) {
        throw new EnvironmentError(`${join(req.cwd, file)} already exists; not overwriting it`, { hint: 'Pass --force to replace it, or choose another name: meshbench init <name>.', code: 'INIT_EXISTS' });
      }
    }
  }
  for (const [file, text] of out) {
    const path = join(req.cwd, file);
    try {
      await writeFile(path, text);
    } catch (err) {
      throw new EnvironmentError(`cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err, code: 'FS_WRITE' });
    }
  }
  return { scenarioFile, meshFile, ruleFiles: [...copies.values()] };
}
