/**
 * What agreement is measured on, gathered from one transcript file: the labels its notes and its
 * records carry, and the detectors' verdicts on its turns. The command line and the editor gather the
 * same way, so `agreement` and "Show Agreement" give the same table for the same files.
 */
import type { Ruleset } from '../detectors/ruleset.ts';
import type { Finding, LoadedConstitution } from '../detectors/types.ts';
import type { Conversation } from '../transcript/model.ts';
import type { JudgeVerdict, KnownClause } from './measureAgreement.ts';
import { defaultRecordLabelOptions, fieldAt, noteLabels, recordLabel, type Label, type RecordLabelOptions } from './labels.ts';

/** Where a dataset record keeps its label and the clause the label is about. */
export interface RecordFields {
  /** A dotted field path, `label` by default. */
  readonly label: string;
  /** A dotted field path, `principle_hint` by default; a leading `#` in its value is ignored. */
  readonly clause: string;
}

export const defaultRecordFields: RecordFields = { label: 'label', clause: 'principle_hint' };

/**
 * The labels of one file: every label and review note, and, for JSONL and single-record JSON, the
 * label each record's fields give its conversation (preference pairs carry their preference instead).
 */
export function fileLabels(
  file: string,
  text: string,
  jsonl: boolean,
  conversations: readonly Conversation[],
  fields: RecordFields = defaultRecordFields,
  options: RecordLabelOptions = defaultRecordLabelOptions,
): Label[] {
  const out: Label[] = [];
  for (const c of conversations) for (const l of noteLabels(c)) out.push({ ...l, file });
  const byIndex = new Map<number, Conversation>();
  for (const c of conversations) if (!c.side) byIndex.set(c.index, c);
  // Records are parsed only where the label's field is written somewhere in the file.
  const key = fields.label.split('.').pop()!;
  if (byIndex.size === 0 || !text.includes(`"${key}"`)) return out;
  records(text, jsonl).forEach((record, index) => {
    const conversation = byIndex.get(index);
    if (!conversation || record === undefined) return;
    const label = recordLabel(conversation, fieldAt(record, fields.label), fieldAt(record, fields.clause), options);
    if (label) out.push({ ...label, file });
  });
  return out;
}

/** The records of a file, by conversation index: one per non-blank JSONL line, or a JSON file's one object. */
function records(text: string, jsonl: boolean): unknown[] {
  if (!jsonl) {
    try {
      const root = JSON.parse(text) as unknown;
      return Array.isArray(root) ? [] : [root];
    } catch {
      return [];
    }
  }
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      out.push(undefined);
    }
  }
  return out;
}

/** The detectors' findings as a judge's verdicts: hint-level findings are observations, and left out. */
export function detectorVerdicts(file: string, conversations: readonly Conversation[], findings: readonly Finding[]): JudgeVerdict[] {
  const sides = new Map<number, Conversation[]>();
  for (const c of conversations) sides.set(c.index, [...(sides.get(c.index) ?? []), c]);
  const out: JudgeVerdict[] = [];
  for (const f of findings) {
    if (f.severity === 'hint') continue;
    const verdict = { file, conversation: f.conversation, turn: f.turn, clause: f.principle, constitution: f.constitution, rule: f.rule, severity: f.severity };
    // A pair's two sides share an index; a finding counts against each side whose turn holds its
    // words, which is both for a turn of the context they share.
    const holders = (sides.get(f.conversation) ?? []).filter((c) => c.side && holds(c, f));
    if (holders.length === 0) out.push(verdict);
    for (const c of holders) out.push({ ...verdict, side: c.side });
  }
  return out;
}

function holds(conversation: Conversation, f: Finding): boolean {
  const turn = conversation.turns[f.turn];
  return !!turn && turn.span.start <= f.span.start && f.span.end <= turn.span.end;
}

/**
 * Every clause of the constitutions in use, with the rules that can flag it (those not turned off and
 * above hint level). Without a ruleset, no rule: a judge that names clauses alone has no rule rows.
 */
export function knownClauses(loaded: readonly LoadedConstitution[], ruleset?: Ruleset): KnownClause[] {
  const rulesOf = new Map<string, string[]>();
  for (const d of ruleset?.detectors ?? []) {
    if (d.severity === 'off' || d.severity === 'hint') continue;
    const key = `${d.constitution.name}#${d.clause.id}`;
    rulesOf.set(key, [...(rulesOf.get(key) ?? []), d.spec.id]);
  }
  return loaded.flatMap(({ constitution }) =>
    constitution.clauses.map((c) => ({ constitution: constitution.name, clause: c.id, rules: rulesOf.get(`${constitution.name}#${c.id}`) ?? [] })),
  );
}
