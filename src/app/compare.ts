import { InvalidInputError, UsageError } from '../errors.js';
import type { Distribution, LatencySummary, LocalityShares, Result } from '../model/result.js';
import { FAILOVER_FIGURES, type ClientComparison, type CompareSubject, type CompareView, type FailoverFigure, type SubjectComparison } from '../render/compare-view.js';
import { sharePerBucket } from '../render/series.js';
import { spectrumPoints, type SpectrumPoint } from '../render/spectrum.js';
import { buildSubject, groupValue, type LoadedResult } from './compare-groups.js';
import { compareSubject } from './compare-tests.js';
import { compareWarnings } from './compare-warnings.js';
import type { ResultStore } from './ports.js';
import { DEFAULT_ALPHA } from './report.js';

/** What to compare, and against what. */
export interface CompareInput {
  /** Result paths or ids. */
  refs: readonly string[];
  /** Group results by this label's value (`istio` falls back to the run's Istio version). */
  by?: string;
  /** Baseline: a result (path or id), or with `by` a label value. Default: the first result/group. */
  baseline?: string;
  /** Significance level of every test (default 0.05). */
  alpha?: number;
}

function letter(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `R${i + 1}`;
}

/**
 * Loads the results, forms subjects (one per result, or one per label value), puts the baseline
 * first and tests every other subject against it.
 * @throws UsageError (exit 2) when fewer than two subjects remain or the baseline matches nothing;
 *         InvalidInputError (exit 3) for a bad result file.
 */
export async function compareResults(input: CompareInput, ports: { store: ResultStore }): Promise<CompareView> {
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  const loaded: LoadedResult[] = [];
  for (const ref of input.refs) loaded.push({ result: await ports.store.load(ref), source: ref });

  let groups: Array<{ key: string; members: LoadedResult[] }>;
  let baselineIndex = 0;
  if (input.by !== undefined) {
    const by = input.by;
    const byValue = new Map<string, LoadedResult[]>();
    let baselineValue: string | undefined;
    if (input.baseline !== undefined) {
      const known = loaded.some((l) => groupValue(l.result, by) === input.baseline);
      if (known) baselineValue = input.baseline;
      else {
        const extra = { result: await loadBaseline(ports.store, input.baseline, by, loaded), source: input.baseline };
        baselineValue = groupValue(extra.result, by);
        if (!loaded.some((l) => l.result.id === extra.result.id)) loaded.push(extra);
      }
    }
    for (const l of loaded) {
      const v = groupValue(l.result, by);
      byValue.set(v, [...(byValue.get(v) ?? []), l]);
    }
    groups = [...byValue.entries()].map(([key, members]) => ({ key, members }));
    if (baselineValue !== undefined) baselineIndex = groups.findIndex((g) => g.key === baselineValue);
  } else {
    if (input.baseline !== undefined) {
      const base = await ports.store.load(input.baseline);
      const at = loaded.findIndex((l) => l.result.id === base.id);
      if (at >= 0) baselineIndex = at;
      else {
        loaded.unshift({ result: base, source: input.baseline });
        baselineIndex = 0;
      }
    }
    groups = loaded.map((l, i) => ({ key: letter(i), members: [l] }));
  }
  if (groups.length < 2) {
    throw new UsageError(
      input.by !== undefined
        ? `every result has the same ${input.by} (${groups[0]?.key ?? 'none'}): nothing to compare`
        : 'compare needs at least two results',
      { hint: input.by !== undefined ? `add results with another ${input.by}, or compare without --by` : 'name two or more results (paths or ids; `meshbench list` shows them)' },
    );
  }
  const ordered = [groups[baselineIndex]!, ...groups.filter((_, i) => i !== baselineIndex)];
  const subjects = ordered.map((g) => buildSubject(g.key, g.members));
  const baseline = subjects[0]!;
  const comparisons = subjects.slice(1).map((s) => compareSubject(s, baseline, alpha));
  const view: CompareView = { alpha, by: input.by ?? null, subjects, comparisons, mainVersion: mainVersion(baseline), warnings: warningsOf(loaded) };
  const clients = clientComparisons(ordered, alpha);
  if (clients.length > 0) view.clients = clients;
  return view;
}

/**
 * Per-client comparisons: for every client name that each result of each subject measured, the
 * subjects rebuilt from that client's summary alone (no per-client histograms or series are
 * stored: latency reads from the summary, failover from the per-trial figures).
 */
function clientComparisons(groups: ReadonlyArray<{ key: string; members: LoadedResult[] }>, alpha: number): ClientComparison[] {
  const all = groups.flatMap((g) => g.members);
  if (all.some((m) => m.result.clients === undefined)) return [];
  const names = all[0]!.result.clients!.map((c) => c.name).filter((n) => all.every((m) => m.result.clients!.some((c) => c.name === n)));
  return names.map((name) => {
    const subjects = groups.map((g) =>
      buildSubject(
        g.key,
        g.members.map((m) => {
          const own = m.result.clients!.find((c) => c.name === name)!;
          const { clients: _all, ...rest } = m.result;
          void _all;
          const result: Result = { ...rest, summary: own.summary, histograms: {}, series: { bucketMs: m.result.series.bucketMs, requests: [], errors: [], byVersion: {}, p99Ms: [] } };
          return { result, source: m.source };
        }),
      ),
    );
    const base = subjects[0]!;
    return { name, subjects, comparisons: subjects.slice(1).map((s) => compareSubject(s, base, alpha)) };
  });
}

