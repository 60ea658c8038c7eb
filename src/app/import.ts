import { InterruptedError, UsageError } from '../errors.js';
import { detectImportFormat, type ImportFormat } from '../ingest/detect.js';
import { parseFortio } from '../ingest/fortio.js';
import { fortioMeasures } from '../ingest/fortio-measures.js';
import { checkK6Stats, k6LoadSummary } from '../ingest/k6-check.js';
import { K6StartSampler } from '../ingest/k6-load-shape.js';
import { createK6Parser, type K6Stats } from '../ingest/k6-ndjson.js';
import { formatIsoUs } from '../ingest/rfc3339.js';
import { createAccumulator } from '../measure/accumulator.js';
import { mergeTrials } from '../measure/merge.js';
import type { TrialMeasures } from '../measure/types.js';
import type { Result } from '../model/result.js';
import { buildResult } from './build-result.js';
import type { ImportSource } from './import-source.js';
import type { Progress } from './ports.js';

export type { ImportSource } from './import-source.js';

/** What the caller decides about an import. */
export interface ImportOptions {
  /** Scenario name of the result (`--name`); default: the k6 `scenario` tag, else the first file's name. */
  name?: string;
  labels: Readonly<Record<string, string>>;
  toolVersion: string;
  /** Result id for a scenario name (the edge supplies the time and the random suffix). */
  makeId(scenarioName: string): string;
  /** SHA-256 (hex) of a text; the edge has the crypto. */
  sha256(text: string): string;
}

/** Ports of the import use case. */
export interface ImportPorts {
  progress: Progress;
  signal?: AbortSignal;
}

/** What was read from one file. */
export interface ImportedFile {
  name: string;
  format: ImportFormat;
  requests: number;
  /** Malformed lines skipped (k6). */
  skippedLines: number;
  /** k6 `dropped_iterations`: requests an arrival-rate executor never sent. */
  droppedIterations: number;
}

/** The result plus what a user should know about the input (skipped lines, missing attribution…). */
export interface ImportOutcome {
  result: Result;
  files: ImportedFile[];
  notes: string[];
}

/** Files smaller than this import without a progress line. */
const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

/** Largest fortio JSON read whole (its size does not grow with the number of requests). */
const MAX_FORTIO_BYTES = 256 * 1024 * 1024;

interface FileImport {
  measures: TrialMeasures;
  file: ImportedFile;
  startEpochUs: number;
  endEpochUs: number;
  scenarioTag: string | null;
  notes: string[];
}

function k6Notes(name: string, s: K6Stats, errors: number): string[] {
  const notes: string[] = [];
  if (s.malformed > 0) {
    const first = s.firstMalformed[0];
    // Junk is read past, not refused (src/ingest/k6-check.ts): say how much and where it starts.
    const nonBlank = s.lines - s.blank;
    notes.push(
      `${name}: skipped ${s.malformed} of ${nonBlank} line${nonBlank === 1 ? '' : 's'} that are not k6 output${first ? ` (first: ${name}:${first.line}:${first.col ?? 1} ${first.reason})` : ''}`,
    );
  }
  if (s.pairedNearest > 0) notes.push(`${name}: ${s.pairedNearest} of ${s.pairedExact + s.pairedNearest} versions paired with the newest request of the same scenario (and VU when known), not exactly: add vu and iter to k6's --system-tags for exact pairing`);
  if (s.droppedIterations > 0) notes.push(`${name}: k6 dropped ${s.droppedIterations} iteration${s.droppedIterations === 1 ? '' : 's'} (requests never sent: the load generator could not keep up)`);
  if (s.versionPoints === 0) notes.push(`${name}: no response carried a version (the script reports none), so there is no distribution`);
  else if (s.unattributedVersionPoints > 0) notes.push(`${name}: ${s.unattributedVersionPoints} version points matched no request`);
  if (s.statusGuessed > 0) notes.push(`${name}: ${s.statusGuessed} requests had no status tag (status guessed from expected_response)`);
  if (s.httpReqFailed !== errors) {
    notes.push(`${name}: k6's http_req_failed counts ${s.httpReqFailed} failed requests, meshbench ${errors} (any non-2xx status or connection error)`);
  }
  return notes;
}

async function importK6(source: ImportSource, ports: ImportPorts): Promise<FileImport> {
  const acc = createAccumulator({ load: { model: 'open' }, keepSamples: false });
  const starts = new K6StartSampler();
  const parser = createK6Parser((s) => {
    acc.record(s);
    starts.record(s.startUs, s.endUs - s.startUs);
  });
  let shownPercent = -1;
  await source.forEachLine(
    (line, lineNo) => parser.line(line, lineNo),
    (bytes) => {
      if (ports.signal?.aborted) throw new InterruptedError(`import of ${source.name} interrupted`);
      const percent = source.sizeBytes > 0 ? Math.floor((100 * bytes) / source.sizeBytes) : 0;
      if (percent !== shownPercent && source.sizeBytes >= PROGRESS_MIN_BYTES) {
        shownPercent = percent;
        ports.progress.update(`importing ${source.name}: ${formatMiB(bytes)} of ${formatMiB(source.sizeBytes)} (${percent}%)`);
      }
    },
  );
  const stats = parser.end();
  checkK6Stats(stats, source.name);
  const measures = acc.finish([]);
  const first = stats.firstEpochUs ?? 0;
  const last = stats.lastEpochUs ?? first;
  const { load, inferred } = k6LoadSummary(stats, last - first, starts.shape());
  measures.load = load;
  return {
    measures,
    file: { name: source.name, format: 'k6', requests: stats.requests, skippedLines: stats.malformed, droppedIterations: stats.droppedIterations },
    startEpochUs: first,
    endEpochUs: last,
    scenarioTag: stats.scenario,
    notes: [...k6Notes(source.name, stats, measures.overall.errors), `${source.name}: ${inferred}`],
  };
}

