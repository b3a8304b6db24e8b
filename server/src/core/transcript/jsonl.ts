import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { problem, type Problem } from '../problem.ts';
import { JsonReader } from './jsonFormat.ts';
import { scanJson } from './jsonScan.ts';
import { TranscriptFormat, type Conversation, type Transcript } from './model.ts';
import { shiftConversation } from './shift.ts';

/** What one JSONL line holds. */
export interface JsonlLine {
  readonly conversations: Conversation[];
  readonly problems: Problem[];
}

/**
 * Parses one JSONL line (without its line break) that starts at offset `base` of the file and is
 * the `index`-th non-empty line. A line that is not valid JSON is one `jsonl.syntax` problem at the
 * first error and gives no conversation; a valid line of no known shape is a warning.
 */
export function parseJsonlLine(line: string, index: number, base: number): JsonlLine {
  const root = scanJson(line);
  return root ? readLine(line, root, index, base) : parseJsonlLineWithJsonc(line, index, base);
}

/**
 * {@link parseJsonlLine} through jsonc-parser's tree alone. Lines that are not strict JSON take this
 * way, so that their first error is reported where jsonc-parser finds it; for the others it gives
 * exactly what the fast way gives, which is what the tests hold the fast way to.
 */
export function parseJsonlLineWithJsonc(line: string, index: number, base: number): JsonlLine {
  const errors: ParseError[] = [];
  const root = parseTree(line, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !root) {
    const e = errors[0];
    const at = e ? e.offset : 0;
    const end = Math.min(line.length, at + Math.max(1, e?.length ?? 1));
    const what = e ? describe(printParseErrorCode(e.error)) : 'no JSON value';
    return {
      conversations: [],
      problems: [problem('jsonl.syntax', `This line is not valid JSON (${what}); the other lines are still read.`, { start: base + at, end: base + Math.max(at, end) })],
    };
  }
  return readLine(line, root, index, base);
}

function readLine(line: string, root: Node, index: number, base: number): JsonlLine {
  const reader = new JsonReader(line, base);
  const conversations = reader.fromValue(root, index);
  return { conversations, problems: reader.problems };
}

/** `InvalidSymbol` to `invalid symbol`. */
export function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

interface LineState {
  /** Offset of the line's start in the current text. */
  start: number;
  /** Length without the line break. */
  length: number;
  /** Line-relative results (base 0, index 0); `undefined` for a blank line. */
  parsed: JsonlLine | undefined;
  /** The results moved to this line's current place and index, built when first asked for. */
  placed?: { start: number; index: number; conversations: Conversation[]; problems: Problem[] };
  /** What callers derived from this parse of the line; see {@link JsonlModel.lines}. */
  memo?: Map<object, unknown>;
}

/** One non-blank line as {@link JsonlModel.lines} yields it. */
export interface JsonlLineView {
  /** Offset of the line's start in the current text. */
  readonly start: number;
  /** The line's rank among non-blank lines, which is the index of its conversations. */
  readonly index: number;
  /** The line's results, line-relative: spans from the line's start, conversation index 0. */
  readonly line: JsonlLine;
  /** A map that lives as long as this parse of the line, for callers to keep what they derive from it. */
  readonly memo: Map<object, unknown>;
}

/** Options for a test or a bench to watch the incremental work. */
export interface JsonlModelHooks {
  /** Called with the line number each time a line is parsed. */
  onParseLine?(line: number): void;
}

/**
 * A JSONL document that re-parses only the lines an edit touches.
 *
 * Each line's results are kept line-relative (spans from the line's start, conversation index 0), in
 * a table beside the line's current start offset. An edit re-splits and re-parses just the lines it
 * overlaps, then moves the start offsets of the lines after it by the change in length: one addition
 * per line, with no conversation touched. Conversations are placed (their spans moved to the line's
 * current start, their index set to the line's rank among non-empty lines) only when asked for, and
 * the placed copy is kept until the line moves again, so a keystroke costs one line's parse plus a
 * pass over the table.
 */
export class JsonlModel {
  #text: string;
  #lines: LineState[] = [];
  readonly #hooks: JsonlModelHooks;

