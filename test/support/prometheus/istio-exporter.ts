/**
 * A loopback exporter serving what a client sidecar's merged metrics endpoint serves
 * (`:15020/stats/prometheus`): `istio_requests_total` in Prometheus' text format, with Istio's
 * standard labels (istio.io "Istio Standard Metrics"; the label set of
 * istio/istio pkg/config/xds/.../stats filter defaults) — counted from the emulated requests the
 * client actually sent, one increment per request as it is answered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiServer } from '../apiserver/server.js';
import type { MeshTraffic, Outcome } from '../apiserver/traffic.js';

/** The labels of one `istio_requests_total` series (those meshbench reads, and enough of the rest to look real). */
export interface IstioRequestLabels {
  reporter: 'source' | 'destination';
  source_workload: string;
  source_workload_namespace: string;
  source_cluster: string;
  destination_service_name: string;
  destination_service_namespace: string;
  destination_version: string;
  destination_cluster: string;
  response_code: string;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class IstioExporter {
  private readonly counters = new Map<string, { labels: IstioRequestLabels; value: number }>();
  private server: Server | undefined;
  url = '';
  /** Scrapes served (tests wait for one after the traffic). */
  scrapes = 0;

  /** One request, as the client sidecar reports it. */
  record(labels: IstioRequestLabels): void {
    const key = JSON.stringify(labels);
    const c = this.counters.get(key);
    if (c !== undefined) c.value++;
    else this.counters.set(key, { labels, value: 1 });
  }

  /** The exposition text (format 0.0.4). */
  text(): string {
    const lines = ['# HELP istio_requests_total Total requests.', '# TYPE istio_requests_total counter'];
    for (const { labels, value } of this.counters.values()) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      lines.push(`istio_requests_total{${l}} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }

  total(): number {
    let n = 0;
    for (const c of this.counters.values()) n += c.value;
    return n;
  }

  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.url?.startsWith('/stats/prometheus') !== true) {
        res.writeHead(404).end();
        return;
      }
      this.scrapes++;
      const body = this.text();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** What the client sidecar would report for an answer: the serving pod's version and cluster. */
export interface SourceReport {
  clientCluster: string;
  clientWorkload: string;
  namespace: string;
  service: string;
  /** Which cluster runs a pod (undefined: no pod answered, e.g. 503 no healthy upstream). */
  clusterOfPod: (pod: string) => string | undefined;
  /** Rewrites the version Istio reports (a test of disagreement: telemetry and client differ). */
  relabelVersion?: (version: string, seq: number) => string;
}

/** The `reporter="source"` labels of one answer. */
export function sourceLabels(out: Outcome, r: SourceReport, seq: number): IstioRequestLabels {
  const version = out.version !== undefined ? (r.relabelVersion?.(out.version, seq) ?? out.version) : 'unknown';
  return {
    reporter: 'source',
    source_workload: r.clientWorkload,
    source_workload_namespace: r.namespace,
    source_cluster: r.clientCluster,
    destination_service_name: r.service,
    destination_service_namespace: r.namespace,
    destination_version: version,
    destination_cluster: (out.instance !== undefined ? r.clusterOfPod(out.instance) : undefined) ?? 'unknown',
    response_code: String(out.status),
  };
}

/**
 * Which emulated cluster ran a pod: every pod ever seen in the servers' stores (a pod that is gone
 * by the time the emulated load catches up with virtual time still answered from its cluster).
 */
export function podClusterLookup(servers: readonly ApiServer[]): (pod: string) => string | undefined {
  const seen = new Map<string, string>();
  for (const s of servers) {
    for (const p of s.list('v1', 'Pod')) seen.set(p.metadata.name, s.name);
    const prev = s.store.onChange;
    s.store.onChange = (def, obj, deleted) => {
      prev(def, obj, deleted);
      if (obj.kind === 'Pod') seen.set(obj.metadata.name, s.name);
    };
  }
  return (pod) => seen.get(pod);
}

/**
 * Counts every request the emulated client sends through `traffic` into `exporter`: the
 * instance's `outcome` (which every emulated load generator calls once per request) is wrapped, so
 * the counts are the emulator's actual requests. Returns the unwrap function.
 */
export function countTraffic(traffic: MeshTraffic, exporter: IstioExporter, report: SourceReport): () => void {
  const original = traffic.outcome.bind(traffic);
  let seq = 0;
  traffic.outcome = (tMs: number, s: number): Outcome => {
    const out = original(tMs, s);
    exporter.record(sourceLabels(out, report, seq++));
    return out;
  };
  return () => {
    traffic.outcome = original;
  };
}
