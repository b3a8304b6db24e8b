/**
 * How far a judge agrees with the reviewers: the judge's verdicts on labelled turns against the
 * labels, per clause and per rule, with the counts behind every figure. A judge is anything that
 * says "this turn conflicts with this clause": the detectors' findings, or a model's critiques.
 * A hint-level finding is an observation ("this turn refuses"), not a verdict, and is left out.
 */
import type { Label } from './labels.ts';

/** One verdict of a judge: the turn it is on, the clause it names, and the rule that gave it, if any. */
export interface JudgeVerdict {
  /** The file the turn is in, where labels come from several files. */
  readonly file?: string;
  readonly conversation: number;
  readonly side?: 'chosen' | 'rejected';
  readonly turn: number;
  readonly clause: string;
  readonly constitution?: string;
  readonly rule?: string;
  readonly severity: string;
}

/** What the judge looked at: a turn it judged. A detector judges every turn; a critique, the turns it was asked about. */
export interface JudgedTurn {
  readonly file?: string;
  readonly conversation: number;
  readonly side?: 'chosen' | 'rejected';
  readonly turn: number;
}

/** The counts and figures of one row. Figures are null where their denominator is zero. */
export interface AgreementRow {
  readonly constitution: string | null;
  /** Null for the row of labels that name no clause of the constitutions in use. */
  readonly clause: string | null;
  readonly rule?: string;
  /** Labelled turns the judge saw. */
  readonly n: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  readonly kappa: number | null;
  /** Labelled turns the judge never saw (no critique of them). */
  readonly unseen: number;
}

/** A label that could not be matched with a clause of the constitutions in use, with why. */
export interface Unmatched {
  readonly label: Label;
  readonly reason: string;
}

/** How the judge ranks the two sides of preference pairs: more findings against `rejected` is agreement. */
export interface PairAgreement {
  readonly pairs: number;
  readonly rejectedMore: number;
  readonly chosenMore: number;
  readonly equal: number;
}

/** A labelled turn where the judge and the reviewer differ: flagged though labelled compliant, or the reverse. */
export interface Disagreement {
  readonly constitution: string | null;
  readonly clause: string | null;
  readonly label: Label;
  /** Whether the judge flagged the turn (a false positive) or not (a false negative). */
  readonly flagged: boolean;
}

export interface Agreement {
  readonly clauses: readonly AgreementRow[];
  /** The false positives and false negatives of the clause rows, in label order. */
  readonly disagreements: readonly Disagreement[];
  readonly rules: readonly AgreementRow[];
  readonly unmatched: readonly Unmatched[];
  readonly pairs?: PairAgreement;
}

/** A clause the constitutions in use know, and the rules that can flag it. */
export interface KnownClause {
  readonly constitution: string;
  readonly clause: string;
  readonly rules: readonly string[];
}

export interface AgreementInput {
  readonly labels: readonly Label[];
  readonly verdicts: readonly JudgeVerdict[];
  /** The turns the judge saw; without it, every labelled turn counts as seen (the detectors see all). */
  readonly judged?: readonly JudgedTurn[];
  readonly clauses: readonly KnownClause[];
  /** The preference pairs, by file and conversation index; the judge's verdicts on each side are compared. */
  readonly pairs?: ReadonlyArray<{ readonly file?: string; readonly conversation: number }>;
}

const turnKey = (t: { file?: string; conversation: number; side?: string; turn: number }) => `${t.file ?? ''}\u0000${t.conversation}/${t.side ?? ''}/${t.turn}`;
const sideKey = (file: string | undefined, conversation: number, side: string) => `${file ?? ''}\u0000${conversation}/${side}`;

class Counts {
  tp = 0;
  fp = 0;
  fn = 0;
  tn = 0;
  unseen = 0;

  add(truth: boolean, said: boolean): void {
    if (truth && said) this.tp++;
    else if (truth) this.fn++;
    else if (said) this.fp++;
    else this.tn++;
  }

  row(constitution: string | null, clause: string | null, rule?: string): AgreementRow {
    const { tp, fp, fn, tn, unseen } = this;
    const n = tp + fp + fn + tn;
    const precision = tp + fp > 0 ? tp / (tp + fp) : null;
    const recall = tp + fn > 0 ? tp / (tp + fn) : null;
    const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : tp + fp + fn > 0 ? 0 : null;
    return { constitution, clause, ...(rule ? { rule } : {}), n, tp, fp, fn, tn, precision, recall, f1, kappa: cohensKappa(tp, fp, fn, tn), unseen };
  }
}

/**
 * Cohen's kappa of two binary raters from their 2x2 table: agreement beyond what their separate rates
 * would give by chance. Null when chance agreement is total (both raters said one thing throughout).
 */
export function cohensKappa(tp: number, fp: number, fn: number, tn: number): number | null {
  const n = tp + fp + fn + tn;
  if (n === 0) return null;
  const observed = (tp + tn) / n;
  const expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n);
  return expected === 1 ? null : (observed - expected) / (1 - expected);
}

/**
 * Compares a judge's verdicts with the labels. A label that names a known clause counts in that
 * clause's row, and in the row of each rule of that clause (or only the rule it names); a label that
 * names no clause, or one the constitutions do not have, counts in a row for the whole constitution
 * (`clause: null`), judged by any verdict on its turn, and is listed as unmatched. Where one turn has
 * several labels for the same row, the last written wins, as a later note overrides an earlier one.
 */