/** Loads `--baseline` as a result; when it names no result either, says which label values exist. */
async function loadBaseline(store: ResultStore, ref: string, by: string, loaded: readonly LoadedResult[]) {
  try {
    return await store.load(ref);
  } catch (err) {
    if (err instanceof InvalidInputError && err.problems[0]?.message.startsWith('result not found')) {
      const values = [...new Set(loaded.map((l) => groupValue(l.result, by)))];
      throw new UsageError(`--baseline ${ref} is neither a value of ${by} among the results (${values.join(', ')}) nor a stored result`, {
        hint: `pass one of ${values.join(', ')}, or a result path or id`,
      });
    }
    throw err;
  }
}

function mainVersion(s: CompareSubject): string | null {
  let best: string | null = null;
  for (const [v, n] of Object.entries(s.versions)) if (best === null || n > (s.versions[best] ?? 0)) best = v;
  return best;
}

function warningsOf(loaded: readonly LoadedResult[]): string[] {
  return compareWarnings(loaded, (i) => loaded[i]!.result.id);
}

/** Machine output of `compare --json`. */
export interface CompareJson {
  alpha: number;
  by: string | null;
  baseline: string;
  mainVersion: string | null;
  warnings: string[];
  subjects: Array<{
    key: string;
    results: CompareSubject['results'];
    trials: number;
    requests: number;
    errors: number;
    errorRate: number;
    versions: Record<string, number>;
    locality: LocalityShares | null;
    latencyMs: LatencySummary | null;
    failover: { trials: number; hitless: number; notRecovered: number; recoveryRunEnded: number; notFailedBack: number; resolutionMs: number; figures: Record<FailoverFigure, Distribution | null> } | null;
    charts: { bucketMs: number | null; mainVersionShare: Array<number | null>; latencySpectrum: SpectrumPoint[] };
  }>;
  comparisons: SubjectComparison[];
  /** Runs with several clients: each client's figures and verdicts (see `CompareView.clients`). */
  clients?: Array<{
    name: string;
    subjects: Array<{ key: string; requests: number; errors: number; errorRate: number; versions: Record<string, number>; locality: LocalityShares | null; failover: Record<FailoverFigure, Distribution | null> | null }>;
    comparisons: SubjectComparison[];
  }>;
}

/** Builds the `--json` document of a comparison (histograms summarised, not encoded). */
export function compareJson(view: CompareView): CompareJson {
  return {
    alpha: view.alpha,
    by: view.by,
    baseline: view.subjects[0]?.key ?? '',
    mainVersion: view.mainVersion,
    warnings: view.warnings,
    subjects: view.subjects.map((s) => ({
      key: s.key,
      results: s.results,
      trials: s.trials,
      requests: s.requests,
      errors: s.errors,
      errorRate: s.errorRate,
      versions: s.versions,
      locality: s.locality,
      latencyMs: s.latencyMs,
      failover:
        s.failover === null
          ? null
          : {
              trials: s.failover.trials,
              hitless: s.failover.hitless,
              notRecovered: s.failover.notRecovered,
              recoveryRunEnded: s.failover.recoveryRunEnded ?? 0,
              notFailedBack: s.failover.notFailedBack,
              resolutionMs: s.failover.resolutionMs,
              figures: Object.fromEntries(FAILOVER_FIGURES.map((f) => [f, s.failover!.figures[f].summary])) as Record<FailoverFigure, Distribution | null>,
            },
      charts: {
        bucketMs: s.series?.bucketMs ?? null,
        mainVersionShare: s.series !== null && view.mainVersion !== null ? (sharePerBucket(s.series)[view.mainVersion] ?? s.series.requests.map(() => 0)) : [],
        latencySpectrum: s.latency !== null ? spectrumPoints(s.latency) : [],
      },
    })),
    comparisons: view.comparisons,
    ...(view.clients !== undefined
      ? {
          clients: view.clients.map((c) => ({
            name: c.name,
            subjects: c.subjects.map((s) => ({
              key: s.key,
              requests: s.requests,
              errors: s.errors,
              errorRate: s.errorRate,
              versions: s.versions,
              locality: s.locality,
              failover: s.failover === null ? null : (Object.fromEntries(FAILOVER_FIGURES.map((f) => [f, s.failover!.figures[f].summary])) as Record<FailoverFigure, Distribution | null>),
            })),
            comparisons: c.comparisons,
          })),
        }
      : {}),
  };
}
