/**
 * The report of one JSONL line: what its text holds (its conversations and parse problems), the
 * citations of its notes and the detectors' findings, all counted from the line's own start
 * (offsets from its first character, conversation index 0). It is what every reader of a dataset
 * works from: the editor keeps one per line version and places it where the line is when a feature
 * reads it; the command line places it by the line's number as it writes the report. Nothing here
 * knows where the line is.
 */
import { checkConversations, type Ruleset } from '../detectors/index.ts';
import type { Finding } from '../detectors/types.ts';
import type { Problem } from '../problem.ts';
import { isBlankLine, parseJsonlLine, type JsonlLine } from '../transcript/jsonl.ts';
import type { JsonReaderOptions } from '../transcript/jsonFormat.ts';
import type { Citation, Conversation } from '../transcript/model.ts';

/** A citation with the conversation and turn whose note holds it. */
export interface TurnCitation {
  readonly citation: Citation;
  readonly conversation: number;
  readonly turn: number;
}

/** One line's report, line-relative; see the module's comment. */
export interface LineReport {
  readonly conversations: readonly Conversation[];
  /** The line's parse problems. */
  readonly problems: readonly Problem[];
  /** The citations of the line's notes, in text order. */
  readonly citations: readonly TurnCitation[];
  /** The findings of the ruleset the report was made for, reviewed ones included (marked). */
  readonly findings: readonly Finding[];
}

/** The report of a JSONL line's text (without its line break) for `ruleset`. */
export function lineReport(text: string, ruleset: Ruleset, options: JsonReaderOptions = {}): LineReport {
  return reportOfLine(parseJsonlLine(text, 0, 0, options), ruleset);
}

/**
 * The report of a line already parsed (line-relative, as {@link lineReport} parses it), or of a
 * whole transcript read at once (its places are then the file's). A detector
 * that throws is the caller's to handle: the editor shows the line without findings, the command
 * line fails the range rather than pass it.
 */
export function reportOfLine(line: Pick<JsonlLine, 'conversations' | 'problems'> | Pick<LineReport, 'conversations' | 'problems'>, ruleset: Ruleset): LineReport {
  const { conversations, problems } = line;
  const findings = conversations.length === 0 ? [] : checkConversations(conversations, ruleset);
  return { conversations, problems, citations: citationsOf(conversations), findings };
}

/** Every citation of the conversations' notes, with its conversation and turn, in text order. */
export function citationsOf(conversations: readonly Conversation[]): TurnCitation[] {
  const out: TurnCitation[] = [];
  for (const conversation of conversations) {
    for (const turn of conversation.turns) {
      for (const note of turn.notes) for (const citation of note.citations) out.push({ citation, conversation: conversation.index, turn: turn.index });
    }
  }
  out.sort((a, b) => a.citation.span.start - b.citation.span.start);
  return out;
}

/** A non-blank JSONL line as a file is read: its text (without its line break), its start offset, and its rank among non-blank lines. */
export interface StreamedLine {
  readonly text: string;
  readonly start: number;
  readonly index: number;
}

/**
 * The non-blank lines of a JSONL text given as its lines (split at `\n`, a `\r` before it left on
 * the line), with their places, as the editor's line model places them: a reader that streams a
 * file from disk gets the same offsets and ranks as one that holds it whole.
 */
export function* nonBlankLines(lines: Iterable<string>): Generator<StreamedLine, void, undefined> {
  let start = 0;
  let index = 0;
  for (const raw of lines) {
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (!isBlankLine(text)) yield { text, start, index: index++ };
    start += raw.length + 1;
  }
}
