import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { jsonSyntaxMessage } from '../jsonSyntax.ts';
import { problem, syntaxErrorSpan, type Problem } from '../problem.ts';
import { JsonReader, type JsonReaderOptions } from './jsonFormat.ts';
import { scanJson } from './jsonScan.ts';
import type { Conversation } from './model.ts';
import { shiftConversation } from './shift.ts';
import { LineText } from '../lineText.ts';

/** What one JSONL line holds. */
export interface JsonlLine {
  readonly conversations: Conversation[];
  readonly problems: Problem[];
}

/**
 * Keys of a record that no check reads: where it came from, its split, how it was labelled, its
 * metadata. Read `withoutMeta`, a line's scan still holds their values to strict JSON but builds
 * nothing for them. A list: a key the scanner reads is a new string, and comparing it with a few
 * keys costs less than working out its hash for a set, once per root key of every line.
 */
const uncheckedKeys: readonly string[] = ['source', 'split', 'label_kind', 'meta'];

/**
 * Parses one JSONL line (without its line break) that starts at offset `base` of the file and is
 * the `index`-th non-empty line. A line that is not valid JSON is one `jsonl.syntax` problem at the
 * first error and gives no conversation; a valid line of no known shape is a warning. `withoutMeta`
 * (for `check`, which no metadata serves) leaves out the conversations' `meta` and builds nothing
 * for the record's keys that no check reads.
 */
export function parseJsonlLine(line: string, index: number, base: number, options: JsonReaderOptions = {}): JsonlLine {
  const root = scanJson(line, options.withoutMeta ? uncheckedKeys : undefined);
  return root ? readLine(line, root, index, base, options) : parseJsonlLineWithJsonc(line, index, base, options);
}

/**
 * {@link parseJsonlLine} through jsonc-parser's tree alone. Lines that are not strict JSON take this
 * way, so that their first error is reported where jsonc-parser finds it; for the others it gives
 * exactly what the fast way gives, which is what the tests hold the fast way to.
 */
export function parseJsonlLineWithJsonc(line: string, index: number, base: number, options: JsonReaderOptions = {}): JsonlLine {
  const errors: ParseError[] = [];
  const root = parseTree(line, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !root) {
    const e = errors[0];
    const at = syntaxErrorSpan(e ? e.offset : 0, e?.length ?? 1, line.length, base);
    const what = e ? jsonSyntaxMessage(e.error) : 'no JSON value';
    return {
      conversations: [],
      problems: [problem('jsonl.syntax', `This line is not valid JSON (${what}); the other lines are still read.`, at)],
    };
  }
  return readLine(line, root, index, base, options);
}

function readLine(line: string, root: Node, index: number, base: number, options: JsonReaderOptions): JsonlLine {
  const reader = new JsonReader(line, base, options);
  const conversations = reader.fromValue(root, index);
  return { conversations, problems: reader.problems };
}

interface LineState {
  /** Line-relative results (base 0, index 0); `undefined` for a blank line. */
  readonly parsed: JsonlLine | undefined;
  /** What callers derived from this parse of the line; see {@link JsonlModel.lines}. */
  memo?: Map<object, unknown>;
}

/** One non-blank line as {@link JsonlModel.lines} yields it. */
export interface JsonlLineView {
  /** The line's number in the current text. */
  readonly row: number;
  /** Offset of the line's start in the current text. */
  readonly start: number;
  /** The line's rank among non-blank lines, which is the index of its conversations. */
  readonly index: number;
  /** The line's results, line-relative: spans from the line's start, conversation index 0. */
  readonly line: JsonlLine;
  /** A map that lives as long as this parse of the line, for callers to keep what they derive from it. */
  readonly memo: Map<object, unknown>;
}

/**
 * A view of one non-blank line. Its start is read from the model's current text, so an edit that
 * leaves every line where it was (typing within a line) keeps the views of the other lines as they are.
 */
class LineView implements JsonlLineView {
  readonly row: number;
  readonly index: number;
  readonly line: JsonlLine;
  readonly memo: Map<object, unknown>;
  readonly #model: JsonlModel;

  constructor(model: JsonlModel, row: number, index: number, line: JsonlLine, memo: Map<object, unknown>) {
    this.#model = model;
    this.row = row;
    this.index = index;
    this.line = line;
    this.memo = memo;
  }

  get start(): number {
    return this.#model.lineText.lineStart(this.row);
  }
}

/** How many in-place edits the model remembers; a reader further behind reads every line again. */
const replacedLogLength = 256;

/**
 * Calls that let a test or a bench watch the incremental work. They are woven into the model's
 * parse of a line when it is made, so a model made without them runs no check for them.
 */
