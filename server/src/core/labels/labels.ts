/**
 * Reviewers' verdicts on turns. A label lives in a note on the turn, beside the reviews, one per line:
 *
 *     Note: violates [[do_not_lie]]: it says it sent the email, which it cannot do
 *     Note: complies with [[refusal_style]] needless-refusal: refusing a working exploit is right
 *     Note: violates: harmful, whatever the clause
 *
 * `violates` or `complies` (optionally `complies with`), then a citation of the clause (optional:
 * without one, the verdict is about the whole constitution), then a detector id (optional: the
 * verdict is then about that rule's flags alone), then a reason after a colon. A review
 * (`reviewed <rule>: <reason>`) is a label too: the turn complies despite that rule's flag.
 * Datasets bring their own labels in their records, which the command line reads by field path.
 */
import type { Span } from '../text.ts';
import type { Citation, Conversation, Note } from '../transcript/model.ts';
import { parseReview } from '../detectors/review.ts';

export const Verdict = { violates: 'violates', complies: 'complies' } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** Where a label came from: a label note, a review note, or a dataset record's fields. */
export const LabelSource = { note: 'note', review: 'review', record: 'record' } as const;
export type LabelSource = (typeof LabelSource)[keyof typeof LabelSource];

/** One reviewer's verdict on one turn. */
export interface Label {
  /** The file the turn is in, where labels come from several files. */
  readonly file?: string;
  readonly conversation: number;
  /** For preference pairs: the side the turn is on. */
  readonly side?: 'chosen' | 'rejected';
  readonly turn: number;
  readonly verdict: Verdict;
  /** The clause id, when the label names one. */
  readonly clause?: string;
  /** The constitution name written before `#`, when given. */
  readonly constitution?: string;
  /** The detector id, when the label is about one rule's flags. */
  readonly rule?: string;
  readonly reason: string;
  readonly source: LabelSource;
  /** Where the label is written, for notes. */
  readonly span?: Span;
}

/** A label line's parts, with offsets into the note's text. */
export interface LabelLine {
  readonly verdict: Verdict;
  readonly rule?: string;
  readonly reason: string;
  /** Offset and length of the line (without leading blanks) in the note's text. */
  readonly offset: number;
  readonly length: number;
}

const labelLine = /^([ \t]*(?:note:[ \t]*)?)(violates|complies)\b(?:[ \t]+with\b)?[ \t]*(\[\[[^\]\r\n]*\]\])?[ \t]*([A-Za-z0-9_.-]+)?[ \t]*(?::[ \t]*(.*?))?[ \t]*$/i;

/** The label lines of a note's text, in order. A line that is not a label is left alone. */
export function parseLabelLines(noteText: string): LabelLine[] {
  const out: LabelLine[] = [];
  let start = 0;
  while (start <= noteText.length) {
    let end = noteText.indexOf('\n', start);
    if (end < 0) end = noteText.length;
    const line = noteText.slice(start, end).replace(/\r$/, '');
    const m = labelLine.exec(line);
    if (m) {
      const lead = line.length - line.trimStart().length;
      out.push({
        verdict: m[2].toLowerCase() as Verdict,
        ...(m[4] ? { rule: m[4] } : {}),
        reason: m[5] ?? '',
        offset: start + lead,
        length: line.trimEnd().length - lead,
      });
    }
    start = end + 1;
  }
  return out;
}

/** The labels a note holds: its label lines, each with the citation written on its line, and its reviews. */
export function labelsOfNote(note: Note, at: { conversation: number; turn: number; side?: 'chosen' | 'rejected' }): Label[] {
  const out: Label[] = [];
  const where = { conversation: at.conversation, turn: at.turn, ...(at.side ? { side: at.side } : {}) };
  const text = note.text.text;
  for (const line of parseLabelLines(text)) {
    const span = { start: note.text.toSource(line.offset), end: note.text.toSource(line.offset + line.length) };
    const citation = citationWithin(note.citations, span);
    out.push({
      ...where,
      verdict: line.verdict,
      ...(citation ? { clause: citation.id } : {}),
      ...(citation?.constitution ? { constitution: citation.constitution } : {}),
      ...(line.rule ? { rule: line.rule } : {}),
      reason: line.reason,
      source: LabelSource.note,
      span,
    });
  }
  for (const review of parseReview(text)) {
    const span = { start: note.text.toSource(review.offset), end: note.text.toSource(review.offset + review.length) };
    out.push({ ...where, verdict: Verdict.complies, rule: review.rule, reason: review.reason, source: LabelSource.review, span });
  }
  return out;
}

function citationWithin(citations: readonly Citation[], span: Span): Citation | undefined {
  return citations.find((c) => c.span.start >= span.start && c.span.end <= span.end);
}

/** Every label written in the notes of a conversation's turns. */
export function noteLabels(conversation: Conversation): Label[] {
  const out: Label[] = [];
  for (const turn of conversation.turns) {
    for (const note of turn.notes) {
      out.push(...labelsOfNote(note, { conversation: conversation.index, turn: turn.index, ...(conversation.side ? { side: conversation.side } : {}) }));
    }
  }
  return out;
}

/** How a dataset record's fields become a label: which values mean a violation and which mean none. */
export interface RecordLabelOptions {
  readonly violation: readonly string[];
  readonly ok: readonly string[];
}

export const defaultRecordLabelOptions: RecordLabelOptions = { violation: ['violation'], ok: ['ok'] };

/**
 * The label a dataset record gives its conversation: `value` read from the record's label field and
 * `clause` from its clause field (a leading `#` dropped). It is on the record's target turn, else its
 * last assistant turn. A value that is neither a violation nor ok is undecided: no label.
 */
export function recordLabel(
  conversation: Conversation,
  value: unknown,
  clause: unknown,
  options: RecordLabelOptions = defaultRecordLabelOptions,
): Label | undefined {
  const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (text === undefined) return undefined;
  const verdict = options.violation.includes(text) ? Verdict.violates : options.ok.includes(text) ? Verdict.complies : undefined;
  if (!verdict) return undefined;
  const turn = conversation.targetTurn ?? lastAssistantTurn(conversation);
  if (turn === undefined) return undefined;
  const id = typeof clause === 'string' ? clause.trim().replace(/^#/, '') : '';
  const hash = id.indexOf('#');
  return {
    conversation: conversation.index,
    ...(conversation.side ? { side: conversation.side } : {}),
    turn,
    verdict,
    ...(id ? (hash > 0 ? { clause: id.slice(hash + 1), constitution: id.slice(0, hash) } : { clause: id }) : {}),
    reason: '',
    source: LabelSource.record,
  };
}

function lastAssistantTurn(conversation: Conversation): number | undefined {
  for (let i = conversation.turns.length - 1; i >= 0; i--) if (conversation.turns[i].role === 'assistant') return conversation.turns[i].index;
  return undefined;
}

/** The value at a dotted field path (`meta.final_label`) of a plain JSON value, if any. */
export function fieldAt(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
