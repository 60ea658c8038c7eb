import { z } from 'zod';
import { READABLE_RESULT_SCHEMAS, RESULT_SCHEMA, RESULT_SCHEMA_V1, type Result } from './result.js';
import { parseWith } from './schemas/common.js';
import { field, isRecord, type DocProblem, type PathSeg } from './validate-problems.js';

/**
 * Runtime validation of a result document (product.md §3.3) against the `Result` type: every
 * field is checked, so a hand-edited or truncated file is refused with the field path instead of
 * crashing a report later. Records whose keys are data (versions, clusters, status codes,
 * histogram names) come out with sorted keys, so writing a validated result is byte-stable.
 */

const count = z.number().int().min(0);
const nonNegative = z.number().min(0);
const share = z.number().min(0).max(1);
const timestamp = z.iso.datetime({ offset: true });

function sortKeys<V>(record: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(record).sort()) out[k] = record[k] as V;
  return out;
}

/** A record with data keys, output with sorted keys. */
function sortedRecord<V extends z.ZodType>(value: V, key: z.ZodType<string> = z.string().min(1)) {
  return z.record(key, value).transform((r) => sortKeys(r as Record<string, z.output<V>>));
}

/**
 * A refuted goodness of fit has chiSquare = Infinity, which JSON.stringify writes as null; null
 * reads back as Infinity.
 */
const chiSquareValue = z.union([nonNegative, z.custom<number>((v) => v === Infinity), z.null().transform(() => Infinity)]);

const latencySummary = z.object({
  count,
  p50: nonNegative,
  p90: nonNegative,
  p99: nonNegative,
  p999: nonNegative,
  max: nonNegative,
  mean: nonNegative,
});

const distribution = z.object({
  n: count,
  min: nonNegative,
  p50: nonNegative,
  p90: nonNegative,
  p99: nonNegative,
  max: nonNegative,
  mean: nonNegative,
});

const versionShare = z.object({
  count,
  share,
  ci95: z.tuple([share, share]),
  expectedShare: share.optional(),
});

const loadSummary = z.object({
  model: z.enum(['open', 'closed']),
  ratePerS: z.number().positive().optional(),
  concurrency: z.number().int().min(1).optional(),
  durationMs: nonNegative,
  resolutionMs: nonNegative,
});

const phaseSummary = z.object({
  name: z.string().min(1),
  fromMs: nonNegative,
  toMs: nonNegative.nullable(),
  requests: count,
  errors: count,
  errorRate: share,
  distribution: sortedRecord(z.object({ count, share })),
  latencyMs: latencySummary,
});

const failoverSummary = z.object({
  fault: z.string().min(1),
  restore: z.string().min(1).optional(),
  resolutionMs: nonNegative,
  trials: count,
  recoveryMs: distribution.nullable(),
  firstFailoverSuccessMs: distribution.nullable(),
  errorsDuringFailover: distribution,
  failbackMs: distribution.nullable(),
  hitless: count,
  notRecovered: count,
  notFailedBack: count,
  recoveryRunEnded: count.optional(),
  failbackRunEnded: count.optional(),
});

const failoverOutcome = z.enum(['reached', 'never', 'run-ended']);

const trialFigures = z.object({
  requests: count,
  errors: count,
  versions: sortedRecord(count),
  okLatencyP50Ms: nonNegative.nullable(),
  failover: z
    .object({
      recovery: failoverOutcome,
      recoveryMs: nonNegative.nullable(),
      firstFailoverSuccessMs: nonNegative.nullable(),
      errorsDuringFailover: count,
      failback: failoverOutcome.optional(),
      failbackMs: nonNegative.nullable(),
    })
    .optional(),
});

