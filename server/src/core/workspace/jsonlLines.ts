/**
 * A JSONL transcript kept line by line, for the workspace index. Each line's report (its problems,
 * citations and findings; see {@link lineReport}) is made once per parse of the line and ruleset and
 * kept line-relative in the line's memo; the index's whole-file lists place the reports where their
 * lines are when they are asked for (see {@link placeFinding} and its siblings, the editor's one
 * place for that). An edit re-parses the lines it touches (see {@link JsonlModel}); the other lines
 * keep their reports.
 */
import type { Ruleset } from '../detectors/index.ts';
import type { Finding } from '../detectors/types.ts';
import type { Problem } from '../problem.ts';
import { citationsOf, reportOfLine, type LineReport, type TurnCitation } from './lineReport.ts';
import type { LineText } from '../lineText.ts';
import type { LineIndex } from '../text.ts';
import { TranscriptFormat, type Conversation, type Transcript } from '../transcript/model.ts';
import { detectKind, FileKind, isClaudeCodeSession, isJsonlFileName, JsonlModel } from '../transcript/parse.ts';
import type { JsonlLineView } from '../transcript/jsonl.ts';
import type { CitationRef } from './index.ts';

/**
 * Calls that let a test or a bench watch the incremental work, woven into the parse and the report
 * of a line when the lines are opened: lines opened without them run no check for them.
 */
export interface JsonlLinesHooks {
  /** A physical line (0-based) was parsed. */
  onParseLine?(line: number): void;
  /** A non-blank line's conversations (by their index) were checked against a ruleset. */
  onCheckLine?(index: number): void;
}

/** The key of a line's report in its memo; the report is for the ruleset it holds. */
const reportKey = { name: 'line report' };

export class JsonlLines {
  readonly #model: JsonlModel;
  /** Makes a line's report; a test's or a bench's hook is woven in when the model is opened. */
  readonly #report: (view: JsonlLineView, ruleset: Ruleset) => LineReport;

  private constructor(model: JsonlModel, hooks: JsonlLinesHooks) {
    this.#model = model;
    const onCheckLine = hooks.onCheckLine;
    this.#report = onCheckLine
      ? (view, ruleset) => {
          if (view.line.conversations.length > 0) onCheckLine(view.index);
          return reportOfView(view, ruleset);
        }
      : reportOfView;
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
      const model = new JsonlModel(content, hooks.onParseLine ? { onParseLine: hooks.onParseLine } : {});
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

  /**
   * One line's report for `ruleset`, line-relative, made once per parse of the line and ruleset. A
   * detector that throws leaves the line without findings rather than stop the reader.
   */
  report(view: JsonlLineView, ruleset: Ruleset): LineReport {
    const kept = view.memo.get(reportKey) as { ruleset: Ruleset; report: LineReport } | undefined;
    if (kept?.ruleset === ruleset) return kept.report;
    const report = this.#report(view, ruleset);
    view.memo.set(reportKey, { ruleset, report });
    return report;
  }

  /** The findings of every line, placed, in file order. */
  findings(ruleset: Ruleset): Finding[] {
    const out: Finding[] = [];
    for (const view of this.#model.lines()) for (const f of this.report(view, ruleset).findings) out.push(placeFinding(f, view.start, view.index));
    return out;
  }

  /** The parse problems of every line, placed, in file order. */
  problems(): Problem[] {
    const out: Problem[] = [];
    for (const view of this.#model.lines()) for (const p of view.line.problems) out.push(placeProblem(p, view.start));
    return out;
  }

  /** The citations of every line's notes, placed, in file order, with the turns that hold them. */
  citations(uri: string): CitationRef[] {
    const out: CitationRef[] = [];
    for (const view of this.#model.lines()) {
      if (view.line.conversations.length === 0) continue;
      for (const c of citationsOfView(view)) out.push(placeCitation(uri, c, view.start, view.index));
    }
    return out;
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

/** A line's report, worked out afresh; a detector that throws leaves the line without findings. */
function reportOfView(view: JsonlLineView, ruleset: Ruleset): LineReport {
  try {
    return reportOfLine(view.line, ruleset);
  } catch {
    const { conversations, problems } = view.line;
    return { conversations, problems, citations: citationsOf(conversations), findings: [] };
  }
}

/** The citations of a line, from its report when one was made, else from its conversations. */
function citationsOfView(view: JsonlLineView): readonly TurnCitation[] {
  const kept = view.memo.get(reportKey) as { report: LineReport } | undefined;
  if (kept) return kept.report.citations;
  return citationsOf(view.line.conversations);
}

/** A line-relative finding at a line that starts at offset `start` and is record `index` of its file. */
export function placeFinding(f: Finding, start: number, index: number): Finding {
  if (start === 0 && f.conversation === index) return f;
  const span = { start: f.span.start + start, end: f.span.end + start };
  if (!f.reviewed) return { ...f, span, conversation: index };
  const noteSpan = { start: f.reviewed.noteSpan.start + start, end: f.reviewed.noteSpan.end + start };
  return { ...f, span, conversation: index, reviewed: { ...f.reviewed, noteSpan } };
}

/** A line-relative problem at a line that starts at offset `start`. */
export function placeProblem(p: Problem, start: number): Problem {
  return start === 0 ? p : { ...p, span: { start: p.span.start + start, end: p.span.end + start } };
}

/** A line-relative citation of file `uri` at a line that starts at offset `start` and is record `index`. */
export function placeCitation(uri: string, c: TurnCitation, start: number, index: number): CitationRef {
  const { span, idSpan } = c.citation;
  const citation = start === 0 ? c.citation : { ...c.citation, span: { start: span.start + start, end: span.end + start }, idSpan: { start: idSpan.start + start, end: idSpan.end + start } };
  return { uri, citation, conversation: index, turn: c.turn };
}

/** The transcript's format: its conversations' one format, or `unknown` when they differ or there are none. */
function formatOf(conversations: readonly Conversation[]): TranscriptFormat {
  const first = conversations[0]?.format ?? TranscriptFormat.unknown;
  return conversations.every((c) => c.format === first) ? first : TranscriptFormat.unknown;
}
