/**
 * A JSONL transcript kept line by line, for the workspace index. Every result the index needs from
 * a line (its findings per ruleset, its problems, its citations) is worked out once per parse of the
 * line, kept line-relative in the line's memo, and moved to the line's current place when read. An
 * edit re-parses the lines it touches (see {@link JsonlModel}); the other lines keep their results,
 * so a keystroke in a 20 MB file costs one line's parse and check plus a shift per result elsewhere.
 */
import { checkConversations, type Ruleset } from '../detectors/index.ts';
import type { Finding } from '../detectors/types.ts';
import type { Problem } from '../problem.ts';
import type { LineText } from '../lineText.ts';
import type { LineIndex } from '../text.ts';
import { TranscriptFormat, type Conversation, type Transcript } from '../transcript/model.ts';
import { detectKind, FileKind, isClaudeCodeSession, isJsonlFileName, JsonlModel } from '../transcript/parse.ts';
import type { JsonlLineView } from '../transcript/jsonl.ts';
import type { CitationRef } from './index.ts';

/** Calls that let a test or a bench watch the incremental work. */
export interface JsonlLinesHooks {
  /** A physical line (0-based) was parsed. */
  onParseLine?(line: number): void;
  /** A non-blank line's conversations (by their index) were checked against a ruleset. */
  onCheckLine?(index: number): void;
}

/** Results of one line moved to where the line is now. */
interface Placed<T> {
  readonly start: number;
  readonly index: number;
  readonly items: readonly T[];
}

/** The keys of what the index keeps in a line's memo (a ruleset is the key of its findings). */
const placedFindingsKey = { name: 'placed findings' };
const placedProblemsKey = { name: 'placed problems' };
const placedCitationsKey = { name: 'placed citations' };

export class JsonlLines {
  readonly #model: JsonlModel;
  readonly #hooks: JsonlLinesHooks;

  private constructor(model: JsonlModel, hooks: JsonlLinesHooks) {
    this.#model = model;
    this.#hooks = hooks;
  }

  /**
   * The line-by-line model of a file, or undefined when the file is not read as JSONL (by its name,
   * by its content as `parseTranscript` decides, or because it is binary).
   */
  static open(content: string | LineText, fileName: string, hooks: JsonlLinesHooks = {}): JsonlLines | undefined {
    const name = fileName.toLowerCase();
    const byName = isJsonlFileName(name);
    const text = typeof content === 'string' ? content : undefined;
    const whole = () => text ?? (content as LineText).text;
    // A `.json` file is almost always one value over many lines; it is read as JSONL only when its
    // content says so, which is decided before paying for a parse by lines.
    if (!byName && !(name.endsWith('.json') && detectKind(fileName, whole()) === FileKind.jsonl)) return undefined;
    // A Claude Code session is one conversation over the whole file, read by the whole-file parse.
    if (isClaudeCodeSession(head(content))) return undefined;
    try {
      const model = new JsonlModel(content, { onParseLine: (line) => hooks.onParseLine?.(line) });
      if (model.someLineHolds('\u0000')) return undefined;
      if (byName && !isJsonlShaped(model) && detectKind(fileName, whole()) !== FileKind.jsonl) return undefined;
      return new JsonlLines(model, hooks);
    } catch {
      return undefined;
    }
  }

  /** The whole text (joined on first use after an edit). */
  get text(): string {
    return this.#model.text;
  }

  /** The text as its lines. */
  get content(): LineText {
    return this.#model.lineText;
  }

  /** The line index of the current text, derived edit by edit. */
  get lines(): LineIndex {
    return this.#model.lineText.lineIndex;
  }

