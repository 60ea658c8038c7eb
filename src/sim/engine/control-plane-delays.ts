/**
 * Control-plane propagation delays drawn per occurrence from the Mesh file's distributions, on a
 * stream of their own (`control-plane`), so two trials of a scenario see different propagation
 * as real clusters do (a constant delay never varies and draws nothing).
 */
import type { DelayUs } from '../../model/delay.js';
import type { ControlPlaneTiming } from '../../model/mesh.js';
import type { Rng } from '../rng.js';
import { LogNormalServiceTime } from './service-time.js';

export class DelaySampler {
  private readonly dist: LogNormalServiceTime | undefined;
  private readonly constUs: number;

  constructor(d: DelayUs) {
    this.constUs = d.p50Us;
    this.dist = d.p99Us > d.p50Us ? new LogNormalServiceTime(d.p50Us, d.p99Us) : undefined;
  }

  sampleUs(rng: Rng): number {
    return this.dist === undefined ? this.constUs : this.dist.sampleUs(rng);
  }
}

export class ControlPlaneDelays {
  private readonly endpoint: DelaySampler;
  private readonly remote: DelaySampler;
  private readonly push: DelaySampler;

  constructor(
    cp: ControlPlaneTiming,
    private readonly rng: Rng,
  ) {
    this.endpoint = new DelaySampler({ p50Us: cp.endpointUpdateUs, p99Us: cp.endpointUpdateP99Us });
    this.remote = new DelaySampler({ p50Us: cp.remoteWatchUs, p99Us: cp.remoteWatchP99Us });
    this.push = new DelaySampler({ p50Us: cp.pushUs, p99Us: cp.pushP99Us });
  }

  /** Pod or config change → seen by an istiod's watch (API server → informer). */
  endpointUpdateUs(): number {
    return this.endpoint.sampleUs(this.rng);
  }

  /** Extra hop for a remote cluster's change (istiod's remote-secret informer). */
  remoteWatchUs(): number {
    return this.remote.sampleUs(this.rng);
  }

  /** istiod push start → the proxy applied the EDS/CDS. */
  pushUs(): number {
    return this.push.sampleUs(this.rng);
  }
}
