/**
 * The data detectors exchange with the rest of the core: the constitutions they are compiled from,
 * the options a check takes, and the findings it returns.
 */
import type { Constitution } from '../constitution/model.ts';
import type { Problem, Severity } from '../problem.ts';
import type { Span } from '../text.ts';
import type { Role } from '../transcript/model.ts';

/** A parsed constitution and where it came from. */
export interface LoadedConstitution {
  readonly uri: string;
  readonly constitution: Constitution;
}

/** A problem in one of the constitutions a ruleset was compiled from. */
export interface RulesetProblem {
  readonly uri: string;
  readonly problem: Problem;
}

export interface CheckOptions {
  /** Per detector id: a severity that replaces the detector's own, or `off` to silence it. */
  readonly severityOverrides?: Readonly<Record<string, Severity | 'off'>>;
}

/** A candidate conflict between a turn and a clause, found by one detector. */
export interface Finding {
  /** Source span of exactly the matched words. */
  readonly span: Span;
  readonly conversation: number;
  readonly turn: number;
  readonly role: Role;
  /** The clause id. */
  readonly principle: string;
  /** The constitution's name. */
  readonly constitution: string;
  readonly constitutionUri: string;
  /** The detector id. */
  readonly rule: string;
  /** Stable diagnostic code: the detector id. */
  readonly code: string;
  readonly severity: Severity;
  /** Says what was seen and which principle it may conflict with. */
  readonly message: string;
  /** Set when a note on the turn marks this detector's flags as reviewed; callers hide such findings. */
  readonly reviewed?: { readonly reason: string; readonly noteSpan: Span };
}

export type { Ruleset } from './ruleset.ts';