export interface JsonlModelHooks {
  /** Called with the line number each time a line is parsed. */
  onParseLine?(line: number): void;
}

/** Parses a JSONL line line-relative (base 0, index 0), as the model keeps it; `row` is the line's number. */
type ParseLine = (line: string, row: number) => JsonlLine;

const parseLineRelative: ParseLine = (line) => parseJsonlLine(line, 0, 0);

/**
 * A JSONL document that parses a line when it is first read and re-parses only the lines an edit
 * touches.
 *
 * The text is kept as its lines ({@link LineText}), and beside each line its results, line-relative
 * (spans from the line's start, conversation index 0). Nothing is parsed when the model is made:
 * {@link views} parses lines in file order as far as its reader goes, so the first screen of a
 * 20 MB file can be checked without reading the rest. An edit re-parses just the lines it replaced,
 * when they are read; the others keep their results, and their start offsets come from the new
 * text's line table, so no conversation is touched. Conversations are placed (their spans moved to
 * the line's current start, their index set to the line's rank among non-empty lines) only when
 * {@link conversations} is asked for, so a keystroke costs one line's parse plus a pass over the table.
 */
export class JsonlModel {
  #text: LineText;
  /** Each line's state; `undefined` until the line is first read. */
  #lines: (LineState | undefined)[] = [];
  /** The views of the non-blank lines among the first {@link #viewed} lines of this text. */
  #views: LineView[] = [];
  #viewed = 0;
  /** Bumped by every update. */
  #revision = 0;
  /** The revision from which {@link #replaced} lists every view replaced in place. */
  #sameViewsSince = 0;
  #replaced: { revision: number; index: number }[] = [];
  readonly #parseLine: ParseLine;

  constructor(text: string | LineText, hooks: JsonlModelHooks = {}) {
    this.#text = typeof text === 'string' ? LineText.of(text) : text;
    const onParseLine = hooks.onParseLine;
    this.#parseLine = onParseLine
      ? (line, row) => {
          onParseLine(row);
          return parseLineRelative(line, row);
        }
      : parseLineRelative;
    this.#lines = new Array<LineState | undefined>(this.#text.lineCount);
  }

  /** The whole text (joined on first use after an edit). */
  get text(): string {
    return this.#text.text;
  }

  /** The text as its lines. */
  get lineText(): LineText {
    return this.#text;
  }

  get lineCount(): number {
    return this.#lines.length;
  }

