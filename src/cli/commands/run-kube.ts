/**
 * The `--target kube` half of `meshbench run`: loads the mesh, the scenario, the DestinationRule
 * manifests it names (applied as written) and the k6 script, opens the journal, and hands
 * everything to the kube driver (`src/kube/run/run.ts`). Lazily imported: `--help` and sim runs
 * never load @kubernetes/client-node.
 */
import { DEFAULT_K6_IMAGE, k6MaxVus } from '../../kube/run/k6-objects.js';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Progress } from '../../app/ports.js';
import { UsageError } from '../../errors.js';
import { loadMesh, loadScenario } from '../../fs/documents.js';
import { meshRefFor } from '../../fs/scenario-mesh.js';
import { readDocumentRef, readRelativeRef } from '../../fs/document-files.js';
import { openJournal } from '../../fs/journal.js';
import { packageRoot } from '../../fs/package-root.js';
import type { KubeObject } from '../../kube/gateway.js';
import { parseManifest } from '../../kube/manifests.js';
import { typedJournal } from '../../kube/run/journal.js';
import { runOnKube } from '../../kube/run/run.js';
import { RunTimeoutError } from '../../kube/run/deadline.js';
import type { Result } from '../../model/result.js';
import { createRng } from '../../sim/rng.js';
import type { CliRuntime } from '../deps.js';
import { hex6 } from '../parsers.js';
import { requireContexts } from './deploy.js';

/** The journal `run --target kube` and `restore` use unless `--journal` says otherwise. */
export const DEFAULT_JOURNAL = '.meshbench-journal.jsonl';

/** The kube options of `meshbench run`. */
export interface KubeRunCliOptions {
  mesh?: string;
  repeat: number;
  label: Record<string, string>;
  context: string[];
  kubeconfig?: string;
  requestTimeout?: number;
  timeout?: number;
  load: 'k6' | 'curl';
  k6Image?: string;
  journal?: string;
  parallelism?: number;
  prometheus?: string;
  /** `--dry-run[=client]`: print what the run would create and exec, contact no cluster. */
  dryRun?: 'client';
  /** `-o`: the dry run's format. */
  output?: 'yaml' | 'json';
}

/** DestinationRule references of a scenario document: `spec.destinationRule` and each `applyDestinationRule`. */
function ruleRefs(raw: unknown): string[] {
  const spec = (raw as { spec?: { destinationRule?: unknown; timeline?: unknown } } | null)?.spec;
  const refs: string[] = [];
  if (typeof spec?.destinationRule === 'string') refs.push(spec.destinationRule);
  if (Array.isArray(spec?.timeline)) {
    for (const e of spec.timeline) {
      const r = (e as { applyDestinationRule?: unknown } | null)?.applyDestinationRule;
      if (typeof r === 'string') refs.push(r);
    }
  }
  return [...new Set(refs)];
}

/**
 * The manifests behind the scenario's DestinationRules, keyed as the resolved rules name their
 * source (the same display path the loader gave them) and name.
 */
async function ruleManifests(ref: string, cwd: string, raw: unknown): Promise<Map<string, KubeObject>> {
  const out = new Map<string, KubeObject>();
  const refs = ruleRefs(raw);
  if (refs.length === 0) return out;
  const scenarioFile = await readDocumentRef(ref, cwd, 'scenario');
  if (!scenarioFile.ok) return out;
  for (const r of refs) {
    const read = await readRelativeRef(r, scenarioFile.file, cwd);
    if (!read.ok) continue; // the loader already reported it
    for (const o of parseManifest(read.file.text, read.file.display)) {
      if (o.kind === 'DestinationRule') out.set(`${read.file.display}\u0000${o.metadata.name}`, o);
    }
  }
  return out;
}

/** The result a run cut by its --timeout kept (to save before reporting the error), if any. */
export function timedOutResult(err: unknown): Result | undefined {
  return err instanceof RunTimeoutError ? err.result : undefined;
}

