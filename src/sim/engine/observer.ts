/**
 * Observations the simulator records beside the timeline: when the client proxy's endpoint set
 * changed (an EDS push landed) and when outlier detection ejected or returned a host. They explain
 * a recovery time ("v1 left the client's EDS at 20.45 s"). Capped so a flapping host cannot bloat
 * a result.
 */
import type { EventsSoFar, RunEvent } from '../../model/sample.js';
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

  edsUpdate(atUs: number, proxy: ClientProxy): void {
    const hosts = proxy.hostList.map((h) => `${h.kind === 'gateway' ? 'gw ' : ''}${h.target}${h.edsUnhealthy ? ' (UNHEALTHY: not ready)' : ''}`);
    this.observe(atUs, 'eds-update', `client proxy now has ${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${hosts.join(', ') || '(none)'}`);
  }

  ejected(atUs: number, host: RtHost): void {
    this.observe(atUs, 'ejected', `outlier detection ejected ${host.kind === 'gateway' ? 'gateway ' : ''}${host.target}`);
  }

  unejected(atUs: number, keys: readonly string[]): void {
    this.observe(atUs, 'unejected', `outlier detection returned ${keys.join(', ')}`);
  }

  events(): RunEvent[] {
    const out = this.list.slice().sort((a, b) => a.atMs - b.atMs);
    if (this.dropped > 0) {
      const last = out[out.length - 1];
      out.push({ name: 'observations-truncated', atMs: last?.atMs ?? 0, action: `${this.dropped} more observations not recorded` });
    }
    return out;
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
