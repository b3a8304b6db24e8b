/**
 * A text kept as its lines, so that an edit of a large document never copies the whole text. The
 * lines are split at `\n` alone (a `\r` before it stays on the line, as JSONL readers see it), each
 * with its start offset. An edit joins, edits and splits again only the lines it touches, and copies
 * the two arrays of the line table; the whole text is joined only when a reader asks for all of it,
 * once per version.
 */
import { LineIndex, type CharSource, type Position } from './text.ts';

/** How an edit changed the line table: lines `[first, first + removed)` became `[first, first + added)`. */
export interface LineEdit {
  readonly first: number;
  readonly removed: number;
  readonly added: number;
}

/**
 * Where a text came from: the text with id `from`, changed by `edits` in order. A reader that keeps
 * something per line of `from` can follow the edits instead of reading the new text afresh.
 */
export interface LineTextOrigin {
  readonly from: number;
  readonly edits: readonly LineEdit[];
}

/** A change as the editor reports it: a range of the text before it, or none for the whole text. */
export interface PositionChange {
  readonly range?: { readonly start: Position; readonly end: Position };
  readonly text: string;
}

let nextId = 0;

export class LineText implements CharSource {
  /** Tells versions apart, so that an {@link LineTextOrigin} names its text without holding it. */
  readonly id = ++nextId;
  readonly origin: LineTextOrigin | undefined;
  readonly #lines: readonly string[];
  readonly #starts: readonly number[];
  readonly #length: number;
  /** Whether the text may hold a `\r`; when it does not, its LSP lines are its `\n` lines. */
  readonly #mayHoldCr: boolean;
  #flat: string | undefined;
  #index: LineIndex | undefined;

  private constructor(lines: readonly string[], starts: readonly number[], length: number, mayHoldCr: boolean, flat: string | undefined, origin: LineTextOrigin | undefined) {
    this.#lines = lines;
    this.#starts = starts;
    this.#length = length;
    this.#mayHoldCr = mayHoldCr;
    this.#flat = flat;
    this.origin = origin;
  }

  /** The lines of `text`; the lines are slices of it, and `text` itself answers {@link LineText.text}. */
  static of(text: string): LineText {
    const lines: string[] = [];
    const starts: number[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      starts.push(start);
      if (nl < 0) {
        lines.push(text.slice(start));
        break;
      }
      lines.push(text.slice(start, nl));
      start = nl + 1;
    }
    return new LineText(lines, starts, text.length, text.indexOf('\r') >= 0, text, undefined);
  }

  get length(): number {
    return this.#length;
  }

  /** The number of `\n` lines: one more than the number of `\n`. */
  get lineCount(): number {
    return this.#lines.length;
  }

  /** Line `i` without its `\n`. */
  line(i: number): string {
    return this.#lines[i];
  }

  lineStart(i: number): number {
    return this.#starts[i];
  }

