import { InvalidInputError } from '../errors.js';
import { Histogram } from '../measure/histogram.js';
import type { Result } from '../model/result.js';
import { formatPath } from '../model/validate-problems.js';

/**
 * Decoded histograms of one result, each decoded at most once (a 1,000-trial report must stay
 * under 200 ms: product.md §8). A histogram that is not a valid HdrHistogram encoding is an input
 * problem (exit 3) naming the result and the key.
 */
export class ResultHistograms {
  private readonly cache = new Map<string, Histogram | null>();

  /** @param source the result as the user named it (for messages). */
  constructor(
    readonly result: Result,
    readonly source: string,
  ) {}

  /** The histogram under `key`, or null when the result has none. */
  get(key: string): Histogram | null {
    if (this.cache.has(key)) return this.cache.get(key) ?? null;
    const encoded = this.result.histograms[key];
    let h: Histogram | null = null;
    if (encoded !== undefined) {
      try {
        h = Histogram.decode(encoded);
      } catch (err) {
        throw new InvalidInputError(
          [{ file: this.source, path: formatPath(['histograms', key]), message: `not a valid HdrHistogram encoding (${err instanceof Error ? err.message : String(err)})` }],
          { cause: err, hint: 'the result was damaged; restore it or rerun the scenario' },
        );
      }
    }
    this.cache.set(key, h);
    return h;
  }

  /** Keys present in the result, sorted. */
  keys(): string[] {
    return Object.keys(this.result.histograms).sort();
  }
}
