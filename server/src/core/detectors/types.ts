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
  /**
   * The model files of its learned detectors, keyed by the `model` path as the rule writes it, as
   * the caller read them (the core reads no files). A learned detector whose file is not here is
   * reported as missing.
   */
  readonly models?: Readonly<Record<string, ModelFileRead>>;
}

/** A learned detector's model file as read beside its constitution. */
export interface ModelFileRead {
  /** The file's text; absent when it could not be read. */
  readonly text?: string;
  /** Why it could not be read, in a few words (`no such file`). */
  readonly unreadable?: string;
  /** Training files (as the model names them) whose bytes no longer hash as the model recorded. */
  readonly stale?: readonly string[];
}

/** Why a learned detector flagged a turn. */
export interface LearnedEvidence {
  /** The model's probability for the turn, and the threshold it reached. */
  readonly score: number;
  readonly threshold: number;
  /** The model's cross-validated figures and the number of labelled turns it learned from. */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly samples: number;
  /** The n-grams that weighed most toward the flag in this turn, heaviest first. */
  readonly top: readonly { readonly text: string; readonly weight: number }[];
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
  /** Set for a learned detector's finding: its score and what weighed most. */
  readonly learned?: LearnedEvidence;
  /** Set when a note on the turn marks this detector's flags as reviewed; callers hide such findings. */
  readonly reviewed?: { readonly reason: string; readonly noteSpan: Span };
}

export type { Ruleset } from './ruleset.ts';