  constructor(text: string, hooks: JsonlModelHooks = {}) {
    this.#text = text;
    this.#hooks = hooks;
    this.#lines = this.#parseRegion(text, 0, text.length, 0);
  }

  get text(): string {
    return this.#text;
  }

  get lineCount(): number {
    return this.#lines.length;
  }

  /**
   * Applies an edit: `[start, end)` of the previous text was replaced by `inserted`, giving `text`.
   * Without a range the whole text is parsed again.
   */
  update(text: string, change?: { start: number; end: number; inserted: string }): void {
    if (!change || this.#text.length - (change.end - change.start) + change.inserted.length !== text.length) {
      this.#text = text;
      this.#lines = this.#parseRegion(text, 0, text.length, 0);
      return;
    }
    const first = this.#lineAt(change.start);
    const last = this.#lineAt(change.end);
    const delta = change.inserted.length - (change.end - change.start);
    const regionStart = this.#lines[first].start;
    const oldEnd = this.#lineEnd(last);
    const newEnd = oldEnd + delta;
    this.#text = text;
    const fresh = this.#parseRegion(text, regionStart, newEnd, first);
    const after = this.#lines.slice(last + 1);
    for (const l of after) l.start += delta;
    this.#lines = [...this.#lines.slice(0, first), ...fresh, ...after];
  }

  /**
   * Each non-blank line's line-relative results, with its current start and index. A caller that
   * derives something from a line (findings, citations) keeps it in the line's `memo`, which goes
   * with the line's parse, so after an edit only the re-parsed lines are worked on again.
   */
  *lines(): Generator<JsonlLineView> {
    let index = 0;
    for (const l of this.#lines) {
      if (!l.parsed) continue;
      yield { start: l.start, index: index++, line: l.parsed, memo: (l.memo ??= new Map()) };
    }
  }

  /** Every conversation, in file order, with its ranges in the current text. */
  conversations(): Conversation[] {
    return this.#placeAll().flatMap((p) => p.conversations);
  }

  /** Every problem, with its range in the current text. */
  problems(): Problem[] {
    return this.#placeAll().flatMap((p) => p.problems);
  }

  transcript(): Transcript {
    return { format: TranscriptFormat.labelled, conversations: this.conversations(), problems: this.problems() };
  }

  #placeAll(): NonNullable<LineState['placed']>[] {
    const out: NonNullable<LineState['placed']>[] = [];
    let index = 0;
    for (const l of this.#lines) {
      if (!l.parsed) continue;
      if (!l.placed || l.placed.start !== l.start || l.placed.index !== index) {
        const by = l.start;
        const i = index;
        l.placed = {
          start: l.start,
          index,
          conversations: l.parsed.conversations.map((c) => shiftConversation(c, by, i)),
          problems: l.parsed.problems.map((p) => ({ ...p, span: { start: p.span.start + by, end: p.span.end + by } })),
        };
      }
      out.push(l.placed);
      index++;
    }
    return out;
  }

  /** The index of the line holding `offset` (a line holds its line break). */
  #lineAt(offset: number): number {
    let lo = 0;
    let hi = this.#lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lines[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The end of line `i`, after its line break if it has one. */
  #lineEnd(i: number): number {
    return i + 1 < this.#lines.length ? this.#lines[i + 1].start : this.#text.length;
  }

  /** Splits `[from, to)` of `text` (which starts and ends at line boundaries) into lines and parses them. */
  #parseRegion(text: string, from: number, to: number, firstLine: number): LineState[] {
    const out: LineState[] = [];
    let start = from;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const stop = nl < 0 || nl >= to ? to : nl;
      const length = stop > start && text.charCodeAt(stop - 1) === 13 ? stop - 1 - start : stop - start;
      const line = text.slice(start, start + length);
      let parsed: JsonlLine | undefined;
      if (line.trim() !== '') {
        this.#hooks.onParseLine?.(firstLine + out.length);
        parsed = parseJsonlLine(line, 0, 0);
      }
      out.push({ start, length, parsed });
      if (nl < 0 || nl >= to) break;
      start = nl + 1;
      if (start >= to && to < text.length) break;
      if (start >= to) {
        out.push({ start, length: 0, parsed: undefined });
        break;
      }
    }
    return out;
  }
}
