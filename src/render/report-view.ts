import type { Result } from '../model/result.js';
import type { SpectrumInput } from './spectrum.js';

/** What `renderReport` draws for one result: the document and its decoded latency histograms. */
export interface ReportView {
  /** The result as the user named it (path or id). */
  source: string;
  result: Result;
  /** Overall latency and one entry per version, for the percentile spectrum. */
  spectra: SpectrumInput[];
  /** Significance level of the verdict on the predicted split. */
  alpha: number;
}