  /**
   * Moves to a new text. A {@link LineText} that was edited from the current one (its origin names
   * it) re-parses only the lines its edits replaced. A string with the edit that made it from the
   * current text (`[start, end)` replaced by `inserted`) does the same. Otherwise the whole text is
   * parsed again.
   */
  update(text: string | LineText, change?: { start: number; end: number; inserted: string }): void {
    let next: LineText;
    if (typeof text !== 'string') next = text;
    else if (change && this.#text.length - (change.end - change.start) + change.inserted.length === text.length) {
      next = this.#text.edit(change.start, change.end, change.inserted);
    } else next = LineText.of(text);
    const origin = next.origin;
    const wasRead = this.complete;
    this.#revision++;
    if (origin?.from === this.#text.id && wasRead && origin.edits.every((e) => e.added === e.removed) && this.#replaceInPlace(next, origin.edits)) return;
    this.#sameViewsSince = this.#revision;
    this.#replaced = [];
    if (origin?.from === this.#text.id) {
      let lines = this.#lines;
      for (const e of origin.edits) {
        lines = lines.slice(0, e.first).concat(new Array<LineState | undefined>(e.added), lines.slice(e.first + e.removed));
      }
      this.#lines = lines;
    } else {
      this.#lines = new Array<LineState | undefined>(next.lineCount);
    }
    this.#text = next;
    this.#views = [];
    this.#viewed = 0;
    if (this.#lines.length !== next.lineCount) this.#lines = new Array<LineState | undefined>(next.lineCount);
    // A text read to the end before the edit is read to the end again now, while the edit is
    // applied: the edited lines are parsed and every view is made in one tight pass, rather than
    // line by line in the middle of whatever reads the model next.
    if (wasRead) this.viewAt(Infinity);
  }

  /** The text's revision: every update makes a new one. */
  get revision(): number {
    return this.#revision;
  }

  /**
   * The indexes of the views replaced in place since `revision`: their lines were edited and no
   * line moved or turned blank, so every other view is as it was. Undefined when the views were
   * made again since then (or the model no longer remembers that far back); a reader must then
   * read every view again.
   */
  viewsReplacedSince(revision: number): number[] | undefined {
    if (revision < this.#sameViewsSince || revision > this.#revision) return undefined;
    const out: number[] = [];
    for (const r of this.#replaced) if (r.revision > revision) out.push(r.index);
    return out;
  }

  /**
   * Applies edits that replace lines by as many lines, when each edited line stays blank or stays
   * not blank: the edited lines are parsed and their views replaced, and the other views stay.
   * Returns false, having changed nothing, when that does not hold.
   */
  #replaceInPlace(next: LineText, edits: readonly { first: number; added: number }[]): boolean {
    const rows = new Set<number>();
    for (const e of edits) for (let r = e.first; r < e.first + e.added; r++) rows.add(r);
    const states = new Map<number, LineState>();
    for (const r of rows) {
      const state = this.#parse(r, next);
      if ((state.parsed === undefined) !== (this.#lines[r]?.parsed === undefined)) return false;
      states.set(r, state);
    }
    this.#text = next;
    const views = this.#views;
    if (this.#replaced.length + states.size > replacedLogLength) {
      this.#sameViewsSince = this.#revision;
      this.#replaced = [];
    }
    for (const [r, state] of states) {
      this.#lines[r] = state;
      if (!state.parsed) continue;
      const k = viewOfRow(views, r);
      views[k] = new LineView(this, r, k, state.parsed, (state.memo = new Map()));
      this.#replaced.push({ revision: this.#revision, index: k });
    }
    return true;
  }

  /**
   * Each non-blank line's line-relative results, with its current start and index. A caller that
   * derives something from a line (findings, citations) keeps it in the line's `memo`, which goes
   * with the line's parse, so after an edit only the re-parsed lines are worked on again. The list
   * is made once per text, since every reader of the file (problems, findings, citations,
   * diagnostics) walks it.
   */
  lines(): readonly JsonlLineView[] {
    this.viewAt(Infinity);
    return this.#views;
  }

  /**
   * The `k`-th view of {@link lines}, made when first asked for: lines are read in file order only
   * as far as the reader goes, so a reader that stops early (the first screen, a time budget) has
   * parsed only the lines before where it stopped. Undefined past the last non-blank line.
   */
  viewAt(k: number): JsonlLineView | undefined {
    const views = this.#views;
    if (k < views.length) return views[k];
    const lines = this.#lines;
    const text = this.#text;
    let i = this.#viewed;
    while (views.length <= k && i < lines.length) {
      const state = lines[i] ?? (lines[i] = this.#parse(i, text));
      if (state.parsed) views.push(new LineView(this, i, views.length, state.parsed, (state.memo ??= new Map())));
      this.#viewed = ++i;
    }
    return views[k];
  }

  /** The views of {@link lines}, made as the iteration reaches them; see {@link viewAt}. */
  *views(): Generator<JsonlLineView, void, undefined> {
    for (let k = 0; ; k++) {
      const view = this.viewAt(k);
      if (!view) return;
      yield view;
    }
  }

  /** Whether every line has been read since the text last changed. */
  get complete(): boolean {
    return this.#viewed === this.#lines.length;
  }

  /**
   * Whether a line holds `needle`, searched in the raw lines without parsing them. A NUL, which
   * marks a binary file, is never valid JSON, so a line that holds one is a broken line.
   */
  someLineHolds(needle: string): boolean {
    const text = this.#text;
    for (let i = 0; i < text.lineCount; i++) if (text.line(i).includes(needle)) return true;
    return false;
  }

  /** Every conversation, in file order, placed: its ranges in the current text, its index the line's rank. */
  conversations(): Conversation[] {
    const out: Conversation[] = [];
    for (const view of this.lines()) for (const c of view.line.conversations) out.push(shiftConversation(c, view.start, view.index));
    return out;
  }

  /** Parses line `i` of `text`. */
  #parse(i: number, text: LineText): LineState {
    let line = text.line(i);
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (isBlankLine(line)) return { parsed: undefined };
    return { parsed: this.#parseLine(line, i) };
  }
}

/** The index of the view of row `row` among `views`, which are in row order and hold it. */
function viewOfRow(views: readonly LineView[], row: number): number {
  let lo = 0;
  let hi = views.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (views[mid].row < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether a JSONL line is white space alone, as `trim()` decides, and so holds no record. Every
 * reader of JSONL (the editor's model, a whole-file parse, the command line) skips the same lines.
 * A line whose first character is plainly not white space (almost every JSONL line starts with `{`)
 * is answered without the copy `trim()` makes.
 */
export function isBlankLine(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  if (c > 32 && c < 127) return false;
  return line.trim() === '';
}
