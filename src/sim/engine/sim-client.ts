/**
 * One client workload of a run: its sidecar (ClientProxy: EDS view, outlier detector, LB state),
 * its connection pools, its load and the random streams of each. Every client is a separate
 * Envoy: nothing here is shared between clients. What clients share lives elsewhere — the pods and
 * their servers (world.ts), istiod (control-plane.ts), the network.
 *
 * Random streams: the first client keeps the labels the single-client engine always used
 * (`client/lb`, `client/retry`, `client/worker`, `load/phase`, `outlier/phase`), so a scenario
 * written with `client:` gives the same bytes as before; every further client forks the same labels
 * suffixed with its name, so its draws are independent of the others'.
 */
import { clientName, type ScenarioClient } from '../../model/scenario.js';
import type { Rng } from '../rng.js';
import { ClusterResources } from './circuit-breakers.js';
import type { ClientProxy } from './client-proxy.js';
import type { ConnectionPools } from './connections.js';
import type { ControlPlaneDelays } from './control-plane-delays.js';
import type { Istiod } from './control-plane.js';

/** The stream label of `label` for the client at `index` (see the module comment). */
export function clientStream(label: string, index: number, c: { cluster: string; workload: string }): string {
  return index === 0 ? label : `${label}/${clientName(c)}`;
}

export class SimClient {
  readonly name: string;
  /** Next request's place in this client's own scheduled order. */
  requests = 0;
  /** Open model: arrivals scheduled so far (the next is at `phaseUs + arrivalIndex · periodUs`). */
  arrivalIndex = 0;
  /** Outlier timer generation: a CDS update re-arms the timer and retires the old ticks. */
  tickGeneration = 0;
  readonly loadEndUs: number;
  readonly thinkTimeUs: number;
  /** Open model: µs between arrivals (0 for the closed model). */
  readonly periodUs: number;
  /** Open model: offset of the arrival grid, drawn per seed (a fault never lines up with requests by design). */
  readonly phaseUs: number;
  /** The sidecar's circuit-breaker resources: one set per cluster per Envoy, shared by its workers (circuit-breakers.ts). */
  readonly resources = new ClusterResources();
  /** Unused random bits of the last worker draw (Simulation.pickWorker). */
  workerBits = 0;
  workerBitsLeft = 0;

  constructor(
    readonly index: number,
    readonly spec: ScenarioClient,
    readonly proxy: ClientProxy,
    /** istiod of the client's cluster: the one that pushes to its proxy. */
    readonly home: Istiod,
    readonly conns: ConnectionPools,
    readonly retryRng: Rng,
    readonly workerRng: Rng,
    phaseRng: Rng,
    /** Interval timer phase of the detector built before the run (drawn per trial). */
    readonly outlierPhase: number,
    /** This client's own push delays (clients after an istiod's first); undefined = the push's draw. */
    readonly pushDelays: ControlPlaneDelays | undefined,
  ) {
    this.name = clientName(spec);
    const load = spec.load;
    this.loadEndUs = load.durationUs;
    this.thinkTimeUs = load.kind === 'closed' ? load.thinkTimeUs : 0;
    this.periodUs = load.kind === 'open' ? 1e6 / load.ratePerS : 0;
    this.phaseUs = Math.floor(phaseRng.next() * this.periodUs);
  }

  /** Scheduled time of the next open-model arrival, or Infinity once the load is over. */
  nextArrivalUs(): number {
    const next = this.phaseUs + Math.round(this.arrivalIndex * this.periodUs);
    return next < this.loadEndUs ? next : Infinity;
  }

  /** True once every request of the load was scheduled (a closed model ends with its VUs). */
  loadDone(): boolean {
    return this.spec.load.kind === 'open' ? this.phaseUs + Math.round(this.arrivalIndex * this.periodUs) >= this.loadEndUs : true;
  }
}
