/**
 * How far a judge agrees with the reviewers: the judge's verdicts on labelled turns against the
 * labels, per clause and per rule, with the counts behind every figure. A judge is anything that
 * says "this turn conflicts with this clause": the detectors' findings, or a model's critiques.
 * A hint-level finding is an observation ("this turn refuses"), not a verdict, and is left out.
 */
import { LabelSource, type Label } from './labels.ts';

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
  const tally = new AgreementTally(input.clauses, input.judged);
  tally.add(input.labels, input.verdicts);
  const measured = tally.result();
  return { ...measured, ...(input.pairs ? { pairs: pairAgreement(input.pairs, input.verdicts) } : {}) };
}

/**
 * The measure of {@link measureAgreement} taken a part at a time, so that a workspace's labels need
 * not all be held at once: the rows' counts are summed over the parts. A part holds every label and
 * verdict of the turns it has (a file, or a dataset's line), since the last label of a turn wins and
 * a label is judged by the verdicts on its own turn. Without `keepLabels` the disagreements and the
 * unmatched labels are counted in the rows but not listed, and no label outlives its part.
 */
export class AgreementTally {
  readonly #byClause = new Map<string, KnownClause>();
  readonly #clauseOfRule = new Map<string, KnownClause>();
  readonly #order: Map<string, number>;
  readonly #wholeName: string | null;
  readonly #judged: Set<string> | undefined;
  readonly #keepLabels: boolean;
  readonly #clauseRows = new Map<string, Counts>();
  readonly #wholeRows = new Map<string, Counts>();
  readonly #ruleRows = new Map<string, { clause: KnownClause; counts: Counts }>();
  readonly #clauseDisagreements: Disagreement[] = [];
  readonly #wholeDisagreements: Disagreement[] = [];
  readonly #unmatched: Unmatched[] = [];
  /** The current file's entries, in the order a whole reading of it gives them: see {@link add}. */
  #pending: Pending = { clause: [], whole: [], rule: [], unmatched: [] };

