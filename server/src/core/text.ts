/**
 * Offsets, positions and ranges. Every model in the core records places as UTF-16 offsets into the
 * source text (what JavaScript strings index by, and what LSP positions count in); a {@link LineIndex}
 * turns them into line/character positions when a front end needs them.
 */

/** A half-open range `[start, end)` of UTF-16 offsets into a source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A zero-based line and UTF-16 character, as in LSP. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export function span(start: number, end: number): Span {
  return { start, end };
}

export function shiftSpan(s: Span, by: number): Span {
  return { start: s.start + by, end: s.end + by };
}

export function containsOffset(s: Span, offset: number): boolean {
  return offset >= s.start && offset <= s.end;
}

/** What a {@link LineIndex} reads of a text: a string, or a text kept in pieces that answers the same. */
export interface CharSource {
  readonly length: number;
  charCodeAt(offset: number): number;
}

/** Maps offsets to positions and back for one text, by binary search over its line starts. */
export class LineIndex {
  readonly #starts: number[];
  readonly #length: number;

  /**
   * `starts`, when given, are the text's line starts already worked out (see {@link LineIndex.edited});
   * they are kept, not copied, so the caller must not change them.
   */
  constructor(text: CharSource, starts?: number[]) {
    this.#length = text.length;
    this.#starts = starts ?? (typeof text === 'string' ? lineStarts(text) : scanLineStarts(text));
  }

  /**
   * The index of `text`, which is the previous index's text with `[start, end)` replaced by
   * `insertedLength` characters. The line starts before the edited line are copied, only the edited
   * line up to the end of the inserted text is scanned, and the starts after it are shifted, so an
   * edit costs a copy of the starts rather than a scan of the text.
   */
  static edited(previous: LineIndex, text: CharSource, change: { readonly start: number; readonly end: number; readonly insertedLength: number }): LineIndex {
    const old = previous.#starts;
    const { start, end } = change;
    const delta = change.insertedLength - (end - start);
    if (previous.#length + delta !== text.length || start < 0 || end < start || end > previous.#length) return new LineIndex(text);
    // The last line start before the edit stays one: the break before it is not touched, and a
    // lone `\r` there is followed by a character that is not touched either.
    let keep = 0;
    let hi = old.length - 1;
    while (keep < hi) {
      const mid = (keep + hi + 1) >> 1;
      if (old[mid] < start) keep = mid;
      else hi = mid - 1;
    }
    const starts = old.slice(0, keep + 1);
    // Breaks at or before the first unchanged character after the edit are found again by scanning.
    const scanEnd = Math.min(text.length, start + change.insertedLength + 1);
    let i = old[keep];
    for (; i < scanEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    // Starts from two characters after the edit on depend on unchanged characters alone.
    const last = starts[starts.length - 1];
    let from = keep + 1;
    while (from < old.length && old[from] < end + 2) from++;
    for (let k = from; k < old.length; k++) {
      const s = old[k] + delta;
      if (s > last) starts.push(s);
    }
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.#starts.length;
  }

  lineStart(line: number): number {
    return this.#starts[Math.max(0, Math.min(line, this.#starts.length - 1))];
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.#length));
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.#starts[lo] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.#starts.length) return this.#length;
    if (position.line < 0) return 0;
    const start = this.#starts[position.line];
    const next = position.line + 1 < this.#starts.length ? this.#starts[position.line + 1] : this.#length;
    return Math.max(start, Math.min(start + position.character, next));
  }

  rangeOf(s: Span): Range {
    return { start: this.positionAt(s.start), end: this.positionAt(s.end) };
  }
}

/**
 * The line starts of a string, found with `indexOf` searches: a text without `\r` (the usual case)
 * is searched for `\n` alone, which is several times faster than reading it character by character.
 */
function lineStarts(text: string): number[] {
  const starts = [0];
  let cr = text.indexOf('\r');
  let nl = text.indexOf('\n');
  while (nl >= 0 || cr >= 0) {
    if (cr < 0 || (nl >= 0 && nl < cr)) {
      starts.push(nl + 1);
      nl = text.indexOf('\n', nl + 1);
      continue;
    }
    // A `\r` ends a line by itself, or with the `\n` right after it.
    const end = nl === cr + 1 ? nl + 1 : cr + 1;
    starts.push(end);
    if (nl >= 0 && nl < end) nl = text.indexOf('\n', end);
    cr = text.indexOf('\r', end);
  }
  return starts;
}

function scanLineStarts(text: CharSource): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) starts.push(i + 1);
    else if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * Text decoded from a source (a JSON string with its escapes, or plain lines), with the way back to
 * the source: `toSource(i)` is the source offset of decoded offset `i`, for `0 <= i <= text.length`.
 * A range of decoded text maps to `[toSource(a), toSource(b))`, which underlines exactly those words
 * in the file, escapes included.
 */
export interface MappedText {
  readonly text: string;
  toSource(offset: number): number;
}

/** Decoded text that stands in the source verbatim from `base` on. */
export function verbatimText(text: string, base: number): MappedText {
  return { text, toSource: (offset) => base + offset };
}

/**
 * Decoded text whose mapping is piecewise linear: `anchors` is a sorted list of
 * `[decodedOffset, sourceOffset]` pairs, each starting a run in which both advance together.
 * The last anchor must sit at `text.length` so that the end maps exactly.
 */
export function anchoredText(text: string, anchors: ReadonlyArray<readonly [number, number]>): MappedText {
  return {
    text,
    toSource(offset) {
      let lo = 0;
      let hi = anchors.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (anchors[mid][0] <= offset) lo = mid;
        else hi = mid - 1;
      }
      const [d, s] = anchors[lo];
      return s + (offset - d);
    },
  };
}

export function mappedSpan(text: MappedText, start: number, end: number): Span {
  return { start: text.toSource(start), end: text.toSource(end) };
}

/**
 * Decodes UTF-8, refusing binary files and text that is not UTF-8 with a message that says which.
 * One byte-order mark is dropped, as editors do, and as the line reader drops it.
 */
export function decodeText(bytes: Uint8Array, name: string): string {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) throw new Error(`${name} looks binary (it holds NUL bytes); it is not checked.`);
  try {
    // The decoder keeps the mark (`ignoreBOM`) for the line below to drop: left to the decoder, a
    // first mark was dropped there and a second here.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new Error(`${name} is not valid UTF-8; save it as UTF-8 to have it checked.`);
  }
}
