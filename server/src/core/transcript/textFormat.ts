import { problem, type Problem } from '../problem.ts';
import type { MappedText, Span } from '../text.ts';
import { makeNote } from './citationsInText.ts';
import { mappedSlice } from './mappedSlice.ts';
import type { ContentBlock, Note, Turn } from './model.ts';
import { roleOf } from './roles.ts';

/** The labels that start a turn in a text transcript, in the order a person would write them. */
const turnLabel = /^(Human|User|Assistant|System|Developer|Tool):/;
export const noteLabel = /^Note:/;

export interface TextTurns {
  readonly turns: Turn[];
  readonly problems: Problem[];
}

export interface Line {
  readonly start: number;
  readonly end: number;
}

/** Line starts and ends (without the line break) of a decoded text. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push({ start, end: text.length });
      return lines;
    }
    lines.push({ start, end: nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl });
    start = nl + 1;
  }
}

/**
 * Mutable state of the turn being read; text and Markdown transcripts share it. A turn's text is
 * split into blocks by its notes: the lines before a note are one `text` block, and lines after it
 * (before the next turn) start another, so that a note never becomes part of what detectors read.
 */
export class TurnBuilder {
  readonly turns: Turn[] = [];
  readonly problems: Problem[] = [];
  readonly #text: MappedText;
  #current: { role: Turn['role']; roleLabel: string; roleSpan?: Span; labelEnd: number; start: number; blocks: ContentBlock[]; notes: Note[] } | undefined;
  #runStart = -1;
  #runEnd = -1;
  #lastEnd = -1;

  constructor(text: MappedText) {
    this.#text = text;
  }

  /**
   * Starts a turn whose label covers `[labelStart, labelEnd)` of the decoded text; an empty label
   * means the role is implied (a whole-file prompt), and the turn has no `roleSpan`.
   */
  startTurn(roleLabel: string, labelStart: number, labelEnd: number, turnStart = labelStart): void {
    this.finish();
    const t = this.#text;
    this.#current = {
      role: roleOf(roleLabel) ?? 'user',
      roleLabel,
      ...(labelEnd > labelStart ? { roleSpan: { start: t.toSource(labelStart), end: t.toSource(labelEnd) } } : {}),
      labelEnd,
      start: turnStart,
      blocks: [],
      notes: [],
    };
    this.#lastEnd = labelEnd;
  }

  /** Adds `[start, end)` of the decoded text to the current turn's text; blank runs are trimmed later. */
  addText(start: number, end: number): void {
    if (!this.#current) return;
    const slice = this.#text.text.slice(start, end);
    const lead = slice.length - slice.trimStart().length;
    const trimmedEnd = start + slice.trimEnd().length;
    if (trimmedEnd <= start + lead) return;
    if (this.#runStart < 0) this.#runStart = start + lead;
    this.#runEnd = trimmedEnd;
    this.#lastEnd = Math.max(this.#lastEnd, trimmedEnd);
  }

  /** Adds a note whose text is `[textStart, textEnd)` and which is written over `[start, end)`. */
  addNote(start: number, textStart: number, textEnd: number, end: number): void {
    const t = this.#text;
    const span = { start: t.toSource(start), end: t.toSource(end) };
    if (!this.#current) {
      this.problems.push(problem('transcript.orphan-note', 'This note comes before any turn, so it annotates nothing.', span, 'warning'));
      return;
    }
    this.#flushRun();
    this.#current.notes.push(makeNote(mappedSlice(t, textStart, textEnd), span));
    this.#lastEnd = Math.max(this.#lastEnd, end);
  }

  /** Ends the current turn, if any. */
  finish(): void {
    const c = this.#current;
    if (!c) return;
    this.#flushRun();
    if (c.blocks.length === 0) {
      const at = this.#text.toSource(c.labelEnd);
      c.blocks.push({ type: 'text', text: emptyAt(at), span: { start: at, end: at } });
    }
    this.turns.push({
      index: this.turns.length,
      role: c.role,
      roleLabel: c.roleLabel,
      ...(c.roleSpan ? { roleSpan: c.roleSpan } : {}),
      span: { start: this.#text.toSource(c.start), end: this.#text.toSource(this.#lastEnd) },
      blocks: c.blocks,
      notes: c.notes,
    });
    this.#current = undefined;
  }

  get inTurn(): boolean {
    return this.#current !== undefined;
  }

  #flushRun(): void {
    if (this.#runStart < 0 || !this.#current) return;
    const text = mappedSlice(this.#text, this.#runStart, this.#runEnd);
    this.#current.blocks.push({ type: 'text', text, span: { start: text.toSource(0), end: text.toSource(text.text.length) } });
    this.#runStart = this.#runEnd = -1;
  }
}

/**
 * Reads the note that starts at line `i` (with `Note:`) and its indented continuation lines into the
 * builder, and returns the index of the note's last line.
 */
export function readNote(builder: TurnBuilder, s: string, lines: readonly Line[], i: number): number {
  const start = lines[i].start;
  let noteEnd = lines[i].end;
  while (i + 1 < lines.length && /^[ \t]+\S/.test(s.slice(lines[i + 1].start, lines[i + 1].end))) noteEnd = lines[++i].end;
  const raw = s.slice(start + 5, noteEnd);
  const textStart = start + 5 + (raw.length - raw.trimStart().length);
  const textEnd = Math.max(textStart, start + 5 + raw.trimEnd().length);
  builder.addNote(start, textStart, textEnd, textEnd);
  return i;
}

function emptyAt(at: number): MappedText {
  return { text: '', toSource: () => at };
}

/**
 * Reads a text transcript (also the hh-rlhf `\n\nHuman: ... \n\nAssistant: ...` style) from decoded
 * text, which may be a whole file or the contents of a JSON string. A turn starts at a line that
 * begins with `Human:`, `User:`, `Assistant:`, `System:`, `Developer:` or `Tool:`; the text after the
 * label and the lines that follow belong to it. A line that begins with `Note:` annotates the turn
 * before it; the note continues on the lines after it that are indented (by a space or a tab), so a
 * long note can wrap. Text before the first turn is a preamble and belongs to no turn.
 */
export function parseTextTurns(text: MappedText): TextTurns {
  const builder = new TurnBuilder(text);
  const lines = splitLines(text.text);
  const s = text.text;
  for (let i = 0; i < lines.length; i++) {
    const { start, end } = lines[i];
    const line = s.slice(start, end);
    const label = turnLabel.exec(line);
    if (label) {
      builder.startTurn(label[1], start, start + label[0].length);
      builder.addText(start + label[0].length, end);
      continue;
    }
    if (noteLabel.test(line)) {
      i = readNote(builder, s, lines, i);
      continue;
    }
    builder.addText(start, end);
  }
  builder.finish();
  return { turns: builder.turns, problems: builder.problems };
}