  /**
   * Moves to `next`, the text after the editor's changes. A text edited from the current one (see
   * {@link LineText.origin}) re-parses only the lines the edits replaced. Returns false when the
   * edits cannot be followed line by line (a text from elsewhere, a NUL, or a result that is no
   * longer JSONL); the model must then be dropped, since it may hold part of the changes.
   */
  apply(next: LineText, fileName: string): boolean {
    try {
      if (next.origin?.from !== this.#model.lineText.id) return false;
      for (const e of next.origin.edits) {
        for (let i = e.first; i < e.first + e.added; i++) if (next.line(i).includes('\u0000')) return false;
      }
      if (isClaudeCodeSession(head(next))) return false;
      this.#model.update(next);
      return isJsonlShaped(this.#model) || detectKind(fileName, next.text) === FileKind.jsonl;
    } catch {
      return false;
    }
  }

  /** Whether some line holds a conversation (read up to the first that does). */
  holdsConversation(): boolean {
    for (const view of this.#model.views()) if (view.line.conversations.length > 0) return true;
    return false;
  }

  /**
   * The `k`-th non-blank line, with what the index keeps of it, parsed when first reached; see
   * {@link JsonlModel.viewAt}.
   */
  viewAt(k: number): JsonlLineView | undefined {
    return this.#model.viewAt(k);
  }

  /** Every non-blank line's view, in file order; see {@link JsonlModel.lines}. */
  views(): readonly JsonlLineView[] {
    return this.#model.lines();
  }

  /** The text's revision; see {@link JsonlModel.revision}. */
  get revision(): number {
    return this.#model.revision;
  }

  /** The views replaced in place since `revision`; see {@link JsonlModel.viewsReplacedSince}. */
  viewsReplacedSince(revision: number): number[] | undefined {
    return this.#model.viewsReplacedSince(revision);
  }

  /** The findings of every line, in file order; a line is checked once per parse and ruleset. */
  findings(ruleset: Ruleset): Finding[] {
    const out: Finding[] = [];
    for (const view of this.#model.lines()) for (const f of this.lineFindings(view, ruleset)) out.push(f);
    return out;
  }

  /** One line's findings at its current place. */
  lineFindings(view: JsonlLineView, ruleset: Ruleset): readonly Finding[] {
    const { start, index, line, memo } = view;
    if (line.conversations.length === 0) return [];
    let placed = memo.get(placedFindingsKey) as (Placed<Finding> & { ruleset: Ruleset }) | undefined;
    if (!placed || placed.ruleset !== ruleset || placed.start !== start || placed.index !== index) {
      let relative = memo.get(ruleset) as Finding[] | undefined;
      if (!relative) {
        this.#hooks.onCheckLine?.(index);
        relative = checkLine(line.conversations, ruleset);
        memo.set(ruleset, relative);
      }
      placed = { ruleset, start, index, items: relative.length === 0 ? relative : relative.map((f) => shiftFinding(f, start, index)) };
      memo.set(placedFindingsKey, placed);
    }
    return placed.items;
  }

  /** The parse problems of every line, in file order. */
  problems(): Problem[] {
    const out: Problem[] = [];
    for (const view of this.#model.lines()) for (const p of this.lineProblems(view)) out.push(p);
    return out;
  }

  /** One line's parse problems at its current place. */
  lineProblems(view: JsonlLineView): readonly Problem[] {
    const { start, index, line, memo } = view;
    if (line.problems.length === 0) return line.problems;
    let placed = memo.get(placedProblemsKey) as Placed<Problem> | undefined;
    if (!placed || placed.start !== start) {
      placed = { start, index, items: line.problems.map((p) => (start === 0 ? p : { ...p, span: { start: p.span.start + start, end: p.span.end + start } })) };
      memo.set(placedProblemsKey, placed);
    }
    return placed.items;
  }

  /** The citations of every line's notes, in file order, with the turns that hold them. */
  citations(uri: string): CitationRef[] {
    const out: CitationRef[] = [];
    for (const view of this.#model.lines()) for (const c of this.lineCitations(view, uri)) out.push(c);
    return out;
  }

  /** One line's citations at its current place. */
  lineCitations(view: JsonlLineView, uri: string): readonly CitationRef[] {
    const { start, index, line, memo } = view;
    let placed = memo.get(placedCitationsKey) as Placed<CitationRef> | undefined;
    if (placed?.items.length === 0) return placed.items;
    if (!placed || placed.start !== start || placed.index !== index) {
      placed = { start, index, items: lineCitations(uri, line.conversations, start, index) };
      memo.set(placedCitationsKey, placed);
    }
    return placed.items;
  }

  /** The whole transcript, as `parseTranscript` gives it for this text. */
  transcript(): Transcript {
    const conversations = this.#model.conversations();
    return { format: formatOf(conversations), conversations, problems: this.problems() };
  }
}

/** The first lines of a text (up to 64 KiB), without joining a large document's lines. */
function head(content: string | LineText): string {
  if (typeof content === 'string') return content.slice(0, 64 * 1024);
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; i < content.lineCount && length < 64 * 1024; i++) {
    const line = content.line(i);
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

/**
 * Whether the model's text is JSONL as `detectKind` decides without reading further: at least two
 * non-blank lines, the first of which is the file's first line and valid JSON. Otherwise the answer
 * takes `detectKind` itself.
 */
function isJsonlShaped(model: JsonlModel): boolean {
  let seen = 0;
  for (const view of model.views()) {
    if (seen === 0 && (view.start !== 0 || view.line.problems.some((p) => p.code === 'jsonl.syntax'))) return false;
    if (++seen === 2) return true;
  }
  return false;
}

function checkLine(conversations: readonly Conversation[], ruleset: Ruleset): Finding[] {
  try {
    return checkConversations(conversations, ruleset);
  } catch {
    return [];
  }
}

function shiftFinding(f: Finding, by: number, index: number): Finding {
  if (by === 0 && f.conversation === index) return f;
  const span = { start: f.span.start + by, end: f.span.end + by };
  if (!f.reviewed) return { ...f, span, conversation: index };
  const noteSpan = { start: f.reviewed.noteSpan.start + by, end: f.reviewed.noteSpan.end + by };
  return { ...f, span, conversation: index, reviewed: { ...f.reviewed, noteSpan } };
}

function lineCitations(uri: string, conversations: readonly Conversation[], by: number, index: number): CitationRef[] {
  const out: CitationRef[] = [];
  for (const conversation of conversations) {
    for (const turn of conversation.turns) {
      for (const note of turn.notes) {
        for (const c of note.citations) {
          const citation = { ...c, span: { start: c.span.start + by, end: c.span.end + by }, idSpan: { start: c.idSpan.start + by, end: c.idSpan.end + by } };
          out.push({ uri, citation, conversation: index, turn: turn.index });
        }
      }
    }
  }
  out.sort((a, b) => a.citation.span.start - b.citation.span.start);
  return out;
}

/** The transcript's format: its conversations' one format, or `unknown` when they differ or there are none. */
function formatOf(conversations: readonly Conversation[]): TranscriptFormat {
  const first = conversations[0]?.format ?? TranscriptFormat.unknown;
  return conversations.every((c) => c.format === first) ? first : TranscriptFormat.unknown;
}