const summary = z.object({
  requests: count,
  errors: count,
  errorRate: share,
  lateStarts: z.object({ count, maxMs: nonNegative }),
  load: loadSummary,
  statusCodes: sortedRecord(count, z.string().regex(/^\d{1,3}$/, 'expected an HTTP status code (0 = connection error)')),
  responseFlags: sortedRecord(count, z.string().regex(/^[A-Z]{2,4}$/, 'expected an Envoy response flag such as UO')).optional(),
  distribution: sortedRecord(versionShare),
  distributionTest: z
    .object({
      phase: z.string().min(1),
      expected: sortedRecord(share),
      chiSquare: chiSquareValue,
      df: count,
      pValue: share,
      unexpected: z.array(z.string()).optional(),
      pooled: z.array(z.array(z.string()).min(2)).optional(),
    })
    .optional(),
  locality: z
    .object({
      sameLocality: share,
      sameCluster: share,
      sameNetwork: share,
      byCluster: sortedRecord(share),
    })
    .nullable(),
  latencyMs: latencySummary,
  latencyByVersionMs: sortedRecord(latencySummary),
  phases: z.array(phaseSummary),
  failover: failoverSummary.optional(),
  perTrial: z.array(trialFigures).optional(),
  errorRateCi95: z.tuple([share, share]).optional(),
  clampedLatencies: count.optional(),
  latencyBuckets: z
    .object({ tool: z.literal('fortio'), exact: z.object({ minMs: nonNegative, maxMs: nonNegative, meanMs: nonNegative, count }).nullable() })
    .optional(),
});

const series = z.object({
  bucketMs: z.number().positive(),
  requests: z.array(count),
  errors: z.array(count),
  byVersion: sortedRecord(z.array(count)),
  p99Ms: z.array(nonNegative.nullable()),
});

const prometheusCounts = z.object({
  source: z.string(),
  query: z.string(),
  scrapeIntervalS: z.number().positive(),
  windowS: nonNegative,
  rows: z.array(
    z.object({ destinationVersion: z.string(), destinationCluster: z.string(), sourceCluster: z.string(), responseCode: z.string(), requests: count }),
  ),
  notes: z.array(z.string()).optional(),
});

const target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sim'), istio: z.string().min(1), seed: z.number().int(), mesh: z.unknown() }),
  z.object({
    kind: z.literal('kube'),
    contexts: z.array(z.string().min(1)).min(1),
    load: z.enum(['k6', 'curl']),
    istio: sortedRecord(z.string()),
    kubernetes: sortedRecord(z.string()),
    precision: z.object({ timestampsMs: nonNegative, alignmentMs: nonNegative }).optional(),
    prometheus: prometheusCounts.optional(),
    samples: z.object({ received: count, sent: count.optional(), incomplete: z.string().optional() }).optional(),
  }),
  z.object({ kind: z.literal('import'), format: z.enum(['k6', 'fortio']), files: z.array(z.string()), skippedLines: count }),
]);

