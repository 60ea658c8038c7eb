/**
 * Observations the simulator records beside the timeline: when the client proxy's endpoint set
 * changed (an EDS push landed) and when outlier detection ejected or returned a host. They explain
 * a recovery time ("v1 left the client's EDS at 20.45 s"). Capped so a flapping host cannot bloat
 * a result.
 */
import type { EventsSoFar, RunEvent } from '../../model/sample.js';
import { ISTIO_DEFAULT_THRESHOLD, type CircuitBreakerConfig } from '../istiod/circuit-breakers.js';
import type { ClientProxy, RtHost } from './client-proxy.js';

const MAX_OBSERVATIONS = 200;

export class Observer implements EventsSoFar {
  private readonly list: RunEvent[] = [];
  private dropped = 0;
  /** First time of each recorded event name, for measures that stream (EventsSoFar). */
  private readonly firstAt = new Map<string, number>();
  private first = Infinity;

  /** A timeline action happened. Always kept. */
  timeline(atUs: number, name: string, action: string): void {
    this.push(atUs, name, action);
  }

  firstUsOf(name: string): number | undefined {
    return this.firstAt.get(name);
  }

  firstUs(): number {
    return this.first;
  }

  /** `client` names the proxy (`cluster2/sleep`) in runs with several clients; undefined with one. */
  edsUpdate(atUs: number, proxy: ClientProxy, client?: string): void {
    // Past the cap the text is never kept: skip building it (a host list per push, per client).
    if (this.full()) return;
    const hosts = proxy.hostList.map((h) => `${h.kind === 'gateway' ? 'gw ' : ''}${h.target}${h.edsUnhealthy ? ' (UNHEALTHY: not ready)' : ''}`);
    const who = client === undefined ? 'client proxy' : `client proxy ${client}`;
    this.observe(atUs, 'eds-update', `${who} now has ${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${hosts.join(', ') || '(none)'}`);
  }

  ejected(atUs: number, host: RtHost, client?: string): void {
    this.observe(atUs, 'ejected', `outlier detection${client === undefined ? '' : ` of ${client}`} ejected ${host.kind === 'gateway' ? 'gateway ' : ''}${host.target}`);
  }

  unejected(atUs: number, keys: readonly string[], client?: string): void {
    this.observe(atUs, 'unejected', `outlier detection${client === undefined ? '' : ` of ${client}`} returned ${keys.join(', ')}`);
  }

  /** The first request answered 503 UO (a circuit breaker overflowed); the run's counts are in SimOutput. */
  circuitBreakerOverflow(atUs: number, limits: CircuitBreakerConfig): void {
    const set: string[] = [];
    const max = (v: number) => (v < ISTIO_DEFAULT_THRESHOLD ? String(v) : undefined);
    for (const [name, v] of [
      ['maxConnections', max(limits.maxConnections)],
      ['http1MaxPendingRequests', max(limits.maxPendingRequests)],
      ['http2MaxRequests', max(limits.maxRequests)],
      ['maxRetries', max(limits.maxRetries)],
    ] as const)
      if (v !== undefined) set.push(`${name} ${v}`);
    this.observe(atUs, 'circuit-breaker-overflow', `first 503 UO: the client's circuit breakers overflowed (connectionPool ${set.join(', ')})`);
  }

  events(): RunEvent[] {
    const out = this.list.slice().sort((a, b) => a.atMs - b.atMs);
    if (this.dropped > 0) {
      const last = out[out.length - 1];
      out.push({ name: 'observations-truncated', atMs: last?.atMs ?? 0, action: `${this.dropped} more observations not recorded` });
    }
    return out;
  }

  private full(): boolean {
    if (this.list.length < MAX_OBSERVATIONS) return false;
    this.dropped++;
    return true;
  }

  private observe(atUs: number, name: string, action: string): void {
    if (this.list.length >= MAX_OBSERVATIONS) {
      this.dropped++;
      return;
    }
    this.push(atUs, name, action);
  }

  private push(atUs: number, name: string, action: string): void {
    this.list.push({ name, atMs: atUs / 1000, action });
    if (!this.firstAt.has(name)) this.firstAt.set(name, atUs);
    if (atUs < this.first) this.first = atUs;
  }
}
