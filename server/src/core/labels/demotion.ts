/**
 * Rules the reviewers seldom agree with: a rule whose flags on labelled turns were confirmed less
 * often than a threshold, once it has flagged enough labelled turns to tell, is shown one severity
 * lower, and its hover says why.
 */
import type { Ruleset } from '../detectors/ruleset.ts';
import type { Severity } from '../problem.ts';
import type { AgreementRow } from './measureAgreement.ts';

export interface DemotionOptions {
  /** A rule whose share of confirmed flags is below this is demoted; 0 demotes none. */
  readonly belowPrecision: number;
  /** How many labelled turns a rule must have flagged before its share counts. */
  readonly minFlagged: number;
}

/** One demoted rule: how often the reviewers agreed with it, and the severities before and after. */
export interface Demotion {
  readonly rule: string;
  /** Flags on labelled turns that the reviewers confirmed (true positives). */
  readonly agreed: number;
  /** Flags on labelled turns (true and false positives). */
  readonly flagged: number;
  readonly from: Severity;
  readonly to: Severity;
}

const lower: Readonly<Record<Severity, Severity>> = { error: 'warning', warning: 'info', info: 'hint', hint: 'hint' };

/**
 * The demoted rules, by id, from the per-rule rows of an agreement. A rule already at hint level, or
 * turned off, is left as it is; `overrides` are the severities the settings give, which the demotion
 * lowers in turn.
 */
export function demotions(
  rules: readonly AgreementRow[],
  ruleset: Ruleset,
  options: DemotionOptions,
  overrides: Readonly<Record<string, Severity | 'off'>> = {},
): Map<string, Demotion> {
  const out = new Map<string, Demotion>();
  if (!(options.belowPrecision > 0)) return out;
  for (const row of rules) {
    const flagged = row.tp + row.fp;
    if (!row.rule || flagged < options.minFlagged || row.precision === null || row.precision >= options.belowPrecision) continue;
    const detector = ruleset.detectors.find((d) => d.spec.id === row.rule);
    const from = overrides[row.rule] ?? detector?.severity;
    if (!from || from === 'off' || from === 'hint') continue;
    out.set(row.rule, { rule: row.rule, agreed: row.tp, flagged, from, to: lower[from] });
  }
  return out;
}

/** What a demoted rule's hover says. */
export function demotionNote(d: Demotion): string {
  return `Shown as ${d.to} rather than ${d.from}: reviewers agreed with this rule ${d.agreed} of ${d.flagged} times it flagged a labelled turn.`;
}