/** The result document schema. Output type equals `Result` (checked at compile time below). */
export const resultSchema = z
  .object({
    schema: z.enum([RESULT_SCHEMA_V1, RESULT_SCHEMA]),
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a result id (letters, digits, ".", "_", "-")'),
    tool: z.object({ name: z.literal('meshbench'), version: z.string().min(1) }),
    scenario: z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      sha256: z.string(),
      spec: z.unknown(),
    }),
    target,
    labels: sortedRecord(z.string()),
    startedAt: timestamp,
    finishedAt: timestamp,
    trials: z.number().int().min(1),
    summary,
    clients: z.array(z.object({ name: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected a client as cluster/workload'), summary })).min(2).optional(),
    histograms: sortedRecord(z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected an HdrHistogram compressed base64 string')),
    series,
    events: z.array(
      z.object({ name: z.string().min(1), atMs: nonNegative, action: z.string(), trial: count.optional() }),
    ),
    thresholds: z.array(z.object({ expr: z.string().min(1), value: z.number().nullable(), ok: z.boolean(), note: z.string().optional() })),
    interrupted: z
      .object({ trialsRequested: z.number().int().min(1), trialsKept: count, stoppedAtTrial: count, stoppedAtVirtualMs: nonNegative, measuredToMs: nonNegative.optional() })
      .optional(),
  });

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time guard: the schema's output and the `Result` type must not drift apart. */
const schemaMatchesResultType: Exact<z.output<typeof resultSchema>, Result> = true;
void schemaMatchesResultType;

/** Outcome of validating a parsed result document. */
export type ResultValidation =
  | { ok: true; result: Result }
  | { ok: false; problems: DocProblem[]; hint?: string };

function numbers(v: unknown): number[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/**
 * Consistency between fields (errors ≤ requests, every series as long as `series.requests`,
 * intervals in order). Written over unvalidated data so they are reported together with the field
 * problems, not only once every field is right.
 */
function crossChecks(data: Record<string, unknown>): DocProblem[] {
  const out: DocProblem[] = [];
  const summary = field(data, 'summary');
  const requests = field(summary, 'requests');
  const errors = field(summary, 'errors');
  if (typeof requests === 'number' && typeof errors === 'number' && errors > requests) {
    out.push({ path: ['summary', 'errors'], message: `errors (${errors}) exceed requests (${requests})` });
  }
  const series = field(data, 'series');
  const n = numbers(field(series, 'requests'))?.length;
  if (n !== undefined) {
    const sameLength = (path: PathSeg[], values: unknown) => {
      const len = numbers(values)?.length;
      if (len !== undefined && len !== n) out.push({ path, message: `has ${len} buckets but series.requests has ${n}` });
    };
    sameLength(['series', 'errors'], field(series, 'errors'));
    sameLength(['series', 'p99Ms'], field(series, 'p99Ms'));
    const byVersion = field(series, 'byVersion');
    if (isRecord(byVersion)) for (const [v, values] of Object.entries(byVersion)) sameLength(['series', 'byVersion', v], values);
  }
  const distribution = field(summary, 'distribution');
  if (isRecord(distribution)) {
    for (const [v, share] of Object.entries(distribution)) {
      const ci = numbers(field(share, 'ci95'));
      if (ci !== undefined && typeof ci[0] === 'number' && typeof ci[1] === 'number' && ci[0] > ci[1]) {
        out.push({ path: ['summary', 'distribution', v, 'ci95'], message: 'interval bounds are reversed' });
      }
    }
  }
  return out;
}

function schemaNumber(schema: string): number | null {
  const m = /^meshbench\.dev\/result\/v(\d+)$/.exec(schema);
  return m === null ? null : Number(m[1]);
}

/**
 * Checks the `schema` field first (a foreign, older or newer schema is named, not reported as a
 * pile of field errors), then every field.
 * @param toolVersion the running meshbench version, named in the "not supported" message.
 */
export function validateResult(data: unknown, toolVersion: string): ResultValidation {
  if (!isRecord(data)) {
    return { ok: false, problems: [{ path: [], message: 'expected a meshbench result (a JSON object)' }] };
  }
  const schema = data['schema'];
  if (typeof schema !== 'string') {
    return {
      ok: false,
      problems: [{ path: ['schema'], message: 'missing field "schema": this is not a meshbench result', hint: 'results are the files `meshbench run` writes into ./results' }],
    };
  }
  if (!READABLE_RESULT_SCHEMAS.includes(schema)) {
    const found = schemaNumber(schema);
    const ours = schemaNumber(RESULT_SCHEMA) ?? 0;
    const supported = `supported: ${READABLE_RESULT_SCHEMAS.join(', ')}`;
    if (found === null) {
      return { ok: false, problems: [{ path: ['schema'], message: `"${schema}" is not a meshbench result schema (${supported})` }] };
    }
    const hint = found > ours ? 'it was written by a newer meshbench: upgrade meshbench to read it' : 'it was written by an older meshbench: read it with that version, or rerun the scenario';
    return {
      ok: false,
      problems: [{ path: ['schema'], message: `result schema ${schema} is not supported by meshbench ${toolVersion}; ${supported}`, hint }],
    };
  }
  const { data: result, problems } = parseWith(resultSchema, data);
  const all = [...problems, ...crossChecks(data)];
  if (result === undefined || all.length > 0) return { ok: false, problems: all };
  return { ok: true, result };
}