async function importFortio(source: ImportSource): Promise<FileImport> {
  const run = parseFortio(await source.text(MAX_FORTIO_BYTES), source.name);
  const measures = fortioMeasures(run);
  const notes: string[] = [`${source.name}: fortio reports no per-request data: no series, versions or failover figures`];
  if (run.count !== measures.overall.requests) notes.push(`${source.name}: DurationHistogram.Count (${run.count}) differs from the sum of RetCodes (${measures.overall.requests})`);
  return {
    measures,
    file: { name: source.name, format: 'fortio', requests: measures.overall.requests, skippedLines: 0, droppedIterations: 0 },
    startEpochUs: run.startEpochUs,
    endEpochUs: run.startEpochUs + run.durationUs,
    scenarioTag: null,
    notes,
  };
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** File name without directories and extensions (`out/run-1.ndjson.gz` → `run-1`). */
function baseName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/(\.(ndjson|jsonl|json|gz|txt|log))+$/i, '') || file;
}

/**
 * Turns k6 `--out json` NDJSON files or fortio JSON results into one meshbench result
 * (product.md §2 `import`). Each file is one trial; the format is detected from the content;
 * files of both formats cannot be mixed. k6 files stream with constant memory.
 * @throws UsageError (exit 2) for no files or mixed formats; InvalidInputError (exit 3) for an
 *   unreadable, unknown or mostly malformed file; InterruptedError (exit 130) when aborted.
 */
export async function importFiles(sources: readonly ImportSource[], opts: ImportOptions, ports: ImportPorts): Promise<ImportOutcome> {
  if (sources.length === 0) throw new UsageError('no file to import', { hint: 'meshbench import <k6-out.ndjson | fortio.json>...' });
  const formats: ImportFormat[] = [];
  for (const s of sources) formats.push(detectImportFormat(await s.head(64 * 1024), s.name));
  const format = formats[0]!;
  const other = formats.findIndex((f) => f !== format);
  if (other >= 0) {
    throw new UsageError(`${sources[0]!.name} is ${format} output but ${sources[other]!.name} is ${formats[other]}`, { hint: 'import k6 and fortio files separately' });
  }
  const imports: FileImport[] = [];
  for (const source of sources) {
    imports.push(format === 'k6' ? await importK6(source, ports) : await importFortio(source));
    ports.progress.done();
  }
  const notes = imports.flatMap((i) => i.notes);
  for (const n of notes) ports.progress.note(n);

  const merged = mergeTrials(imports.map((i) => i.measures));
  const name = opts.name ?? imports.find((i) => i.scenarioTag !== null)?.scenarioTag ?? baseName(sources[0]!.name);
  const files = imports.map((i) => i.file);
  const spec = { import: { format, files: files.map((f) => f.name) } };
  const result = buildResult({
    id: opts.makeId(name),
    scenario: { name, description: `imported from ${format} output`, sha256: opts.sha256(JSON.stringify(spec)), spec },
    target: { kind: 'import', format, files: files.map((f) => f.name), skippedLines: files.reduce((s, f) => s + f.skippedLines, 0) },
    labels: opts.labels,
    startedAt: formatIsoUs(Math.min(...imports.map((i) => i.startEpochUs))),
    finishedAt: formatIsoUs(Math.max(...imports.map((i) => i.endEpochUs))),
    merged,
    events: [],
    thresholds: [],
    toolVersion: opts.toolVersion,
  });
  return { result, files, notes };
}

/** The files of one format, imported together as the trials of one result. */
export interface ImportGroup {
  format: ImportFormat;
  sources: ImportSource[];
}

/**
 * Sorts files by detected format, in the order first seen: k6 and fortio output measure
 * different things (fortio has no per-request data), so each format becomes its own result and
 * `meshbench import k6-out.ndjson fortio.json` gives two results instead of a usage error.
 * @throws InvalidInputError (exit 3) for a file of unknown format, before anything is imported.
 */
export async function groupImportSources(sources: readonly ImportSource[]): Promise<ImportGroup[]> {
  const groups: ImportGroup[] = [];
  for (const s of sources) {
    const format = detectImportFormat(await s.head(64 * 1024), s.name);
    const g = groups.find((x) => x.format === format);
    if (g === undefined) groups.push({ format, sources: [s] });
    else g.sources.push(s);
  }
  return groups;
}
