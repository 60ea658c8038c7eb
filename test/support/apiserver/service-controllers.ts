/**
 * Two small controllers of the emulator: the token controller (fills
 * `kubernetes.io/service-account-token` Secrets one tick after they appear, when the account
 * exists, and registers the token with the API server) and a LoadBalancer provider (gives
 * `type: LoadBalancer` Services an ingress address from the configured range).
 */
import { randomBytes } from 'node:crypto';
import type { ControllerOptions } from './controller.js';
import { findByKind, type ResourceDef } from './resources.js';
import type { ObjectStore } from './store.js';

const def = (apiVersion: string, kind: string): ResourceDef => findByKind(apiVersion, kind) as ResourceDef;
const SECRETS = def('v1', 'Secret');
const SERVICES = def('v1', 'Service');
const SERVICE_ACCOUNTS = def('v1', 'ServiceAccount');

export class ServiceControllers {
  private readonly pendingSince = new Map<string, number>();
  private lbSeq = 10;

  constructor(
    private readonly store: ObjectStore,
    private readonly opts: ControllerOptions,
    private readonly now: () => string,
  ) {}

  reconcile(tick: number): void {
    this.reconcileTokens(tick);
    this.reconcileLoadBalancers();
  }

  private reconcileTokens(tick: number): void {
    for (const s of this.store.list(SECRETS)) {
      if (s['type'] !== 'kubernetes.io/service-account-token') continue;
      const data = (s['data'] ?? {}) as Record<string, string>;
      if (data['token']) continue;
      const sa = s.metadata.annotations?.['kubernetes.io/service-account.name'];
      if (sa === undefined || this.store.get(SERVICE_ACCOUNTS, s.metadata.namespace, sa) === undefined) continue;
      const key = `token:${s.metadata.namespace}/${s.metadata.name}`;
      // Filled one tick after it appears, so callers have to wait for it (as for a real token controller).
      if (!this.pendingSince.has(key)) {
        this.pendingSince.set(key, tick);
        continue;
      }
      if (tick <= (this.pendingSince.get(key) as number)) continue;
      this.pendingSince.delete(key);
      const token = `sa-${randomBytes(18).toString('base64url')}`;
      this.opts.issueToken(token);
      const b64 = (v: string) => Buffer.from(v, 'utf8').toString('base64');
      this.store.put(SECRETS, { ...s, data: { ...data, token: b64(token), 'ca.crt': b64(this.opts.caPem), namespace: b64(s.metadata.namespace ?? '') } }, this.now());
    }
  }

  private reconcileLoadBalancers(): void {
    if (!this.opts.loadBalancer) return;
    for (const svc of this.store.list(SERVICES)) {
      const spec = (svc['spec'] ?? {}) as { type?: string };
      const st = (svc['status'] ?? {}) as { loadBalancer?: { ingress?: unknown[] } };
      if (spec.type !== 'LoadBalancer' || (st.loadBalancer?.ingress?.length ?? 0) > 0) continue;
      this.store.put(SERVICES, { ...svc, status: { loadBalancer: { ingress: [{ ip: `${this.opts.lbIpPrefix}${this.lbSeq++}` }] } } }, this.now());
    }
  }
}
