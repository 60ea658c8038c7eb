/**
 * `meshbench demo` as a short story: the seed tutorial's experiments, each with its measured
 * figures, the reason behind them (derived from the mesh file and the result, never typed in), and
 * charts; then the Istio-version comparison.
 */
import type { Mesh } from '../model/mesh.js';
import type { Distribution, Result } from '../model/result.js';
import type { CompareView } from './compare-view.js';
import { renderCompare } from './compare.js';
import { formatCount, formatMs, formatPercent, formatP } from './format.js';
import { errorChart, shareChart } from './report-charts.js';
import type { Style } from './style.js';
import { paragraph } from './table.js';

export interface DemoView {
  mesh: Mesh;
  seed: number;
  istio: string;
  olderIstio: string;
  distribution: Result;
  locality: Result;
  failover: Result;
  /** outlier-503 under the older and the newer profile. */
  outlierOlder: Result;
  outlierNewer: Result;
  /** The newer profile compared against the older one (baseline). */
  comparison: CompareView;
  requests: number;
  elapsedMs: number;
}

export function renderDemo(v: DemoView, style: Style): string {
  const out: string[] = [];
  const h = (n: number, title: string) => out.push(`\n${style.paint(`${n}. ${title}`, 'bold')}`);
  const p = (text: string) => out.push(paragraph(text, style));
  const c1 = v.mesh.clusters[0];
  const c2 = v.mesh.clusters[1];
  out.push(style.paint('meshbench demo — the "Multi-Cluster Service Mesh" tutorial on a simulated mesh', 'bold'));
  p(
    `Mesh ${v.mesh.name}: ${v.mesh.clusters.map((c) => `${c.name} (${c.network}: ${c.workloads.map((w) => w.name).join(', ')})`).join(' and ')}. ` +
      `Istio ${v.istio} behaviour, seed ${v.seed}. Every figure below was measured on the simulator just now; ` +
      `replay any experiment with \`meshbench run <name> --seed ${v.seed}\`.`,
  );

  const d = v.distribution.summary;
  h(1, 'Cross-cluster traffic — no DestinationRule (Exercise 5)');
  p(
    `${formatCount(d.requests)} requests from the sleep pod, one at a time like the tutorial's curl loop: ` +
      `${versionSplit(v.distribution)}. ${chiSquareSentence(v.distribution)}`,
  );
  p(
    'Why: without outlierDetection istiod does not apply locality priorities, so the local v1 pod and ' +
      `${c2?.name ?? 'the remote cluster'}'s east-west gateway (standing for v2) share priority 0 and Envoy's least-request picker treats them alike. ` +
      `v2 answers in ${latencyOf(v.distribution, 'v2')} against ${latencyOf(v.distribution, 'v1')} for v1: the cross-region round trip.`,
  );

  const l = v.locality.summary;
  h(2, "Locality load balancing — the seed's DestinationRule (Exercise 6)");
  p(
    `${formatCount(l.requests)} requests ${l.load.ratePerS === undefined ? 'one at a time' : `at ${l.load.ratePerS} req/s`}: ${versionSplit(v.locality)}, ` +
      `${formatPercent(l.locality?.sameLocality ?? 0)} served in the client's own locality.`,
  );
  p(
    'Why: the rule has outlierDetection, which switches on locality failover priorities: v1 (same region and zone) is priority 0 ' +
      'and the gateway to the other region priority 1, which gets traffic only when priority 0 is unhealthy.',
  );

  const f = v.failover.summary.failover;
  const cp = v.mesh.controlPlane;
  h(3, 'Failover — helloworld-v1 scaled to 0, then back (Exercise 7)');
  if (f !== undefined) {
    const trials = v.failover.trials;
    p(
      `${trials === 1 ? 'One run' : `${trials} trials (seeds ${v.seed}…${v.seed + trials - 1})`}: recovery ${dist(f.recoveryMs)}, ` +
        `${dist(f.errorsDuringFailover, false)} failed request${f.errorsDuringFailover.max === 1 ? '' : 's'} during the failover, ` +
        `first success from v2 after ${dist(f.firstFailoverSuccessMs)}, failback ${dist(f.failbackMs)} (resolution ${formatMs(f.resolutionMs)}).`,
    );
    const propagationMs = (cp.endpointUpdateUs + cp.debounceAfterUs + cp.pushUs) / 1000;
    p(
      `Why: the terminating pod stays in the client's endpoint list until the change travels the control plane — EndpointSlice update ` +
        `${formatMs(cp.endpointUpdateUs / 1000)} + istiod debounce ${formatMs(cp.debounceAfterUs / 1000)} + push ${formatMs(cp.pushUs / 1000)} = ` +
        `${formatMs(propagationMs)} (medians; each trial draws its own). Meanwhile helloworld's gunicorn notices SIGTERM at the next turn of its 1 s loop ` +
        'and closes its listener; requests that reach the pod after that and before the push lands get 503 from its sidecar' +
        (v.failover.events.some((e) => e.name === 'ejected')
          ? ', until outlier detection ejects it. '
          : ': outlier detection never ejects it (the seed rule\'s consecutiveErrors is ignored since Istio 1.7, and the default maxEjectionPercent of 10% allows no ejection among 2 hosts). ') +
        'Trials where the push wins the race are hitless. ' +
        `Failback waits for the new pod to start (${formatMs(v.mesh.defaults.podStartupUs / 1000)}) and for the same propagation.`,
    );
  }
  for (const chart of [shareChart(v.failover, style), errorChart(v.failover, style)]) if (chart !== null) out.push(`\n${chart}`);

  h(4, `Why Istio versions matter — v1 answers 503, same DestinationRule, Istio ${v.olderIstio} vs ${v.istio}`);
  const older = v.outlierOlder.summary;
  const newer = v.outlierNewer.summary;
  p(
    `The pods stay in EDS, so only outlier detection can move traffic away from v1. Istio ${v.olderIstio}: ${formatPercent(older.errorRate)} of ` +
      `requests failed, ${ejections(v.outlierOlder)}. Istio ${v.istio}: ${formatPercent(newer.errorRate)} failed, ${ejections(v.outlierNewer)}.`,
  );
  p(
    `Why: Envoy's max-ejection-percent rule became strict in Envoy 1.28 (Istio 1.20): with the default 10% and 2 hosts ` +
      `100×(0+1)/2 = 50% > 10%, so nothing is ever ejected; before, the first ejection was always allowed. And up to Istio 1.23 ` +
      `the default retry policy retried 503 responses. Run \`meshbench explain outlier-503 --istio ${v.istio}\` to see the warning ` +
      'before deploying; the fix is `maxEjectionPercent: 100` in the DestinationRule.',
  );
  out.push(`\n${renderCompare(v.comparison, style).trimEnd()}`);

  out.push(
    `\n${style.paint('Next', 'bold')}\n` +
      paragraph(
        `Simulated ${formatCount(v.requests)} requests in ${formatMs(v.elapsedMs)}. Try: \`meshbench run failover --repeat 200\` ` +
          '(failover figures as distributions), `meshbench explain locality`, `meshbench run failover --istio 1.18`, ' +
          '`meshbench compare <result> <result> --by istio`, and on real clusters `meshbench deploy` / `doctor` / `run --target kube`.',
        style,
      ),
  );
  return `${out.join('\n')}\n`;
}