  /** The whole text, joined on first use and kept. */
  get text(): string {
    return (this.#flat ??= this.#lines.join('\n'));
  }

  /** The LSP line index (breaks at `\n`, `\r\n` and `\r`), built on first use. */
  get lineIndex(): LineIndex {
    return (this.#index ??= this.#mayHoldCr ? new LineIndex(this.text) : new LineIndex(this, this.#starts as number[]));
  }

  /** The `\n` line holding `offset`; an offset at a line's `\n` is on that line. */
  lineAt(offset: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  charCodeAt(offset: number): number {
    if (this.#flat !== undefined) return this.#flat.charCodeAt(offset);
    if (offset < 0 || offset >= this.#length) return NaN;
    const i = this.lineAt(offset);
    const within = offset - this.#starts[i];
    return within === this.#lines[i].length ? 10 : this.#lines[i].charCodeAt(within);
  }

  /** `[start, end)` of the text, read from the lines it spans. */
  slice(start: number, end = this.#length): string {
    const s = Math.max(0, Math.min(start, this.#length));
    const e = Math.max(s, Math.min(end, this.#length));
    if (this.#flat !== undefined) return this.#flat.slice(s, e);
    const first = this.lineAt(s);
    const last = this.lineAt(e);
    const base = this.#starts[first];
    if (first === last) return this.#lines[first].slice(s - base, e - base);
    return this.#lines.slice(first, last + 1).join('\n').slice(s - base, e - base);
  }

  /**
   * The offset of an LSP position as the editor's document computes it: a line past the end is the
   * end, a character past the line's end is the line's end before its break.
   */
  offsetAt(position: Position): number {
    const lines = this.lineIndex;
    if (position.line >= lines.lineCount) return this.#length;
    if (position.line < 0) return 0;
    const lineStart = lines.lineStart(position.line);
    const next = position.line + 1 < lines.lineCount ? lines.lineStart(position.line + 1) : this.#length;
    let offset = Math.max(lineStart, Math.min(lineStart + Math.max(0, position.character), next));
    while (offset > lineStart && isLineBreak(this.charCodeAt(offset - 1))) offset--;
    return offset;
  }

  /**
   * The text with `[start, end)` replaced by `inserted`. Only the lines the range touches are joined
   * and split again; the new text's origin names this one.
   */
  edit(start: number, end: number, inserted: string): LineText {
    return this.#edited(start, end, inserted, []);
  }

  /**
   * The text after the editor's changes, applied in order (each range is in the text the changes
   * before it left). A change without a range replaces the whole text.
   */
  applyChanges(changes: readonly PositionChange[]): LineText {
    let current: LineText = this;
    const edits: LineEdit[] = [];
    let from = this.id;
    for (const change of changes) {
      if (!change.range) {
        current = LineText.of(change.text);
        edits.length = 0;
        from = current.id;
        continue;
      }
      let start = current.offsetAt(change.range.start);
      let end = current.offsetAt(change.range.end);
      if (end < start) [start, end] = [end, start];
      current = current.#edited(start, end, change.text, edits);
    }
    if (from !== this.id && edits.length === 0) return current;
    const out = new LineText(current.#lines, current.#starts, current.#length, current.#mayHoldCr, current.#flat, { from, edits: [...edits] });
    out.#index = current.#index;
    return out;
  }

  #edited(start: number, end: number, inserted: string, edits: LineEdit[]): LineText {
    const s = Math.max(0, Math.min(start, this.#length));
    const e = Math.max(s, Math.min(end, this.#length));
    const first = this.lineAt(s);
    const last = this.lineAt(e);
    const regionStart = this.#starts[first];
    const region = first === last ? this.#lines[first] : this.#lines.slice(first, last + 1).join('\n');
    const replaced = region.slice(0, s - regionStart) + inserted + region.slice(e - regionStart);
    const fresh = replaced.split('\n');
    const delta = inserted.length - (e - s);
    const removed = last - first + 1;
    const oldLines = this.#lines;
    const oldStarts = this.#starts;
    const count = oldLines.length - removed + fresh.length;
    const lines = new Array<string>(count);
    const starts = new Array<number>(count);
    for (let i = 0; i < first; i++) {
      lines[i] = oldLines[i];
      starts[i] = oldStarts[i];
    }
    let at = regionStart;
    for (let k = 0; k < fresh.length; k++) {
      lines[first + k] = fresh[k];
      starts[first + k] = at;
      at += fresh[k].length + 1;
    }
    for (let i = last + 1, j = first + fresh.length; i < oldLines.length; i++, j++) {
      lines[j] = oldLines[i];
      starts[j] = oldStarts[i] + delta;
    }
    const edit = { first, removed, added: fresh.length };
    edits.push(edit);
    const next = new LineText(lines, starts, this.#length + delta, this.#mayHoldCr || inserted.includes('\r'), undefined, { from: this.id, edits: [edit] });
    // The LSP line index follows the edit without a scan of the text when the previous one was built.
    if (this.#index && next.#mayHoldCr) next.#index = LineIndex.edited(this.#index, next, { start: s, end: e, insertedLength: inserted.length });
    return next;
  }
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}
