/** Plain shapes of a critique answer as the model writes it, before its quotes are located. */

export type FindingSeverityName = 'error' | 'warning' | 'info';

/** One element of the answer's `findings`, with every field a string. */
export interface RawFindingShape {
  readonly principle: string;
  readonly quote: string;
  readonly critique: string;
  readonly severity: string;
}

export interface RawCritiqueAnswer {
  readonly findings: readonly RawFindingShape[];
  /** Elements of `findings` that were not objects of strings, kept to be reported as dropped. */
  readonly malformed: readonly unknown[];
  readonly revision: string;
}