function versionSplit(r: Result): string {
  const entries = Object.entries(r.summary.distribution).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.map(([ver, s]) => `${ver} ${formatPercent(s.share)} (95% CI ${formatPercent(s.ci95[0])}–${formatPercent(s.ci95[1])})`).join(' / ');
}

function chiSquareSentence(r: Result): string {
  const t = r.summary.distributionTest;
  if (t === undefined) return '';
  const predicted = Object.entries(t.expected)
    .map(([ver, s]) => `${ver} ${formatPercent(s)}`)
    .join(' / ');
  const verdict = t.pValue >= 0.05 ? 'consistent with it' : 'not consistent with it';
  return `The policy predicts ${predicted}; χ² ${formatP(t.pValue)}: ${verdict}.`;
}

function latencyOf(r: Result, version: string): string {
  const s = r.summary.latencyByVersionMs[version];
  return s === undefined ? 'n/a' : `p50 ${formatMs(s.p50)}`;
}

function dist(d: Distribution | null, isMs = true): string {
  if (d === null) return 'never';
  const f = (x: number) => (isMs ? formatMs(x) : formatCount(x));
  return d.n <= 1 || d.min === d.max ? f(d.p50) : `p50 ${f(d.p50)} / p99 ${f(d.p99)} (min ${f(d.min)}, max ${f(d.max)})`;
}

function ejections(r: Result): string {
  const n = r.events.filter((e) => e.name === 'ejected').length;
  return n === 0 ? 'v1 was never ejected' : `v1 was ejected ${n === 1 ? 'once' : `${n} times`}`;
}
