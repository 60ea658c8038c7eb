/**
 * A real Prometheus (Debian's /usr/bin/prometheus) for a test: a temp config scraping loopback
 * targets every `scrapeIntervalS`, a temp TSDB, a loopback port; started with a bounded wait for
 * `/-/ready` and killed (SIGTERM, then SIGKILL) by `stop()`, its directory removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrometheusServer {
  url: string;
  /** What Prometheus printed (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passed (real time: an outside process). */
export async function pollUntil(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts Prometheus scraping each target's `metricsPath`. */
export async function startPrometheus(binary: string, opts: { targets: string[]; metricsPath: string; scrapeIntervalS: number; startTimeoutMs?: number }): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-prometheus-'));
  const config = [
    'global:',
    `  scrape_interval: ${opts.scrapeIntervalS}s`,
    `  evaluation_interval: ${opts.scrapeIntervalS}s`,
    'scrape_configs:',
    '  - job_name: envoy-stats',
    `    metrics_path: ${opts.metricsPath}`,
    `    scrape_timeout: ${opts.scrapeIntervalS}s`,
    '    static_configs:',
    `      - targets: [${opts.targets.map((t) => `'${t.replace(/^https?:\/\//, '')}'`).join(', ')}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = await pollUntil(async () => (await fetch(`${url}/-/ready`)).status === 200, opts.startTimeoutMs ?? 20_000);
  if (!ready) {
    await stop();
    throw new Error(`prometheus did not become ready within ${opts.startTimeoutMs ?? 20_000} ms:\n${log}`);
  }
  // Ready is not scraping: static targets are discovered asynchronously after /-/ready, and a
  // target's first scrape comes up to one interval later. Wait until every target has been
  // scraped once, so a test's "before" reading already sees its series (a quiet machine gets here
  // before the first scrape; a loaded one hid that).
  const scraped = await pollUntil(async () => {
    const t = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data?: { activeTargets?: Array<{ health?: string }> } };
    const active = t.data?.activeTargets ?? [];
    return active.length >= opts.targets.length && active.every((a) => a.health === 'up');
  }, opts.startTimeoutMs ?? 20_000);
  if (!scraped) {
    await stop();
    throw new Error(`prometheus did not scrape its ${opts.targets.length} target(s) within ${opts.startTimeoutMs ?? 20_000} ms:\n${log}`);
  }
  return { url, log: () => log, stop };
}

/** The value of an instant query's first sample (undefined: no sample). */
export async function queryValue(url: string, promql: string): Promise<number | undefined> {
  const r = (await (await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql }).toString()}`)).json()) as { data?: { result?: Array<{ value: [number, string] }> } };
  const v = r.data?.result?.[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}
