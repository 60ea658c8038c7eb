import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportView, reportJson } from '../../src/app/report.js';
import type { Result } from '../../src/model/result.js';
import { renderReport, renderReports } from '../../src/render/report.js';
import { createStyle, visibleWidth } from '../../src/render/style.js';
import { buildResult } from '../support/results.js';

const plain = createStyle({ color: false, width: 100 });
let failover: Result;
let trials: Result;
let distribution: Result;

beforeAll(() => {
  failover = buildResult({ scenario: 'failover' });
  trials = buildResult({ scenario: 'failover', trials: 20, seed: 11, labels: { istio: '1.24', env: 'ci' } });
  distribution = buildResult({ scenario: 'distribution', target: 'kube', istio: '1.24', seed: 3 });
});

function linesOf(text: string): string[] {
  return text.split('\n');
}

describe('renderReport', () => {
  it('renders a failover run: fault at 20s, restore at 40s, v2 takes over and v1 fails back', async () => {
    const out = renderReport(buildReportView(failover, failover.id), plain);
    await expect(out).toMatchFileSnapshot('__snapshots__/report-failover.txt');
    expect(out).toContain('^fault');
    expect(out).toContain('^restore');
    expect(out).toMatch(/recovery\s+\d+ms\s+±10ms/);
  });

  it('renders figures over trials as p50/p90/p99/max', async () => {
    const out = renderReport(buildReportView(trials, `results/${trials.id}.json`), plain);
    await expect(out).toMatchFileSnapshot('__snapshots__/report-failover-20-trials.txt');
    expect(out).toMatch(/figure\s+trials\s+p50\s+p90\s+p99\s+max\s+resolution/);
    expect(out).toContain('seeds 11..30');
  });

  it('renders a split run on the kube target with the predicted split and its test', async () => {
    const out = renderReport(buildReportView(distribution, distribution.id), plain);
    await expect(out).toMatchFileSnapshot('__snapshots__/report-distribution.txt');
    expect(out).toContain('kube · contexts kind-cluster1, kind-cluster2 · Istio 1.24.2 · k6');
    expect(out).toMatch(/consistent with the predicted split|differs from the predicted split/);
    expect(out).toContain('no failed requests');
  });

  it('says when the observed split differs from the prediction', () => {
    const skewed: Result = structuredClone(distribution);
    skewed.summary.distributionTest = { phase: 'all', expected: { v1: 0.5, v2: 0.5 }, chiSquare: 40.2, df: 1, pValue: 2.3e-10 };
    expect(renderReport(buildReportView(skewed, skewed.id), plain)).toContain('χ² = 40.2, df 1, p<0.001: differs from the predicted split');
  });

  it('wraps a long threshold and its note at the width instead of cutting them', () => {
    const long = buildResult({ id: '20261123-214500-failover-wrap01' });
    long.thresholds = [{ expr: 'distribution.v2.share > 0.9 during fault..restore', value: null, ok: false, note: 'p99 reaches trials that never recovered: 5 of 10 (2 not measured: the run ended before a full window)' }];
    const narrow = createStyle({ color: false, width: 60 });
    const out = renderReport(buildReportView(long, long.id), narrow);
    const section = out.slice(out.indexOf('Thresholds'));
    expect(section.replace(/\s+/g, ' ')).toContain('distribution.v2.share > 0.9 during fault..restore: observed n/a — p99 reaches trials that never recovered: 5 of 10 (2 not measured: the run ended before a full window)');
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });

  it('shows "not recovered" for percentiles over trials that reach never-recovered trials', () => {
    const r = buildResult({ id: '20261123-214500-failover-cens01', trials: 10 });
    r.summary.failover = { ...r.summary.failover!, notRecovered: 5, trials: 15, recoveryMs: { ...r.summary.failover!.recoveryMs!, n: 10 } };
    const out = renderReport(buildReportView(r, r.id), plain);
    // 10 recovered + 5 never: p50 (rank 8) is a time, p90 (rank 14) and beyond are not.
    expect(out).toMatch(/recovery\s+15\s+\S+ms\s+not recovered\s+not recovered\s+not recovered/);
  });

  it('says how many latencies were clamped into the histogram range', () => {
    const r = buildResult({ id: '20261123-214500-failover-clmp01' });
    r.summary.clampedLatencies = 3;
    expect(renderReport(buildReportView(r, r.id), plain)).toContain("3 values outside 1 µs … 1 h were clamped into the histogram's range");
  });

  it('marks failed thresholds FAIL without colour and ✗ with colour', () => {
    const failed: Result = structuredClone(failover);
    failed.thresholds[0] = { expr: 'failover.recovery.p99 < 100ms', value: 430, ok: false };
    expect(renderReport(buildReportView(failed, failed.id), plain)).toMatch(/FAIL\s+failover\.recovery\.p99 < 100ms: observed 430ms/);
    expect(renderReport(buildReportView(failed, failed.id), createStyle({ color: true, width: 100 }))).toContain('\u001b[31m✗ FAIL\u001b[39m');
  });

  it('uses colour codes only when colour is on', () => {
    const coloured = renderReport(buildReportView(failover, failover.id), createStyle({ color: true, width: 100 }));
    expect(coloured).toContain('\u001b[1m');
    expect(coloured).toContain('\u001b[36m');
    expect(renderReport(buildReportView(failover, failover.id), plain)).not.toContain('\u001b[');
  });

  it.each([60, 120])('fits %i columns, charts included', (width) => {
    const out = renderReport(buildReportView(trials, trials.id), createStyle({ color: true, width }));
    for (const line of linesOf(out)) expect(visibleWidth(line), line).toBeLessThanOrEqual(width);
  });

  it('resamples charts to the width: wider terminals get more plot columns', () => {
    const axisWidth = (width: number) => {
      const axis = linesOf(renderReport(buildReportView(failover, failover.id), createStyle({ color: false, width }))).find((l) => l.includes('└'))!;
      return axis.length - axis.indexOf('└') - 1;
    };
    expect(axisWidth(60)).toBe(60 - 12);
    expect(axisWidth(120)).toBe(120 - 12);
  });

  it('renders a sparse result (import, closed model, nothing attributed, traffic never recovered)', () => {
    const sparse: Result = structuredClone(failover);
    sparse.target = { kind: 'import', format: 'fortio', files: ['fortio-result.json'], skippedLines: 0 };
    sparse.summary.load = { model: 'closed', concurrency: 4, durationMs: 30_000, resolutionMs: 12.5 };
    sparse.summary.locality = null;
    sparse.summary.distribution = {};
    delete sparse.summary.distributionTest;
    sparse.summary.latencyByVersionMs = {};
    sparse.summary.failover = { ...sparse.summary.failover!, recoveryMs: null, failbackMs: null, firstFailoverSuccessMs: null, notRecovered: 1, notFailedBack: 1 };
    sparse.series = { bucketMs: 1000, requests: [], errors: [], byVersion: {}, p99Ms: [] };
    sparse.histograms = {};
    sparse.thresholds = [{ expr: 'failover.recovery.p99 < 5s', value: null, ok: false, note: 'traffic never recovered' }];
    const out = renderReport(buildReportView(sparse, sparse.id), plain);
    expect(out).toContain('import · fortio · fortio-result.json');
    expect(out).toContain('note: closed model');
    expect(out).toContain('no successful response carried a version');
    expect(out).toContain('not measured (responses carry no cluster or locality)');
    expect(out).toMatch(/recovery\s+not recovered/);
    expect(out).toMatch(/FAIL\s+failover\.recovery\.p99 < 5s: observed n\/a — traffic never recovered/);
    expect(out).toContain('late starts   not measured (the load tool keeps no send schedule)');
    expect(out).toContain('Latency (from the actual send: the load tool keeps no schedule)');
    expect(out).not.toContain('Share of requests');
    expect(out).not.toContain('spectrum');
  });

  it('separates several reports with a rule', () => {
    const out = renderReports([buildReportView(failover, 'a'), buildReportView(distribution, 'b')], plain);
    expect(out).toContain('═'.repeat(100));
    expect(out.indexOf(failover.id)).toBeLessThan(out.indexOf(distribution.id));
  });
});

describe('reportJson', () => {
  it('gives the summary and the data behind every chart', () => {
    const json = reportJson(buildReportView(failover, failover.id));
    expect(json.summary).toEqual(failover.summary);
    expect(json.charts.timeMs).toHaveLength(60);
    expect(json.charts.sharePerVersion['v1']?.[0]).toBe(1);
    expect(json.charts.sharePerVersion['v1']?.[25]).toBe(0);
    expect(json.charts.errorRate[20]).toBeGreaterThan(0);
    expect(json.charts.latencySpectrum['all']?.map((p) => p.percentile)).toEqual([50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 100]);
    expect(json.charts.latencySpectrum['v2']?.[0]?.ms).toBeGreaterThan(60);
    expect(json.distributionVerdict).toEqual({ alpha: 0.05, consistent: true });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
