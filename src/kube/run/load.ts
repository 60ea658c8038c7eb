/**
 * What the trial loop needs from a load generator, whichever it is (the curl loop in the client
 * pod, or k6 as a Job / k6-operator TestRun): samples as they arrive, the run origin on the
 * cluster's clock, a way to check on it and a way to stop it.
 */
import type { Sample } from '../../model/sample.js';

/** Receives each request; times are µs from the run origin. The object may be reused: copy what you keep. */
export type SampleSink = (sample: Sample) => void;

/** A running load generator, as the trial loop drives it. */
export interface LoadHandle {
  /** One line for progress (`curl loop ×2 in sample/sleep-…`). */
  readonly description: string;
  /** The run origin (cluster epoch ms) once known: at start for curl, at k6's first point for k6. */
  originEpochMs(): number | undefined;
  /** Called every turn of the trial loop: checks on the generator; throws when it failed. */
  poll(): Promise<void>;
  /** True once the generator finished and every output line was read. */
  finished(): boolean;
  /** Stops the generator at once (interrupt, or it outlived the run); bounded, never throws. */
  stop(): Promise<void>;
  /** Things worth telling the user (unparsed lines, dropped iterations, log lines of k6). */
  notes(): string[];
  /**
   * Requests seen in the output so far, for progress: k6's reader holds successful requests back
   * until their version point arrives, so samples alone would lag.
   */
  requestsSeen(): number;
  /**
   * What arrived against what the generator says it sent (k6's `http_reqs`, the curl loops'
   * counters), once it finished. `missing` says why the two differ or why `sent` is unknown; a
   * trial with it is incomplete.
   */
  accounting(): LoadAccounting;
  /**
   * The pods that send the requests when they are not the client pod (k6 runners), as far as
   * known: the measures take the client's locality from them (runner-placement.ts).
   */
  senders?(): readonly string[];
}

/** Requests received and sent by one load generator. */
export interface LoadAccounting {
  received: number;
  sent?: number;
  missing?: string;
}

/** Request body of helloworld: `Hello version: v1, instance: helloworld-v1-…`. */
const HELLO = /Hello version: ([^,\s]+), instance: (\S+)/;

/** version and instance from a helloworld body, when it is one. */
export function parseHello(body: string): { version: string; instance: string } | undefined {
  const m = HELLO.exec(body);
  return m ? { version: m[1] as string, instance: m[2] as string } : undefined;
}

/**
 * Splits a text stream into lines: feed chunks, get complete lines; `flush` returns the tail.
 * Tolerates CRLF.
 */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    this.rest += chunk;
    let nl = this.rest.indexOf('\n');
    while (nl >= 0) {
      this.onLine(this.rest.slice(0, nl).replace(/\r$/, ''));
      this.rest = this.rest.slice(nl + 1);
      nl = this.rest.indexOf('\n');
    }
  }

  flush(): void {
    if (this.rest !== '') this.onLine(this.rest);
    this.rest = '';
  }
}
