/** The PromQL meshbench sends and the arithmetic on Prometheus' answers. */
import { describe, expect, it } from 'vitest';
import { increaseBySeries, lastValuesQuery, parsePromDurationS, parseVector, promString, requestsSelector, scrapeIntervalS } from '../../../src/kube/prometheus/promql.js';

const sel = { service: 'helloworld', namespace: 'sample', clientNamespace: 'sample' };

function series(version: string, code: string, value: number, pod = 'sleep-1', cluster = 'cluster1') {
  return { labels: { pod, destination_version: version, destination_cluster: cluster, source_cluster: 'cluster1', response_code: code, reporter: 'source' }, value };
}

describe('PromQL', () => {
  it('selects the client sidecar reports (reporter="source") of the service from the client namespace', () => {
    expect(requestsSelector(sel)).toBe(
      'istio_requests_total{reporter="source",destination_service_name="helloworld",destination_service_namespace="sample",source_workload_namespace="sample"}',
    );
    expect(lastValuesQuery(sel, 42)).toBe(`last_over_time(${requestsSelector(sel)}[42s])`);
  });

  it('escapes label values as PromQL strings', () => {
    expect(promString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(requestsSelector({ ...sel, service: 'x"}' })).toContain('destination_service_name="x\\"}"');
  });

  it('refuses a lookback that is not whole seconds', () => {
    expect(() => lastValuesQuery(sel, 0)).toThrow(RangeError);
    expect(() => lastValuesQuery(sel, 1.5)).toThrow(RangeError);
  });

  it('reads vectors, scalars and Prometheus errors', () => {
    const v = parseVector({ status: 'success', data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1700000000.5, '12'] }] } });
    expect(v).toEqual({ series: [{ labels: { a: 'b' }, value: 12 }], timeS: 1700000000.5 });
    expect(parseVector({ status: 'success', data: { resultType: 'scalar', result: [1700000001.25, '1700000001.25'] } }).timeS).toBe(1700000001.25);
    expect(() => parseVector({ status: 'error', errorType: 'bad_data', error: 'parse error at char 3' })).toThrow(/bad_data: parse error at char 3/);
    expect(() => parseVector({ status: 'success', data: { resultType: 'matrix', result: [] } })).toThrow(/matrix/);
  });

  it('subtracts per series, counts new series from 0 and a reset from its new value, then groups', () => {
    const before = [series('v1', '200', 100), series('v1', '200', 50, 'sleep-2'), series('v2', '200', 7)];
    const after = [
      series('v1', '200', 130), // +30
      series('v1', '200', 5, 'sleep-2'), // reset: +5
      series('v2', '200', 7), // unchanged: no row
      series('v2', '503', 4, 'k6-runner'), // new series: +4
      series('unknown', '503', 2, 'k6-runner', 'unknown'),
    ];
    const inc = increaseBySeries(before, after);
    expect(inc.resets).toBe(1);
    expect(inc.rows).toEqual([
      { destinationVersion: 'unknown', destinationCluster: 'unknown', sourceCluster: 'cluster1', responseCode: '503', requests: 2 },
      { destinationVersion: 'v1', destinationCluster: 'cluster1', sourceCluster: 'cluster1', responseCode: '200', requests: 35 },
      { destinationVersion: 'v2', destinationCluster: 'cluster1', sourceCluster: 'cluster1', responseCode: '503', requests: 4 },
    ]);
  });

  it('reads the global scrape interval from the running config (default 1m)', () => {
    expect(scrapeIntervalS('global:\n  scrape_interval: 15s\n  scrape_timeout: 10s\nscrape_configs:\n- job_name: x\n  scrape_interval: 5s\n')).toBe(15);
    expect(scrapeIntervalS('global:\n  evaluation_interval: 1m\nscrape_configs: []\n')).toBe(60);
    expect(parsePromDurationS('1m30s')).toBe(90);
    expect(parsePromDurationS('500ms')).toBe(0.5);
    expect(() => parsePromDurationS('15 seconds')).toThrow(/cannot read/);
  });
});