  constructor(clauses: readonly KnownClause[], judged?: readonly JudgedTurn[], options: { readonly keepLabels?: boolean } = {}) {
    for (const c of clauses) {
      this.#byClause.set(`${c.constitution}#${c.clause}`, c);
      if (!this.#byClause.has(c.clause)) this.#byClause.set(c.clause, c);
      for (const r of c.rules) this.#clauseOfRule.set(r, c);
    }
    this.#order = new Map(clauses.map((c, i) => [`${c.constitution}#${c.clause}`, i]));
    const constitutions = [...new Set(clauses.map((c) => c.constitution))];
    this.#wholeName = constitutions.length === 1 ? constitutions[0] : null;
    this.#judged = judged ? new Set(judged.map(turnKey)) : undefined;
    this.#keepLabels = options.keepLabels ?? true;
  }

  /**
   * Adds a part: its labels and the judge's verdicts on its turns. With `recordsLast`, the part is a
   * line of a file added a line at a time, and what its labels add is ordered, up to {@link endFile},
   * as reading the file whole orders it: the labels of notes before those of records.
   */
  add(labels: readonly Label[], verdicts: readonly JudgeVerdict[], recordsLast = false): void {
    const byClause = this.#byClause;
    const clauseOfRule = this.#clauseOfRule;
    const pending = this.#pending;
    const phaseOf = (label: Label) => (recordsLast && label.source === LabelSource.record ? 1 : 0);
    const verdictsOn = new Map<string, JudgeVerdict[]>();
    for (const v of verdicts) {
      const list = verdictsOn.get(turnKey(v)) ?? [];
      list.push(v);
      verdictsOn.set(turnKey(v), list);
    }

    // The last label per (row, turn): a clause label, a rule label, or a whole-constitution label,
    // each with the phase of the label that first named its row and turn (which places it in order).
    const clauseTruth = new Map<string, { clause: KnownClause; label: Label; phase: number }>();
    const ruleTruth = new Map<string, { clause: KnownClause; rule: string; label: Label; phase: number }>();
    const wholeTruth = new Map<string, { label: Label; phase: number }>();
    for (const label of labels) {
      const known = label.clause
        ? byClause.get(label.constitution ? `${label.constitution}#${label.clause}` : label.clause)
        : label.rule
          ? clauseOfRule.get(label.rule)
          : undefined;
      const key = turnKey(label);
      if (!known) {
        if (this.#keepLabels) {
          const reason = label.clause
            ? `names the clause "${label.constitution ? `${label.constitution}#` : ''}${label.clause}", which no constitution in use has`
            : label.rule
              ? `names the rule "${label.rule}", which no constitution in use has`
              : 'names no clause';
          pending.unmatched.push({ phase: phaseOf(label), item: { label, reason } });
        }
        wholeTruth.set(key, { label, phase: wholeTruth.get(key)?.phase ?? phaseOf(label) });
        continue;
      }
      if (label.rule) {
        const ruleKey = `${label.rule}|${key}`;
        ruleTruth.set(ruleKey, { clause: known, rule: label.rule, label, phase: ruleTruth.get(ruleKey)?.phase ?? phaseOf(label) });
        if (!label.clause) continue;
      }
      const clauseKey = `${known.constitution}#${known.clause}|${key}`;
      clauseTruth.set(clauseKey, { clause: known, label, phase: clauseTruth.get(clauseKey)?.phase ?? phaseOf(label) });
      if (!label.rule) for (const rule of known.rules) if (!ruleTruth.has(`${rule}|${key}`)) ruleTruth.set(`${rule}|${key}`, { clause: known, rule, label, phase: phaseOf(label) });
    }

    const judged = this.#judged;
    const keep = this.#keepLabels;
    const seen = (label: Label) => !judged || judged.has(turnKey(label));
    const said = (label: Label, match: (v: JudgeVerdict) => boolean) => (verdictsOn.get(turnKey(label)) ?? []).some(match);
    const entry = (label: Label, phase: number, flagged: () => boolean): Entry => {
      const isSeen = seen(label);
      const judgedFlag = isSeen && flagged();
      const truth = label.verdict === 'violates';
      return { phase, seen: isSeen, truth, flagged: judgedFlag, ...(keep && isSeen && truth !== judgedFlag ? { label } : {}) };
    };
    for (const [, { clause, label, phase }] of clauseTruth) {
      pending.clause.push({ ...entry(label, phase, () => said(label, (v) => v.clause === clause.clause && (v.constitution ?? clause.constitution) === clause.constitution)), clause });
    }
    for (const [, { label, phase }] of wholeTruth) {
      const name = label.constitution ?? this.#wholeName;
      pending.whole.push({ ...entry(label, phase, () => said(label, (v) => !label.constitution || v.constitution === label.constitution)), name });
    }
    for (const [, { clause, rule, label, phase }] of ruleTruth) pending.rule.push({ ...entry(label, phase, () => said(label, (v) => v.rule === rule)), clause, rule });
    if (!recordsLast) this.endFile();
  }

  /** Counts what the parts of the file added since the last call add, in their order. */
  endFile(): void {
    const { clause, whole, rule, unmatched } = this.#pending;
    this.#pending = { clause: [], whole: [], rule: [], unmatched: [] };
    for (const e of inOrder(clause)) {
      const counts = upsert(this.#clauseRows, `${e.clause.constitution}#${e.clause.clause}`);
      if (!e.seen) counts.unseen++;
      else counts.add(e.truth, e.flagged);
      if (e.label) this.#clauseDisagreements.push({ constitution: e.clause.constitution, clause: e.clause.clause, label: e.label, flagged: e.flagged });
    }
    for (const e of inOrder(whole)) {
      const counts = upsert(this.#wholeRows, e.name ?? '');
      if (!e.seen) counts.unseen++;
      else counts.add(e.truth, e.flagged);
      if (e.label) this.#wholeDisagreements.push({ constitution: e.name, clause: null, label: e.label, flagged: e.flagged });
    }
    for (const e of inOrder(rule)) {
      let row = this.#ruleRows.get(e.rule);
      if (!row) this.#ruleRows.set(e.rule, (row = { clause: e.clause, counts: new Counts() }));
      if (!e.seen) row.counts.unseen++;
      else row.counts.add(e.truth, e.flagged);
    }
    for (const e of inOrder(unmatched)) this.#unmatched.push(e.item);
  }

  /** The rows over every part added so far, with the disagreements and unmatched labels when they are kept. */
  result(): Agreement {
    this.endFile();
    const order = this.#order;
    const clauses = [...this.#clauseRows]
      .sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
      .map(([key, counts]) => {
        const c = this.#byClause.get(key)!;
        return counts.row(c.constitution, c.clause);
      });
    for (const [name, counts] of this.#wholeRows) clauses.push(counts.row(name || null, null));
    const rules = [...this.#ruleRows]
      .sort(([a, x], [b, y]) => (order.get(`${x.clause.constitution}#${x.clause.clause}`) ?? 0) - (order.get(`${y.clause.constitution}#${y.clause.clause}`) ?? 0) || (a < b ? -1 : 1))
      .map(([rule, { clause, counts }]) => counts.row(clause.constitution, clause.clause, rule));
    return { clauses, disagreements: this.#clauseDisagreements.concat(this.#wholeDisagreements), rules, unmatched: [...this.#unmatched] };
  }
}

/** What one label adds to a row, judged: the label itself only where it is a disagreement that is listed. */
interface Entry {
  readonly phase: number;
  readonly seen: boolean;
  readonly truth: boolean;
  readonly flagged: boolean;
  readonly label?: Label;
}

interface Pending {
  readonly clause: Array<Entry & { readonly clause: KnownClause }>;
  readonly whole: Array<Entry & { readonly name: string | null }>;
  readonly rule: Array<Entry & { readonly clause: KnownClause; readonly rule: string }>;
  readonly unmatched: Array<{ readonly phase: number; readonly item: Unmatched }>;
}

/** The entries of phase 0, then those of phase 1, each in the order added. */
function* inOrder<T extends { readonly phase: number }>(entries: readonly T[]): Generator<T> {
  for (const e of entries) if (e.phase === 0) yield e;
  for (const e of entries) if (e.phase !== 0) yield e;
}

function upsert(map: Map<string, Counts>, key: string): Counts {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = new Counts()));
  return counts;
}

/** How the judge ranks the two sides of each preference pair, from its verdicts on the pairs' turns. */
export function pairAgreement(pairs: NonNullable<AgreementInput['pairs']>, verdicts: readonly JudgeVerdict[]): PairAgreement {
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