export function measureAgreement(input: AgreementInput): Agreement {
  const unmatched: Unmatched[] = [];
  const byClause = new Map<string, KnownClause>();
  const clauseOfRule = new Map<string, KnownClause>();
  for (const c of input.clauses) {
    byClause.set(`${c.constitution}#${c.clause}`, c);
    if (!byClause.has(c.clause)) byClause.set(c.clause, c);
    for (const r of c.rules) clauseOfRule.set(r, c);
  }
  const judged = input.judged ? new Set(input.judged.map(turnKey)) : undefined;
  const verdictsOn = new Map<string, JudgeVerdict[]>();
  for (const v of input.verdicts) {
    const list = verdictsOn.get(turnKey(v)) ?? [];
    list.push(v);
    verdictsOn.set(turnKey(v), list);
  }

  // The last label per (row, turn): a clause label, a rule label, or a whole-constitution label.
  const clauseTruth = new Map<string, { clause: KnownClause; label: Label }>();
  const ruleTruth = new Map<string, { clause: KnownClause; rule: string; label: Label }>();
  const wholeTruth = new Map<string, Label>();
  for (const label of input.labels) {
    const known = label.clause
      ? byClause.get(label.constitution ? `${label.constitution}#${label.clause}` : label.clause)
      : label.rule
        ? clauseOfRule.get(label.rule)
        : undefined;
    if (!known) {
      const reason = label.clause
        ? `names the clause "${label.constitution ? `${label.constitution}#` : ''}${label.clause}", which no constitution in use has`
        : label.rule
          ? `names the rule "${label.rule}", which no constitution in use has`
          : 'names no clause';
      unmatched.push({ label, reason });
      wholeTruth.set(turnKey(label), label);
      continue;
    }
    const key = turnKey(label);
    if (label.rule) {
      ruleTruth.set(`${label.rule}|${key}`, { clause: known, rule: label.rule, label });
      if (!label.clause) continue;
    }
    clauseTruth.set(`${known.constitution}#${known.clause}|${key}`, { clause: known, label });
    if (!label.rule) for (const rule of known.rules) if (!ruleTruth.has(`${rule}|${key}`)) ruleTruth.set(`${rule}|${key}`, { clause: known, rule, label });
  }

  const seen = (label: Label) => !judged || judged.has(turnKey(label));
  const said = (label: Label, match: (v: JudgeVerdict) => boolean) => (verdictsOn.get(turnKey(label)) ?? []).some(match);

  const disagreements: Disagreement[] = [];
  const compare = (counts: Counts, constitution: string | null, clause: string | null, label: Label, flagged: boolean) => {
    const truth = label.verdict === 'violates';
    counts.add(truth, flagged);
    if (truth !== flagged) disagreements.push({ constitution, clause, label, flagged });
  };
  const clauseRows = new Map<string, Counts>();
  for (const [, { clause, label }] of clauseTruth) {
    const counts = upsert(clauseRows, `${clause.constitution}#${clause.clause}`);
    if (!seen(label)) counts.unseen++;
    else compare(counts, clause.constitution, clause.clause, label, said(label, (v) => v.clause === clause.clause && (v.constitution ?? clause.constitution) === clause.constitution));
  }
  const wholeRows = new Map<string, Counts>();
  const constitutions = [...new Set(input.clauses.map((c) => c.constitution))];
  const wholeName = constitutions.length === 1 ? constitutions[0] : null;
  for (const [, label] of wholeTruth) {
    const name = label.constitution ?? wholeName;
    const counts = upsert(wholeRows, name ?? '');
    if (!seen(label)) counts.unseen++;
    else compare(counts, name, null, label, said(label, (v) => !label.constitution || v.constitution === label.constitution));
  }
  const ruleRows = new Map<string, { clause: KnownClause; counts: Counts }>();
  for (const [, { clause, rule, label }] of ruleTruth) {
    const entry = ruleRows.get(rule) ?? { clause, counts: new Counts() };
    ruleRows.set(rule, entry);
    if (!seen(label)) entry.counts.unseen++;
    else entry.counts.add(label.verdict === 'violates', said(label, (v) => v.rule === rule));
  }

  const order = new Map(input.clauses.map((c, i) => [`${c.constitution}#${c.clause}`, i]));
  const clauses = [...clauseRows]
    .sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
    .map(([key, counts]) => {
      const c = byClause.get(key)!;
      return counts.row(c.constitution, c.clause);
    });
  for (const [name, counts] of wholeRows) clauses.push(counts.row(name || null, null));
  const rules = [...ruleRows]
    .sort(([a, x], [b, y]) => (order.get(`${x.clause.constitution}#${x.clause.clause}`) ?? 0) - (order.get(`${y.clause.constitution}#${y.clause.clause}`) ?? 0) || (a < b ? -1 : 1))
    .map(([rule, { clause, counts }]) => counts.row(clause.constitution, clause.clause, rule));

  return { clauses, disagreements, rules, unmatched, ...(input.pairs ? { pairs: pairAgreement(input.pairs, input.verdicts) } : {}) };
}

function upsert(map: Map<string, Counts>, key: string): Counts {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = new Counts()));
  return counts;
}

function pairAgreement(pairs: NonNullable<AgreementInput['pairs']>, verdicts: readonly JudgeVerdict[]): PairAgreement {
  const against = new Map<string, number>();
  for (const v of verdicts) {
    if (!v.side) continue;
    const key = sideKey(v.file, v.conversation, v.side);
    against.set(key, (against.get(key) ?? 0) + 1);
  }
  let rejectedMore = 0;
  let chosenMore = 0;
  let equal = 0;
  for (const p of pairs) {
    const r = against.get(sideKey(p.file, p.conversation, 'rejected')) ?? 0;
    const c = against.get(sideKey(p.file, p.conversation, 'chosen')) ?? 0;
    if (r > c) rejectedMore++;
    else if (c > r) chosenMore++;
    else equal++;
  }
  return { pairs: pairs.length, rejectedMore, chosenMore, equal };
}