/** What both a run and its dry run load: contexts, mesh, scenario, rule manifests, the k6 script. */
async function loadRunInputs(rt: CliRuntime, ref: string, opts: KubeRunCliOptions) {
  const contexts = requireContexts(opts.context, 1);
  if (opts.parallelism !== undefined && opts.load !== 'k6') throw new UsageError('--parallelism runs k6 through the k6-operator; it needs --load k6');
  const mesh = await loadMesh(await meshRefFor(ref, opts.mesh, rt.cwd), rt.cwd);
  const loaded = await loadScenario(ref, rt.cwd, mesh);
  if (opts.parallelism !== undefined && opts.parallelism > k6MaxVus(loaded.scenario)) {
    // The operator would end the TestRun in stage error after its initializer (k6_initialize.go, RunValidations).
    throw new UsageError(`--parallelism ${opts.parallelism}: ${loaded.scenario.name}'s load has at most ${k6MaxVus(loaded.scenario)} VU(s), and the k6-operator refuses more runners than VUs ("number of instances > number of VUs")`, {
      hint: `Use --parallelism ${k6MaxVus(loaded.scenario)} or less, or a load with more VUs.`,
    });
  }
  const manifests = await ruleManifests(ref, rt.cwd, loaded.raw);
  const k6Script = opts.load === 'k6' ? await readFile(join(packageRoot(), 'scenarios', 'k6', 'meshbench.ts'), 'utf8') : '';
  const ruleManifest = (source: string, name: string): KubeObject => {
    const m = manifests.get(`${source}\u0000${name}`);
    if (m === undefined) throw new RangeError(`no manifest for DestinationRule ${name} from ${source}`);
    return m;
  };
  return { contexts, mesh, loaded, k6Script, ruleManifest };
}

/**
 * `run --target kube --dry-run=client`: the objects and commands of the run as a YAML stream (or
 * a JSON List), from the same builders the run uses; no kubeconfig is read.
 */
export async function dryRunOnClusters(rt: CliRuntime, ref: string, opts: KubeRunCliOptions): Promise<string> {
  const { contexts, mesh, loaded, k6Script, ruleManifest } = await loadRunInputs(rt, ref, opts);
  const { dryRunPlan, renderDryRun } = await import('../../kube/run/dry-run.js');
  const { effectiveScenario } = await import('../../kube/run/run.js');
  const s = effectiveScenario(loaded.scenario, opts.load);
  const timelineRules = s.timeline.flatMap((e) => (e.action.kind === 'applyDestinationRule' ? [ruleManifest(e.action.destinationRule.source, e.action.destinationRule.name)] : []));
  const plan = dryRunPlan({
    scenario: s,
    mesh,
    contexts,
    load: opts.load,
    k6Image: opts.k6Image ?? DEFAULT_K6_IMAGE,
    k6Script,
    ...(opts.parallelism !== undefined ? { parallelism: opts.parallelism } : {}),
    trials: opts.repeat,
    runId: hex6(rt.randomSeed()),
    ...(s.destinationRule !== undefined ? { rule: ruleManifest(s.destinationRule.source, s.destinationRule.name) } : {}),
    timelineRules,
  });
  return renderDryRun(plan, s.name, opts.output ?? 'yaml');
}

/**
 * Runs one scenario on the clusters and returns its result (saving is the caller's). `deadlineAt`
 * (on rt.clock) is the command's --timeout, shared by every scenario it runs.
 */
export async function runOnClusters(
  rt: CliRuntime,
  ref: string,
  opts: KubeRunCliOptions,
  ports: { progress: Progress; newId(scenario: string, date: Date): string },
  deadlineAt?: number,
): Promise<Result> {
  const { contexts, mesh, loaded, k6Script, ruleManifest } = await loadRunInputs(rt, ref, opts);
  const journal = typedJournal(openJournal(opts.journal ?? DEFAULT_JOURNAL, rt.cwd));
  const rng = createRng(rt.randomSeed());
  return runOnKube(
    {
      scenario: loaded.scenario,
      sha256: loaded.sha256,
      mesh,
      contexts,
      ...(opts.kubeconfig !== undefined ? { kubeconfig: resolve(rt.cwd, opts.kubeconfig) } : {}),
      ...(opts.requestTimeout !== undefined ? { requestTimeoutMs: opts.requestTimeout } : {}),
      ...(opts.timeout !== undefined ? { timeoutMs: deadlineAt !== undefined ? deadlineAt - rt.clock.now() : opts.timeout, timeoutGivenMs: opts.timeout } : {}),
      env: rt.env,
      cwd: rt.cwd,
      load: opts.load,
      k6Image: opts.k6Image ?? DEFAULT_K6_IMAGE,
      k6Script,
      ...(opts.parallelism !== undefined ? { parallelism: opts.parallelism } : {}),
      ...(opts.prometheus !== undefined ? { prometheus: opts.prometheus } : {}),
      trials: opts.repeat,
      labels: opts.label,
      runId: hex6(rt.randomSeed()),
      ruleManifest,
    },
    {
      clock: rt.clock,
      jitter: () => rng.next(),
      progress: ports.progress,
      signal: rt.signal,
      journal,
      newId: ports.newId,
      ...(rt.onSecondInterrupt !== undefined ? { onSecondInterrupt: rt.onSecondInterrupt } : {}),
      writeErr: (t) => rt.stderr.write(t),
    },
  );
}
